"""What a password must be: long enough and not a common one (NIST SP 800-63B: no
composition rules, a blocklist instead)."""

from __future__ import annotations

from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

from gridwork.domain.errors import InvalidInput


@cache
def _common() -> frozenset[str]:
    """The 30,000 most common passwords from leaked lists, as zxcvbn ships them offline."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common(password: str) -> bool:
    """Whether `password` (ignoring case and surrounding spaces) is a commonly used one."""
    return password.strip().lower() in _common()


def check_password(password: str, *, min_length: int, username: str = "") -> None:
    """Refuse a password that is too short, common or the username itself."""
    if len(password) < min_length:
        raise InvalidInput(
            f"the password must be at least {min_length} characters", field="password"
        )
    if is_common(password) or (username and password.strip().lower() == username.lower()):
        raise InvalidInput(
            "this password is too common and easily guessed; choose another", field="password"
        )
