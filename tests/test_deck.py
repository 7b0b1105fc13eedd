"""The PowerPoint deck: native charts whose categories and values are those of the figures."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from sqlmodel import select

from tests.test_cli import cli  # noqa: F401  (shared fixtures)
from tests.test_meetings import people, plan  # noqa: F401
from tracker import metrics
from tracker.models import ActionItem
from tracker.quarters import Quarter
from tracker.services import decks, meetings

Q3 = Quarter(2026, 3)


def charts_of(data: bytes) -> list:
    deck = Presentation(io.BytesIO(data))
    return [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]


def series(chart) -> dict[str, list[float]]:
    return {s.name: list(s.values) for s in chart.plots[0].series}


def test_deck_slides_and_native_charts_match_the_figures(session, plan, people):  # noqa: F811
    data = decks.pptx(session, people["coordinator"], plan.plan.id, Q3, "en")
    deck = Presentation(io.BytesIO(data))
    assert len(deck.slides) == 8  # title, headline, line, institution, trend, attention,
    #                                 decisions, indicators
    titles = [slide.shapes[0].text_frame.text for slide in deck.slides]
    assert titles[0] == "Test plan"
    assert titles[2] == "Progress by strategic line, Q3 2026"
    by_line, by_institution, trend = charts_of(data)  # no item has an indicator
    assert by_line.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert trend.chart_type == XL_CHART_TYPE.LINE_MARKERS
    expected = metrics.rollup(session, plan.plan.id, Q3, "line")
    assert list(by_line.plots[0].categories) == ["1 · Line 1", "2 · Line 2"]
    assert series(by_line)["Progress"] == pytest.approx(expected["progress"].round(1).tolist())
    assert series(by_line)["Expected"] == pytest.approx(expected["expected"].round(1).tolist())
    assert list(by_institution.plots[0].categories) == ["A · A institution",
                                                        "B · B institution"]
    every_slide = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes
                   if shape.has_text_frame]
    assert all("Test plan · Q3 2026" in text for text in every_slide if "figures of" in text)


def test_the_deck_of_a_locked_quarter_stays_as_presented(session, plan, people):  # noqa: F811
    coordinator = people["coordinator"]
    meeting = meetings.record_meeting(session, coordinator, plan.plan.id, str(Q3),
                                      date(2026, 10, 20), ["A"])
    meetings.lock_quarter(session, coordinator, plan.plan.id, str(Q3), meeting.id)
    before = series(charts_of(decks.pptx(session, coordinator, plan.plan.id, Q3, "en"))[0])
    item = session.exec(select(ActionItem).where(ActionItem.code == "1.1")).one()
    item.weight = 5
    session.add(item)
    plan.report("2.1", "2026-Q3", percent=90)  # a correction after the meeting
    live = metrics.rollup(session, plan.plan.id, Q3, "line")
    assert live["progress"].round(1).tolist() != before["Progress"]
    after = series(charts_of(decks.pptx(session, coordinator, plan.plan.id, Q3, "en"))[0])
    assert after == before


def test_spanish_deck(session, plan, people):  # noqa: F811
    data = decks.pptx(session, people["coordinator"], plan.plan.id, Q3, "es")
    deck = Presentation(io.BytesIO(data))
    titles = [slide.shapes[0].text_frame.text for slide in deck.slides]
    assert "Avance por línea estratégica, T3 2026" in titles


def _pdf_text(data: bytes, tmp_path) -> tuple[str, int]:
    import shutil
    import subprocess

    from tests.conftest import missing_service

    if not shutil.which("pdftotext"):
        missing_service("pdftotext is missing: apt-get install poppler-utils")
    path = tmp_path / "handout.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "page")],
                   check=True)
    return text, len(list(tmp_path.glob("page*.png")))


def test_pdf_handout_renders_with_accents(session, plan, people, tmp_path):  # noqa: F811
    import shutil

    from tests.conftest import missing_service

    if not shutil.which("chromium"):
        missing_service("no Chromium: apt-get install chromium")
    plan.plan.name = "Plan binacional Perú–Ecuador, año fiscal"
    session.add(plan.plan)
    data = decks.pdf(session, people["coordinator"], plan.plan.id, Q3, "es")
    text, pages = _pdf_text(data, tmp_path)
    assert "Plan binacional Perú–Ecuador, año fiscal" in text
    assert "Evaluación trimestral · T3 2026" in text
    assert pages >= 6  # summary, three charts, attention, decisions


def test_no_chromium_is_said_plainly(cli, monkeypatch, tmp_path):  # noqa: F811
    from tracker import handout

    cli("demo", "load")
    monkeypatch.setattr(handout, "CHROMIUM_NAMES", ("no-such-browser",))
    code, _, err = cli("deck", "2026-Q3", "--out", str(tmp_path / "x.pdf"), "--plan",
                       "Plan de trabajo conjunto Ecuador 2025-2027")
    assert code == 1
    assert err.strip().startswith("The PDF handout needs Chromium")
    assert not (tmp_path / "x.pdf").exists()
