"""Senders of residents' one-time codes. Pluggable: `console` (development: prints the code)
or `package.module:Name` naming a class (instantiated without arguments) or an object with
a `send(phone, message)` method, such as an SMS gateway's adapter."""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Protocol

from gridwork.domain.errors import InvalidInput

logger = logging.getLogger(__name__)


class CodeSender(Protocol):
    """Delivers a short message to a phone."""

    def send(self, phone: str, message: str) -> None:
        """Deliver `message` to `phone` (raise if it cannot be sent)."""


class ConsoleSender:
    """Development sender: prints the message on standard output."""

    def send(self, phone: str, message: str) -> None:
        """Print the message with its recipient."""
        print(f"[one-time code for {phone}] {message}", file=sys.stdout, flush=True)


class Outgoing:
    """Messages queued during a request, delivered by `deliver` after the answer has gone,
    so a phone that gets a code is answered as fast as one that does not."""

    def __init__(self, sender: CodeSender) -> None:
        self._sender = sender
        self._queued: list[tuple[str, str]] = []

    def send(self, phone: str, message: str) -> None:
        """Queue the message."""
        self._queued.append((phone, message))

    def deliver(self) -> None:
        """Send what was queued (a failure is logged, never shown to the requester)."""
        queued, self._queued = self._queued, []
        for phone, message in queued:
            try:
                self._sender.send(phone, message)
            except Exception:
                logger.exception("a one-time code could not be sent")


def load_sender(spec: str) -> CodeSender:
    """The sender named by a setting value."""
    if spec == "console":
        return ConsoleSender()
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise InvalidInput(f"OTP sender {spec!r}: use 'console' or 'package.module:Name'")
    try:
        target = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise InvalidInput(f"OTP sender {spec!r} cannot be loaded: {exc}") from None
    sender = target() if isinstance(target, type) else target
    if not callable(getattr(sender, "send", None)):
        raise InvalidInput(f"OTP sender {spec!r} has no send(phone, message) method")
    return sender  # type: ignore[no-any-return]
