"""The presentation page (pages/presentation_page.py)."""

from __future__ import annotations

from tests.apptest import app_as, go_to
from tracker import handout
from tracker.i18n import t


def test_presentation_runs_through_every_slide(db_url):
    at = go_to(app_as("observador@demo.example"), "presentation")
    assert not at.exception
    assert at.title[0].value == "Plan de trabajo conjunto Ecuador 2025-2027"
    seen_charts = 0
    for number in range(1, 9):
        positions = [c.value for c in at.main.caption if c.value.startswith("Slide")]
        assert positions == [f"Slide {number} of 8 · PageDown / PageUp"]
        seen_charts += len(at.get("plotly_chart"))
        if number < 8:
            at.button(key="slide:next").click().run()
            assert not at.exception
    assert seen_charts == 4  # by line, by institution, trend, indicators
    assert at.button(key="slide:next").disabled
    labels = [b.label for b in at.get("download_button")]
    assert "PowerPoint deck (editable charts)" in labels
    missing = handout.missing_tool()
    if missing is None:  # printed when pressed: one click, no "prepare" step
        assert "PDF handout" in labels
    else:  # a machine without Chromium or its fonts says so instead
        assert [e.value for e in at.error] == [str(missing)]


def test_a_machine_without_chromium_says_so_instead_of_offering_the_handout(db_url,
                                                                             monkeypatch):
    monkeypatch.setattr("tracker.handout.CHROMIUM_NAMES", ("no-such-chromium",))
    at = go_to(app_as("observador@demo.example", lang="es"), "presentation")
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Presentación PowerPoint (gráficos editables)"]
    assert [e.value for e in at.error] == [t("handout.no_chromium", "es")]
