"""Download file names (tracker/file_names.py): bounded, and safe on Windows, macOS and Linux
whatever a plan's name holds (issue 25, item 7)."""

from __future__ import annotations

import re

import pytest

from tests.factories import filled
from tracker.file_names import MAX_BYTES, MAX_STEM, download_name
from tracker.rules import limit

UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*\u2028\u2029]')


def _safe(name: str, suffix: str) -> None:
    assert name.endswith(suffix)
    assert UNSAFE.search(name) is None
    assert len(name.encode()) <= MAX_BYTES and len(name) <= MAX_STEM + len(suffix)
    stem = name[:-len(suffix)]
    assert stem == stem.strip(" .") and stem
    assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}


@pytest.mark.parametrize("suffix", [".pptx", ".pdf", ".xlsx", ".zip", ".csv"])
def test_the_longest_plan_name_with_accents_makes_a_bounded_name(suffix):
    name = download_name(f"{filled(limit('plan', 'name'))} T3 2026 es", suffix)
    _safe(name, suffix)
    assert name.startswith("Coordinación binacional ñandú") and name[:-len(suffix)].endswith("…")


@pytest.mark.parametrize("stem", [
    "../../etc/passwd", "..\\..\\Windows\\win.ini", "Plan\r\nContent-Type: text/html",
    'Plan <2026>: "A|B"?*', "CON", "nul.txt", "com1", "  . ", "...", "Plan.", "\x00\x1b",
    "Plan\u2028ñ", "ű" * 300, "日本語の計画" * 60])
def test_hostile_names_are_made_safe(stem):
    _safe(download_name(stem, ".xlsx"), ".xlsx")


def test_an_ordinary_name_is_kept_as_written():
    assert download_name("Plan de acción Ecuador 2025–2026 T3 2026 es", ".pptx") == (
        "Plan de acción Ecuador 2025–2026 T3 2026 es.pptx")
    assert download_name("Plan/Ecuador: 2026", ".zip") == "Plan-Ecuador- 2026.zip"
