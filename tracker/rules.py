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

REPORT_TEXTS = ("narrative", "obstacles", "next_steps")
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
    """``text`` cut to the field's limit with an ellipsis (a decision that titles an item)."""
    bound = LIMITS[entity][field]
    return text if len(text) <= bound else text[:bound - 1].rstrip() + "…"
