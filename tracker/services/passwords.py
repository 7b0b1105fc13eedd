"""Which new passwords are accepted: NIST SP 800-63B, section 5.1.1.2, and zxcvbn's scoring.

- At least ``MIN_LENGTH`` characters (12), at most ``MAX_LENGTH``; any characters, spaces
  included, and no composition rules (no "one digit, one capital").
- Refused when found in a list of commonly used or breached passwords: the 30,000 most common
  passwords that the ``zxcvbn`` package ships (its ``passwords`` frequency list, built from
  leaked password corpora), compared without regard to case, and also once trailing digits and
  punctuation are taken off ("Password2026!" is "password").
- Refused when it is one character repeated or a run of a keyboard or alphabet sequence
  ("aaaaaaaaaaaa", "123456789012", "qwertyuiopas"), the published demo password, or the
  account's e-mail.
- Refused when zxcvbn scores it below ``MIN_SCORE`` (3 of 4: "safely unguessable", about
  10^8 guesses and more), counting as known words the person's e-mail and its parts, their
  name and its words, this product's words in Spanish and English, the demo's institutions and
  common Spanish password words (zxcvbn's own lists are English): "mremh@demo.example1",
  "coordinacion2026", "passwordpassword" and "administrador" are guessed quickly. The
  refusal says why, in the page's language (``error.password_weak.<reason>``), never in
  zxcvbn's English.

zxcvbn's matching grows faster than the password's length, and much faster with the variety
of "l33t" characters (see ``scored_part``): it scores a prefix, which is enough: a password
whose first 64 characters are strong is strong.

The demo loader makes its accounts with the demo password without these checks
(``accounts.add_user(..., checked=False)``, for the operator only); signing in never applies
them (only choosing a new password does).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from tracker.errors import InvalidInput
from tracker.settings import DEMO_PASSWORD

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 3
SCORED = 64  # characters zxcvbn scores at most (it refuses more than 72)
L33T_VARIETY = 12  # distinct "l33t" characters zxcvbn scores at most (see ``scored_part``)
_SEQUENCES = ("0123456789" * 3, "abcdefghijklmnopqrstuvwxyz" * 2,
              "qwertyuiopasdfghjklzxcvbnm" * 2, "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p")
_TRAILING = re.compile(r"[\d\W_]+$")
_WORD = re.compile(r"[^\W\d_]+")

# This product's words, in Spanish and English, and the demo's institutions (the demo is
# published): the first words anyone would try against an account of this service.
PRODUCT_WORDS = (
    "tracker", "joint work plan tracker", "joint work plan", "work plan", "plan", "plan de "
    "trabajo conjunto", "seguimiento", "sistema de seguimiento", "commission", "comisión",
    "trafficking", "human trafficking", "trata", "trata de personas", "smuggling", "tráfico",
    "migrantes", "migración", "coordinación", "coordinador", "coordinadora", "coordinator",
    "secretaría", "secretaria", "ministerio", "ministry", "policía", "police", "fiscalía",
    "cancillería", "gobierno", "government", "demo", "example", "binacional", "trinacional",
    "oim", "iom", "mremh", "innfa", "pn", "dinapen", "fge", "mininter", "icbf", "fgn", "unodc",
)
# Common Spanish password words (zxcvbn's frequency lists are English).
SPANISH_WORDS = (
    "contraseña", "clave", "administrador", "admin", "usuario", "bienvenido", "bienvenida",
    "secreto", "acceso", "entrar", "ecuador", "colombia", "perú", "quito", "guayaquil",
    "bogotá", "lima", "cuenca", "amor", "teamo", "tequiero", "hola", "holamundo", "corazón",
    "princesa", "mariposa", "estrella", "familia", "dios", "jesús", "fútbol", "barcelona",
    "realmadrid", "américa", "cambiar", "cámbiame", "temporal", "nueva", "contraseñanueva",
)


@cache
def common_passwords() -> frozenset[str]:
    """The common and breached passwords of the ``zxcvbn`` package, lower case."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def _plain(text: str) -> str:
    """``text`` without its accents ("coordinación" → "coordinacion")."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _variants(words: list[str]) -> list[str]:
    """Each word as written and without accents, once, in order; single letters left out."""
    both = [variant for word in words for variant in (word, _plain(word))]
    return [word for word in dict.fromkeys(both) if len(word) >= 2]


def personal_words(email: str | None = None, name: str | None = None) -> list[str]:
    """The person's own words: the e-mail, its local part and domain and their pieces; the
    name, run together and word by word."""
    words: list[str] = []
    if email:
        email = email.strip().lower()
        local, _, domain = email.partition("@")
        words += [email, local, domain, *re.split(r"[^a-z0-9]+", local),
                  *_WORD.findall(local), *domain.split(".")]
    if name:
        name = name.strip().lower()
        words += [name, name.replace(" ", ""), *_WORD.findall(name)]
    return _variants(words)


def known_words(email: str | None = None, name: str | None = None) -> list[str]:
    """What zxcvbn counts as the words an attacker tries first (the earlier, the sooner): the
    person's own, then this product's and common Spanish ones."""
    return list(dict.fromkeys([*personal_words(email, name),
                               *_variants([*PRODUCT_WORDS, *SPANISH_WORDS])]))


def _sequential(folded: str) -> bool:
    compact = folded.replace(" ", "")
    if len(set(compact)) <= 2:
        return True  # "aaaaaaaaaaaa", "abababababab"
    return any(compact in sequence or compact in sequence[::-1] for sequence in _SEQUENCES)


def is_common(password: str, email: str | None = None) -> bool:
    """Found in the breach list, a sequence, the demo password or the e-mail."""
    folded = password.strip().lower()
    stem = _TRAILING.sub("", folded)
    listed = common_passwords()
    if folded in listed or (len(stem) >= 4 and stem in listed) or _sequential(folded):
        return True
    if DEMO_PASSWORD.lower() in folded:
        return True
    own = (email or "").strip().lower()
    return bool(own) and folded in {own, own.split("@")[0]}


@cache
def _l33t_characters() -> frozenset[str]:
    from zxcvbn.matching import L33T_TABLE

    return frozenset(c for subs in L33T_TABLE.values() for c in subs)


def scored_part(password: str) -> str:
    """What zxcvbn scores: the first ``SCORED`` characters, and no further than the first
    ``L33T_VARIETY`` distinct characters of its l33t table ("4", "@", "$", "|"…). Its l33t
    matching tries every combination of their substitutions: measured on this machine, 16
    distinct ones took 0.3 s, 18 took 2.6 s and all 20 took 9 s, whatever the length; 12 take
    under 50 ms, and a password of 256 characters is scored in under 0.2 s
    (``tests/services/test_passwords.py`` holds it to a bound)."""
    l33t, seen = _l33t_characters(), set[str]()
    for index, character in enumerate(password[:SCORED]):
        if character in l33t and character not in seen:
            if len(seen) == L33T_VARIETY:
                return password[:index]
            seen.add(character)
    return password[:SCORED]


# The reason a weak password is weak, from the longest pattern zxcvbn found in it.
_REASONS = {"spatial": "keyboard", "repeat": "repeat", "sequence": "sequence", "date": "date",
            "regex": "date"}


def _mostly_personal(password: str, email: str | None, name: str | None) -> bool:
    """The person's e-mail, name and their pieces, repeated or joined by digits and signs
    ("mremh@demo.example1", "coordinacion2026", the e-mail three times): fewer than four
    letters are left once they are taken out (a prefix cut mid-word can hide that from
    zxcvbn's score)."""
    rest = _plain(password.lower())
    for word in sorted({_plain(w) for w in personal_words(email, name)}, key=len, reverse=True):
        if len(word) >= 3:
            rest = rest.replace(word, " ")
    return len(_WORD.findall(rest)) == 0 or sum(map(len, _WORD.findall(rest))) < 4


def weakness(password: str, email: str | None = None, name: str | None = None) -> str | None:
    """Why zxcvbn guesses ``password`` quickly (a catalog suffix), or None when it scores at
    least ``MIN_SCORE``."""
    from zxcvbn import zxcvbn

    if _mostly_personal(password, email, name):
        return "personal"
    result = zxcvbn(scored_part(password), user_inputs=known_words(email, name),
                    max_length=SCORED)
    if result["score"] >= MIN_SCORE:
        return None
    found = [m for m in result["sequence"] if m["pattern"] != "bruteforce"]
    if not found:
        return "guessable"
    longest = max(found, key=lambda match: len(match["token"]))
    if longest["pattern"] != "dictionary":
        return _REASONS.get(longest["pattern"], "guessable")
    if longest["dictionary_name"] == "user_inputs":
        own = {_plain(word) for word in personal_words(email, name)}
        return "personal" if _plain(longest["matched_word"]) in own else "product"
    return "common" if longest["dictionary_name"] == "passwords" else "words"


def check_new_password(password: str, email: str | None = None,
                       name: str | None = None) -> None:
    """Refuse a new password that NIST SP 800-63B says not to accept, or that zxcvbn guesses
    quickly knowing the person's e-mail and name and this product's words."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput("error.password_too_short", minimum=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidInput("error.password_too_long", maximum=MAX_LENGTH)
    if is_common(password, email):
        raise InvalidInput("error.password_common")
    reason = weakness(password, email, name)
    if reason is not None:
        raise InvalidInput(f"error.password_weak.{reason}")
