"""What a password must be: long enough and not a common one (NIST SP 800-63B: no
composition rules, a blocklist instead)."""

from __future__ import annotations

from functools import cache

from zxcvbn import zxcvbn  # type: ignore[import-untyped]
from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

from gridwork.domain.errors import InvalidInput

MIN_SCORE = 3  # zxcvbn's "safely unguessable: moderate protection from offline attacks"
MAX_CHECKED = 100  # zxcvbn's time grows with length; past this a password is long enough


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
    # Beyond the list: repeated or sequential characters, keyboard walks, dictionary words
    # with obvious substitutions, the username (NIST SP 800-63B 5.1.1.2), as zxcvbn estimates
    # them; below MIN_SCORE a guesser needs fewer than about 10^8 tries.
    if (
        zxcvbn(password[:MAX_CHECKED], user_inputs=[username] if username else [])["score"]
        < MIN_SCORE
    ):
        raise InvalidInput(
            "this password is too easy to guess (repeated or sequential characters, common "
            "words or your username); a few unrelated words are easy to remember and hard to "
            "guess",
            field="password",
        )
