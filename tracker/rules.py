"""The rules a value must meet, whichever way it comes in: a form, the import, a meeting.

One place for each rule, so that a report the form refuses cannot come in through a
workbook, and the database columns (``models.py``) are as wide as the rules allow. Each
entry way turns a broken rule into its own message (the form names the field, the import
names the cell); the verdict is the same.

Where the report form and the importer disagreed, the stricter rule won: report texts up to
5,000 characters (the importer took 10,000) and evidence links whose host has a dot (the
importer took any ``http(s)://…``). Values stored earlier under the looser rule still show;
only a new write is held to it.
"""

from __future__ import annotations

import math
import re
import unicodedata

# Longest text per field, by entity and field (the template's column names where they match).
LIMITS: dict[str, dict[str, int]] = {
    "plan": {"name": 200, "commission": 300},
    "strategic_line": {"code": 20, "name": 300},
    "institution": {"acronym": 40, "name": 300, "country": 2, "kind": 100},
    "action_item": {"code": 20, "title": 300, "description": 10_000, "indicator": 300,
                    "unit": 60},
    "report": {"narrative": 5_000, "obstacles": 5_000, "next_steps": 5_000,
               "evidence_link": 1_000, "review_comment": 5_000},
    "meeting": {"place": 200, "minutes": 50_000},
    "decision": {"text": 2_000},
    "reason": {"text": 2_000},  # asking to reopen a quarter, answering, correcting
    "user": {"display_name": 200, "email": 254},
}

# Fields that may not be left empty (the import template marks these columns required).
REQUIRED: dict[str, tuple[str, ...]] = {
    "plan": ("name", "first_quarter", "last_quarter"),
    "strategic_line": ("code", "name"),
    "institution": ("acronym", "name", "country"),
    "action_item": ("code", "strategic_line", "title", "lead_institution", "start_quarter",
                    "due_quarter"),
    "report": ("code", "quarter"),
}

# Fields written on several lines: everything else is single-line, and refuses control
# characters (a line feed in a plan's name would end up in an e-mail header, a file name, a
# slide's footer). A decision is typed in a text area; the item it may become gets its title
# folded to one line (``shortened``).
MULTI_LINE: frozenset[tuple[str, str]] = frozenset({
    ("action_item", "description"), ("report", "narrative"), ("report", "obstacles"),
    ("report", "next_steps"), ("report", "review_comment"), ("meeting", "minutes"),
    ("decision", "text"), ("reason", "text"),
})

PERCENT = (0.0, 100.0)  # both included
WEIGHT = (0.0, 1000.0)  # above the first, at most the second
FISCAL_MONTH = (1, 12)
LINK = re.compile(r"^https?://[^\s<>\"']+\.[^\s<>\"']+$", re.IGNORECASE)
COUNTRY = re.compile(r"[A-Za-z]{2}")  # ISO 3166 alpha-2, kept in upper case


def limit(entity: str, field: str) -> int:
    return LIMITS[entity][field]


def required(entity: str, field: str) -> bool:
    return field in REQUIRED.get(entity, ())


def too_long(entity: str, field: str, text: str | None) -> bool:
    return text is not None and len(text) > LIMITS[entity][field]


def has_bad_characters(text: str | None) -> bool:
    """A NUL character: no database stores it, and nobody types it."""
    return text is not None and "\x00" in text


def single_line(entity: str, field: str) -> bool:
    """Whether the field holds one line (any field not listed in ``MULTI_LINE``)."""
    return (entity, field) not in MULTI_LINE


def _control(character: str) -> bool:
    """A control character (C0, DEL, C1) or a Unicode line or paragraph separator."""
    return unicodedata.category(character) in ("Cc", "Zl", "Zp")


def bad_characters(entity: str, field: str, text: str | None) -> bool:
    """Characters the field refuses: NUL in any field; in a single-line field, any control
    character (line feed, carriage return, tab, escape…) and the Unicode line separators."""
    if not text:
        return False
    if single_line(entity, field):
        return any(_control(character) for character in text)
    return "\x00" in text


def refused_characters(entity: str, **texts: str | None) -> str | None:
    """The message key (``error.characters.<entity>.<field>``) of the first of ``texts`` (the
    entity's fields by name) holding characters its field refuses; None when all are fine.
    A form's service raises it, naming the field; the import names the cell instead."""
    for field, text in texts.items():
        if bad_characters(entity, field, text):
            return f"error.characters.{entity}.{field}"
    return None


def one_line(text: str) -> str:
    """``text`` on one line: every run of whitespace and control characters made one space
    (a value stored before the single-line rule, on its way to a header, a title, a file)."""
    return " ".join("".join(" " if _control(c) else c for c in text).split())


def link_ok(link: str) -> bool:
    return len(link) <= LIMITS["report"]["evidence_link"] and LINK.match(link) is not None


def percent_ok(value: float) -> bool:
    return math.isfinite(value) and PERCENT[0] <= value <= PERCENT[1]


def amount_ok(value: float) -> bool:
    """An indicator's value, baseline or target: a finite number, not negative."""
    return math.isfinite(value) and value >= 0


def weight_ok(value: float) -> bool:
    return math.isfinite(value) and WEIGHT[0] < value <= WEIGHT[1]


def country_ok(country: str) -> bool:
    """Two ASCII letters, as typed (before upper-casing: "ß".upper() is "SS")."""
    return COUNTRY.fullmatch(country) is not None


def shortened(text: str, entity: str, field: str) -> str:
    """``text`` cut to the field's limit with an ellipsis (a decision that titles an item),
    on one line when the field is single-line."""
    if single_line(entity, field):
        text = one_line(text)
    bound = LIMITS[entity][field]
    return text if len(text) <= bound else text[:bound - 1].rstrip() + "…"
