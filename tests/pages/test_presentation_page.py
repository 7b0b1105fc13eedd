"""The presentation page (pages/presentation_page.py)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from tests.apptest import app_as, chart_spec, go_to, plan_id_of, shown
from tracker import handout
from tracker import meeting_content as mc
from tracker.db import make_engine
from tracker.demo import ECUADOR_PLAN
from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services import decks

UNDER_EVALUATION = Quarter(2026, 4)  # the tests' today is 2027-01-10
POSITION = re.compile(r"\w+ \d+ \w+ \d+ · ")  # "Slide 5 of 14 · …", "Diapositiva 5 de 14 · …"


def _content(db_url: str) -> mc.MeetingContent:
    engine = make_engine(db_url)
    with Session(engine) as session:
        content = decks.read_content(session, plan_id_of(db_url, ECUADOR_PLAN),
                                     UNDER_EVALUATION)
    engine.dispose()
    return content


def _walk(at) -> list[dict]:
    """Every slide from the first to the last, as a person pressing Next sees it: its
    position, heading, tables' cells and charts' row labels."""
    seen = []
    while True:
        assert not at.exception
        seen.append({
            "position": [c.value for c in at.main.caption if POSITION.match(c.value)],
            "headings": [shown(h.value) for h in at.header],
            "cells": [shown(str(cell)) for table in at.table
                      for cell in [*table.value.index, *table.value.to_numpy().ravel()]],
            "labels": [str(label) for index in range(len(at.get("plotly_chart")))
                       for trace in chart_spec(at, index)["data"] for label in
                       (trace.get("y") or [])],
            "texts": [shown(e.value) for e in [*at.markdown, *at.caption, *at.text]]
            + [a.get("text", "") for index in range(len(at.get("plotly_chart")))
               for a in chart_spec(at, index)["layout"].get("annotations", [])]})
        if at.button(key="slide:next").disabled:
            return seen
        at.button(key="slide:next").click().run()


def test_presentation_runs_through_every_slide(db_url):
    at = go_to(app_as("observador@demo.example"), "presentation")
    assert not at.exception
    assert at.title[0].value == "Plan de trabajo conjunto Ecuador 2025-2027"
    slides = _walk(at)
    kinds = [shown_slide.kind for shown_slide in mc.slides(_content(db_url), "en")]
    total = len(kinds)
    assert [s["position"] for s in slides] == [
        [f"Slide {number} of {total} · PageDown / PageUp"] for number in range(1, total + 1)]
    assert [bool(s["labels"]) for s in slides] == [
        kind in ("by_line", "by_institution", "trend", "indicators") for kind in kinds]
    labels = [b.label for b in at.get("download_button")]
    assert "PowerPoint deck (editable charts)" in labels
    missing = handout.missing_tool()
    if missing is None:  # printed when pressed: one click, no "prepare" step
        assert "PDF handout" in labels
    else:  # a machine without Chromium or its fonts says so instead
        assert [e.value for e in at.error] == [str(missing)]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_presentation_shows_every_indicator_and_item_needing_a_decision(db_url, lang):
    """Issue 26, item 3: the demo's 26 indicators and 13 items needing a decision, each on
    a slide of its own numbered heading ("Indicators (2 of 3)"), and never "… and N more"."""
    content = _content(db_url)
    assert len(content.indicators) > 12 and len(content.attention) > 10
    at = go_to(app_as("observador@demo.example", lang), "presentation")
    slides = _walk(at)
    total = len(slides)
    of = "of" if lang == "en" else "de"
    word = "Slide" if lang == "en" else "Diapositiva"
    assert slides[4]["position"][0].startswith(f"{word} 5 {of} {total}")
    quarter = UNDER_EVALUATION.label(lang)
    for title, found in ((t("chart.indicators.title", lang, quarter=quarter), "labels"),
                         (t("deck.attention", lang, quarter=quarter), "cells")):
        pages = [s for s in slides if any(h.startswith(title) for h in s["headings"])]
        assert len(pages) >= 2
        assert [next(h for h in s["headings"] if h.startswith(title)) for s in pages] == [
            f"{title} ({n} {of} {len(pages)})" for n in range(1, len(pages) + 1)]
        codes = [r.code for r in (content.indicators if found == "labels"
                                  else content.attention)]
        shown_codes = {value.split(" · ")[0] for s in pages for value in s[found]}
        assert set(codes) <= shown_codes, title
    more = re.compile(re.escape(t("chart.and_more", lang, count=0)).replace("0", r"\d+"))
    assert not [text for s in slides for text in s["texts"] if more.search(text)]


def test_a_machine_without_chromium_says_so_instead_of_offering_the_handout(db_url,
                                                                             monkeypatch):
    monkeypatch.setattr("tracker.handout.CHROMIUM_NAMES", ("no-such-chromium",))
    at = go_to(app_as("observador@demo.example", lang="es"), "presentation")
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Presentación PowerPoint (gráficos editables)"]
    assert [e.value for e in at.error] == [t("handout.no_chromium", "es")]


def test_a_quarter_outside_the_plan_in_the_address_shows_no_slides(db_url):
    """Issue 26, item 4: an unknown quarter is refused with a message where the slides would
    be, never replaced by the quarter under evaluation."""
    at = app_as("observador@demo.example")
    at.query_params["plan"] = str(plan_id_of(db_url, ECUADOR_PLAN))
    at.query_params["quarter"] = "2031-Q1"
    go_to(at, "presentation")
    assert not at.exception
    messages = [e.value for e in at.error]
    assert any("the quarter 2031-Q1, which is not a quarter of" in m for m in messages)
    assert any("Plan, quarter and deck" in m for m in messages)  # where to choose one
    assert not at.get("plotly_chart")
    assert not [b for b in at.button if b.key in ("slide:previous", "slide:next")]
