"""One error hierarchy; every error carries a stable machine-readable code."""

from __future__ import annotations

from typing import Any


class GridworkError(Exception):
    """Base of every error a user may see; `code` is stable, `message` is for people."""

    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(GridworkError):
    """Missing, or outside the reader's scope: the two are deliberately indistinguishable."""

    code = "not_found"


class NotAuthenticated(GridworkError):
    """The request needs a logged-in user or valid credentials."""

    code = "not_authenticated"


class PermissionDenied(GridworkError):
    """The user can see the object but their role may not do this."""

    code = "permission_denied"


class InvalidInput(GridworkError):
    """The input is malformed or violates a rule."""

    code = "invalid_input"


class Conflict(GridworkError):
    """The request conflicts with the current state."""

    code = "conflict"


class TransitionNotAllowed(Conflict):
    """A case action that the workflow does not allow from the current state."""

    code = "transition_not_allowed"


class ImportFailed(GridworkError):
    """A bulk import refused its input; nothing was written."""

    code = "import_failed"

    def __init__(self, file: str, line: int | None, message: str) -> None:
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}", file=file, line=line)


class RateLimited(GridworkError):
    """Too many attempts; `retry_after` seconds must pass first."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message, retry_after=max(1, round(retry_after)))
