"""Which new passwords are accepted: NIST SP 800-63B, section 5.1.1.2.

- At least ``MIN_LENGTH`` characters (12), at most ``MAX_LENGTH``; any characters, spaces
  included, and no composition rules (no "one digit, one capital").
- Refused when found in a list of commonly used or breached passwords: the 30,000 most common
  passwords that the ``zxcvbn`` package ships (its ``passwords`` frequency list, built from
  leaked password corpora), compared without regard to case, and also once trailing digits and
  punctuation are taken off ("Password2026!" is "password").
- Refused when it is one character repeated or a run of a keyboard or alphabet sequence
  ("aaaaaaaaaaaa", "123456789012", "qwertyuiopas"), or when it is the account's e-mail or the
  name of this service.

The demo password is not checked here: demo accounts are made by the demo loader, and signing
in never applies these rules (only choosing a new password does).
"""

from __future__ import annotations

import re
from functools import cache

from tracker.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 256
_SEQUENCES = ("0123456789" * 3, "abcdefghijklmnopqrstuvwxyz" * 2,
              "qwertyuiopasdfghjklzxcvbnm" * 2, "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")
_SERVICE_WORDS = ("tracker", "joint work plan", "work plan tracker")
_TRAILING = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    """The common and breached passwords of the ``zxcvbn`` package, lower case."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def _sequential(folded: str) -> bool:
    compact = folded.replace(" ", "")
    if len(set(compact)) <= 2:
        return True  # "aaaaaaaaaaaa", "abababababab"
    return any(compact in sequence or compact in sequence[::-1] for sequence in _SEQUENCES)


def is_common(password: str, email: str | None = None) -> bool:
    """Found in the breach list, a sequence, the e-mail or the service's name."""
    folded = password.strip().lower()
    stem = _TRAILING.sub("", folded)
    listed = common_passwords()
    if folded in listed or (len(stem) >= 4 and stem in listed) or _sequential(folded):
        return True
    if email and folded in {email.strip().lower(), email.strip().lower().split("@")[0]}:
        return True
    return stem in _SERVICE_WORDS


def check_new_password(password: str, email: str | None = None) -> None:
    """Refuse a new password that NIST SP 800-63B says not to accept."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput("error.password_too_short", minimum=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidInput("error.password_too_long", maximum=MAX_LENGTH)
    if is_common(password, email):
        raise InvalidInput("error.password_common")
