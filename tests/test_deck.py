"""The PowerPoint deck: native charts whose categories and values are those of the figures."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches
from sqlmodel import select

from tests.helpers import rollup
from tracker import palette
from tracker.models import ActionItem, ReportState, Status
from tracker.quarters import Quarter
from tracker.services import decks, lifecycle, meetings
from tracker.services.reports import ReportContent, append_revision

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
    expected = rollup(session, plan.plan.id, Q3, "line")
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
    meeting = meetings.record_meeting(session, coordinator, plan.plan.id, Q3,
                                      date(2026, 10, 20), ["A"])
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id,
                           confirm=Q3)
    before = series(charts_of(decks.pptx(session, coordinator, plan.plan.id, Q3, "en"))[0])
    item = session.exec(select(ActionItem).where(ActionItem.code == "1.1")).one()
    item.weight = 5
    session.add(item)
    plan.report("2.1", "2026-Q3", percent=90)  # a correction after the meeting
    live = rollup(session, plan.plan.id, Q3, "line")
    assert live["progress"].round(1).tolist() != before["Progress"]
    after = series(charts_of(decks.pptx(session, coordinator, plan.plan.id, Q3, "en"))[0])
    assert after == before


def test_spanish_deck(session, plan, people):  # noqa: F811
    data = decks.pptx(session, people["coordinator"], plan.plan.id, Q3, "es")
    deck = Presentation(io.BytesIO(data))
    titles = [slide.shapes[0].text_frame.text for slide in deck.slides]
    assert "Avance por línea estratégica, T3 2026" in titles


NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
      "c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}


def _explain(session, builder, code, institution, narrative, obstacles, percent=None):
    item = builder.items[code]
    append_revision(session, item_id=item.id, quarter=Q3,
                    institution_id=builder.institutions[institution].id,
                    content=ReportContent(status=Status.IN_PROGRESS, percent_complete=percent,
                                          narrative=narrative, obstacles=obstacles),
                    state=ReportState.APPROVED, author_id=None)
    session.flush()


@pytest.fixture
def spanish_deck(session, plan, people):  # noqa: F811
    plan.plan.commission = "Comisión interinstitucional contra la trata"
    session.add(plan.plan)
    _explain(session, plan, "1.1", "A", "Se firmó el convenio marco", "Falta presupuesto", 50)
    _explain(session, plan, "1.1", "B", "Apoyo en talleres", "Cambio de autoridades")
    meetings.record_meeting(session, people["coordinator"], plan.plan.id, Q3,
                            date(2026, 10, 20), ["A", "B"])
    return Presentation(io.BytesIO(decks.pptx(session, people["coordinator"], plan.plan.id,
                                              Q3, "es")))


def test_every_slide_has_a_title_placeholder_read_first_and_the_footer_last(spanish_deck):
    for slide in spanish_deck.slides:
        title = slide.shapes.title
        assert title is not None and title.is_placeholder and title.text_frame.text
        shapes = list(slide.shapes)
        assert shapes[0] is not None and shapes[0].shape_id == title.shape_id
        assert "cifras del sistema" in shapes[-1].text_frame.text  # the footer, read last


def test_title_slide_names_commission_quarter_and_meeting(spanish_deck):
    text = spanish_deck.slides[0].placeholders[1].text_frame.text
    assert "Evaluación trimestral · T3 2026" in text
    assert "Comisión interinstitucional contra la trata" in text
    assert "Reunión del 20 oct 2026 · presentes: A, B" in text


def test_charts_and_tables_have_generated_alt_text_and_percent_formats(spanish_deck):
    frames = [shape for slide in spanish_deck.slides for shape in slide.shapes
              if shape.has_chart or shape.has_table]
    assert len(frames) == 4  # by line, by institution, trend, attention (no indicator)
    for frame in frames:
        description = frame._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
        assert description and len(description) > 30
    by_line = frames[0]
    description = by_line._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
    assert description.startswith("Avance por línea estratégica, T3 2026: 2 grupos.")
    # the line by its code and name, never by a bare code (issue 26, item 12)
    assert "Mayor avance 1 · Line 1 con 50,0 %" in description
    assert "menor 2 · Line 2 con 10,0 %" in description
    chart = by_line.chart
    assert chart.value_axis.tick_labels.number_format == '0" %"'
    assert chart.plots[0].data_labels.number_format == '0.0" %"'
    assert chart._chartSpace.find("c:lang", NS).get("val") == "es-EC"


def test_chart_labels_are_written_in_the_decks_language_whatever_the_viewers_locale(
        spanish_deck):
    """A number format's decimal separator is the viewer's system's: the labels are text in
    the deck's language ("50,0 %", as on the slide), and the presentation's, masters' and
    layouts' default language is the deck's."""
    chart = next(shape.chart for slide in spanish_deck.slides for shape in slide.shapes
                 if shape.has_chart)
    labels = [text for text in chart._chartSpace.xpath(".//c:dLbl//a:t/text()")]
    assert "50,0 %" in labels and all("." not in label for label in labels), labels
    defaults = spanish_deck.part._element.xpath(".//a:defRPr")
    assert defaults and {d.get("lang") for d in defaults} == {"es-EC"}
    for master in spanish_deck.slide_masters:
        for part in (master, *master.slide_layouts):
            assert {r.get("lang") for r in part._element.xpath(".//a:defRPr | .//a:rPr")
                    } <= {"es-EC"}


def test_every_run_carries_the_deck_language_and_core_properties_are_set(spanish_deck):
    languages = set()
    for slide in spanish_deck.slides:
        parts = [slide._element]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide._element)
        parts += [s.chart._chartSpace for s in slide.shapes if s.has_chart]
        for part in parts:
            languages |= {r.get("lang") for r in part.xpath(".//a:rPr | .//a:endParaRPr")}
    assert languages == {"es-EC"}
    properties = spanish_deck.core_properties
    assert properties.title == "Test plan · T3 2026"
    assert properties.language == "es-EC"
    assert properties.subject == "Evaluación trimestral del plan de trabajo conjunto"


def _languages_by_part(data: bytes) -> dict[str, set[str]]:
    """Every ``lang`` attribute of every XML part of the saved deck, by part name."""
    import re
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: set(re.findall(r'\blang="([^"]+)"', archive.read(name).decode()))
                for name in archive.namelist() if name.endswith(".xml")}


@pytest.mark.parametrize(("lang", "tag"), [("es", "es-EC"), ("en", "en-US")])
def test_presentation_masters_and_layouts_default_to_the_deck_language(
        session, plan, people, lang, tag):  # noqa: F811
    """Issue 26, item 12: text typed into the deck later, and any run without a language of
    its own, is read in the deck's language: the presentation's default text style, the slide
    master's and layouts' text styles (python-pptx's template said en-US) and the notes
    master."""
    data = decks.pptx(session, people["coordinator"], plan.plan.id, Q3, lang)
    found = _languages_by_part(data)
    for name in ("ppt/presentation.xml", "ppt/slideMasters/slideMaster1.xml",
                 "ppt/slideLayouts/slideLayout6.xml", "ppt/notesMasters/notesMaster1.xml"):
        assert found.get(name) == {tag}, (name, found.get(name))
    assert {tag} == set().union(*found.values())


def test_headline_cards_in_schedule_colours_with_plural_forms(spanish_deck):
    slide = spanish_deck.slides[1]
    cards = {s.text_frame.text.split("\n", 1)[1]: s for s in slide.shapes
             if s.name.startswith("card 1.")}
    assert set(cards) == {"acciones completadas", "acciones en tiempo", "acciones atrasadas",
                          "acciones vencidas", "acciones bloqueadas (aparte)"}
    behind = cards["acciones atrasadas"]
    assert behind.text_frame.paragraphs[0].text == "2"
    assert str(behind.line.color.rgb) == palette.STATUS_COLOURS["behind"].lstrip("#")
    assert str(behind.text_frame.paragraphs[0].font.color.rgb) == \
        palette.STATUS_COLOURS["behind"].lstrip("#")
    top = [s.text_frame.text for s in slide.shapes if s.name.startswith("card 0.")]
    assert top[0].startswith("30,0 %\nAvance del plan · esperado 75,0 %")


def test_attention_table_has_separate_columns_and_the_obstacles(spanish_deck):
    table = next(s.table for s in spanish_deck.slides[5].shapes if s.has_table)
    header = [cell.text for cell in table.rows[0].cells]
    assert header == ["Acción", "Institución responsable", "Avance", "Esperado",
                      "Cronograma", "Obstáculos"]
    first = [cell.text for cell in table.rows[1].cells]
    assert first[:5] == ["2.1 · Item 2.1", "B", "10,0 %", "75,0 %", "Atrasada"]
    second = [cell.text for cell in table.rows[2].cells]
    assert second[0] == "1.1 · Item 1.1" and second[5] == "Falta presupuesto"


def test_speaker_notes_give_each_institution_narrative_and_obstacles(spanish_deck):
    for index in (1, 2, 3, 4, 5, 7):
        notes = spanish_deck.slides[index].notes_slide.notes_text_frame.text
        assert "1.1 · Item 1.1 — A · Atrasada" in notes
        assert "A (responsable): En curso" in notes
        assert "Hecho: Se firmó el convenio marco" in notes
        assert "B (apoyo): En curso" in notes and "Obstáculos: Cambio de autoridades" in notes


def test_indicator_slide_shows_value_target_and_unit(session, people):  # noqa: F811
    from tests.factories import PlanBuilder

    b = PlanBuilder(session, name="Indicators")
    b.institution("X")
    b.line("1")
    b.item("1.1", line="1", lead="X", start="2026-Q1", due="2026-Q4", target=50000)
    item = b.items["1.1"]
    item.unit, item.indicator, item.baseline = "personas", "Personas alcanzadas", 0
    session.add(item)
    b.report("1.1", str(Q3), percent=60, value=29000)
    from tracker.services.permissions import SYSTEM

    deck = Presentation(io.BytesIO(decks.pptx(session, SYSTEM, b.plan.id, Q3, "es")))
    table = next(s.table for s in deck.slides[7].shapes if s.has_table)
    assert [c.text for c in table.rows[1].cells] == [
        "1.1 · Personas alcanzadas", "29.000 / 50.000 personas", "58,0 %", "En tiempo"]


def test_english_deck_plural_of_one(session, plan, people):  # noqa: F811
    from tracker import meeting_content as mc

    assert mc.count_text("behind", 1, "en") == "1 item behind"
    assert mc.count_text("behind", 2, "es") == "2 acciones atrasadas"
    assert mc.count_text("overdue", 1, "es") == "1 acción vencida"


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


def test_percent_of_target_has_one_definition():
    from tracker.meeting_content import achieved

    assert achieved(29000, 0, 50000) == pytest.approx(58.0)
    assert achieved(15, 10, 20) == pytest.approx(50.0)
    assert achieved(None, 0, 10) is None
    assert achieved(5, 10, 10) is None  # target = baseline: no way to go, no figure
    assert achieved(5, None, 10) == pytest.approx(50.0)


def test_notes_of_a_locked_quarter_stay_as_presented(session, plan, people):  # noqa: F811
    coordinator = people["coordinator"]
    _explain(session, plan, "2.1", "B", "Primer taller", "Sin sede", 10)
    meeting = meetings.record_meeting(session, coordinator, plan.plan.id, Q3,
                                      date(2026, 10, 20), ["A"])
    lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id,
                           confirm=Q3)
    _explain(session, plan, "2.1", "B", "Reescrito después", "Otro", 10)
    kept = decks.content(session, coordinator, plan.plan.id, Q3)
    assert kept.locked
    [note] = [n for n in kept.notes if n.item.code == "2.1"]
    assert [(c.institution, c.narrative, c.obstacles) for c in note.contributions] == [
        ("B", "Primer taller", "Sin sede")]


def test_an_older_snapshot_without_notes_still_has_notes(session, plan, people):  # noqa: F811
    import json

    from tracker.models import QuarterSnapshot

    coordinator = people["coordinator"]
    _explain(session, plan, "2.1", "B", "Primer taller", "Sin sede", 10)
    meeting = meetings.record_meeting(session, coordinator, plan.plan.id, Q3,
                                      date(2026, 10, 20), ["A"])
    snapshot = lifecycle.lock_quarter(session, coordinator, plan.plan.id, Q3, meeting.id,
                           confirm=Q3)
    figures = json.loads(snapshot.figures)
    del figures["notes"]
    kept = session.get(QuarterSnapshot, snapshot.id)
    kept.figures = json.dumps(figures)
    session.add(kept)
    session.flush()
    content = decks.content(session, coordinator, plan.plan.id, Q3)
    [note] = [n for n in content.notes if n.item.code == "2.1"]
    assert [(c.institution, c.narrative) for c in note.contributions] == [("B", "Primer taller")]


def test_many_institutions_are_paged_a_readable_dozen_a_slide(session, people):  # noqa: F811
    from tests.factories import PlanBuilder
    from tracker.services.permissions import SYSTEM

    b = PlanBuilder(session, name="Many")
    b.line("1")
    for number_ in range(13):
        b.institution(f"I{number_:02d}")
        b.item(f"1.{number_}", line="1", lead=f"I{number_:02d}", start="2026-Q1",
               due="2026-Q4")
    deck = Presentation(io.BytesIO(decks.pptx(session, SYSTEM, b.plan.id, Q3, "en")))
    titles = [slide.shapes.title.text_frame.text for slide in deck.slides]
    assert titles[3:5] == ["Progress by lead institution, Q3 2026 (1 of 2)",
                           "Progress by lead institution, Q3 2026 (2 of 2)"]
    charts = [s.chart for s in deck.slides[3].shapes if s.has_chart]
    assert len(list(charts[0].plots[0].categories)) == 7


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_field_at_its_longest_makes_the_deck(session, lang):
    """Issue 25, item 7: a 300-character commission was refused by the core properties
    (python-pptx takes 255); every length the rules allow fits each part of the deck."""
    from tests.factories import longest_plan
    from tracker.deck import CORE_PROPERTY

    longest = longest_plan(session)
    plan = longest.plan
    deck = Presentation(io.BytesIO(decks.pptx(session, longest.coordinator, plan.id,
                                              longest.quarter, lang)))
    core = deck.core_properties
    for value in (core.title, core.author, core.subject, core.keywords):
        assert len(value) <= CORE_PROPERTY and "\n" not in value
    assert core.author.startswith(plan.commission[:200]) and core.author.endswith("…")
    first = deck.slides[0]
    assert first.shapes.title.text_frame.text == plan.name  # in full on the title slide
    texts = [shape.text_frame.text for shape in first.shapes if shape.has_text_frame]
    assert any(plan.commission in text for text in texts)
    footers = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes
               if shape.has_text_frame and shape.top == Inches(6.95)]
    assert len(footers) == len(deck.slides)
    assert all(len(footer) <= 150 and "\n" not in footer for footer in footers)


# ---- issue 26, item 3: the meeting shows everything, on as many slides as it needs ----------

OBSTACLE = ("Cambio de autoridades en la institución responsable y falta de presupuesto "
            "aprobado para los talleres provinciales; se espera la reasignación en el próximo "
            "trimestre, con la firma del convenio y la contratación de los facilitadores. ")


def crowded_plan(session):
    """25 indicators and 14 items needing a decision (8 overdue, 6 behind), some with long
    titles and obstacles of several lines, and 14 institutions (two slides of bars)."""
    from tests.factories import PlanBuilder

    b = PlanBuilder(session, name="Crowded")
    for number_ in range(14):
        b.institution(f"I{number_:02d}")
    b.line("1")
    b.line("2")
    for number_ in range(1, 26):
        code = f"1.{number_:02d}"
        overdue, behind = number_ <= 8, 8 < number_ <= 14
        b.item(code, line="1" if number_ % 2 else "2", lead=f"I{number_ % 14:02d}",
               start="2026-Q1", due="2026-Q2" if overdue else "2026-Q4", target=1000)
        item = b.items[code]
        item.indicator = f"Personas capacitadas en el indicador {code}"
        if number_ % 3 == 0:
            item.title = f"Item {code} " + "con un título largo de varias palabras " * 3
        session.add(item)
        append_revision(session, item_id=item.id, quarter=Q3,
                        institution_id=item.lead_institution_id,
                        content=ReportContent(
                            status=Status.IN_PROGRESS,
                            percent_complete=20 if (overdue or behind) else 80,
                            indicator_value=40 * number_,
                            obstacles=OBSTACLE * (1 + number_ % 3) if overdue or behind
                            else ""),
                        state=ReportState.APPROVED, author_id=None)
    session.flush()
    return b


def slide_texts(slide) -> list[str]:
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        if shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return texts


CARLITO = Path("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf")  # Calibri's metrics


def _width(text: str) -> float:
    """``text``'s width in em: measured with Carlito (metric-compatible with Calibri, the
    deck's type) when installed, else 0.45 em a character."""
    if CARLITO.exists():
        from PIL import ImageFont

        return ImageFont.truetype(str(CARLITO), 1000).getlength(text) / 1000
    return 0.45 * len(text)


def _lines(text: str, width_emu: int, size_pt: float) -> int:
    """Lines of ``text`` wrapped, word by word, in ``width_emu`` at ``size_pt``."""
    width = width_emu / 914400 / (size_pt / 72)
    count = 0
    for paragraph in text.split("\n"):
        line = ""
        count += 1
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if _width(candidate) > width and line:
                count += 1
                candidate = word
            line = candidate
    return count


def _size(paragraph) -> float:
    """The paragraph's type in points: its runs' or the paragraph's own (18 by default)."""
    sizes = [run.font.size for run in paragraph.runs if run.font.size]
    size = sizes[0] if sizes else paragraph.font.size
    return size.pt if size else 18


def _height_needed(frame, width_emu: int, margins_emu: int) -> float:
    """Inches the paragraphs of ``frame`` take at their font sizes."""
    needed = margins_emu / 914400
    for paragraph in frame.paragraphs:
        size = _size(paragraph)
        needed += _lines(paragraph.text, width_emu, size) * size * 1.2 / 72
    return needed


def assert_nothing_overflows(deck) -> None:
    footer_top = Inches(6.95)
    for number_, slide in enumerate(deck.slides, 1):
        for shape in slide.shapes:
            if shape.has_table:
                table = shape.table
                bottom = shape.top + sum(row.height for row in table.rows)
                assert bottom <= footer_top, f"slide {number_}: the table runs into the footer"
                for row in table.rows:
                    for column, cell in zip(table.columns, row.cells, strict=True):
                        sizes = [_size(p) for p in cell.text_frame.paragraphs]
                        assert min(sizes) >= 14, f"slide {number_}: type under 14 pt"
                        needed = _height_needed(cell.text_frame,
                                                column.width - cell.margin_left
                                                - cell.margin_right,
                                                cell.margin_top + cell.margin_bottom)
                        assert needed <= row.height / 914400 + 0.01, (
                            f"slide {number_}: {cell.text[:40]!r} overflows its row")
            elif shape.has_text_frame and shape.text_frame.text and not shape.name.startswith(
                    "card"):
                needed = _height_needed(shape.text_frame, shape.width - Inches(0.2),
                                        Inches(0.1))
                assert needed <= shape.height / 914400 + 0.05, (
                    f"slide {number_}: {shape.text_frame.text[:40]!r} overflows its box")


def _numbered(titles: list[str], start: str, lang: str) -> list[str]:
    pages = [title for title in titles if title.startswith(start)]
    of = "of" if lang == "en" else "de"
    assert len(pages) >= 2, titles
    assert pages == [f"{pages[0].rsplit(' (', 1)[0]} ({n} {of} {len(pages)})"
                     for n in range(1, len(pages) + 1)]
    return pages


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_deck_shows_every_indicator_and_item_needing_a_decision(session, lang):
    import re

    from tracker.i18n import t
    from tracker.services.permissions import SYSTEM

    b = crowded_plan(session)
    content = decks.content(session, SYSTEM, b.plan.id, Q3)
    assert len(content.indicators) == 25 and len(content.attention) == 14
    deck = Presentation(io.BytesIO(decks.pptx(session, SYSTEM, b.plan.id, Q3, lang)))
    texts = [text for slide in deck.slides for text in slide_texts(slide)]
    notes = [slide.notes_slide.notes_text_frame.text for slide in deck.slides
             if slide.has_notes_slide]
    for code in b.items:  # every indicator, and every item needing a decision
        assert any(text.startswith(f"{code} · Personas capacitadas") for text in texts), code
    for row in content.attention:
        assert any(text.startswith(f"{row.code} · Item {row.code}") for text in texts), row.code
        assert any(OBSTACLE.strip()[:60] in text for text in texts)
    more = re.compile(re.escape(t("chart.and_more", lang, count=0)).replace("0", r"\d+"))
    assert not [text for text in [*texts, *notes] if more.search(text)]
    titles = [slide.shapes.title.text_frame.text for slide in deck.slides]
    quarter = Q3.label(lang)
    _numbered(titles, t("chart.indicators.title", lang, quarter=quarter), lang)
    _numbered(titles, t("deck.attention", lang, quarter=quarter), lang)
    _numbered(titles, t("deck.by_institution", lang, quarter=quarter), lang)
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    categories = [c for chart in charts for c in chart.plots[0].categories]
    assert all(any(c.startswith(f"I{n:02d}") for c in categories) for n in range(14))
    assert_nothing_overflows(deck)


def test_each_page_of_a_list_fills_its_slide(session):
    """No slide of a list leaves most of its height empty: the type grows to fill it."""
    from tracker.services.permissions import SYSTEM

    b = crowded_plan(session)
    deck = Presentation(io.BytesIO(decks.pptx(session, SYSTEM, b.plan.id, Q3, "es")))
    tables = [next(s for s in slide.shapes if s.has_table) for slide in deck.slides
              if any(s.has_table for s in slide.shapes)]
    assert len(tables) >= 5
    for shape in tables:
        filled = sum(row.height for row in shape.table.rows) / Inches(5.35)
        assert filled >= 0.7, f"{shape.table.cell(1, 0).text}: {filled:.0%} of the slide"


def test_the_speaker_notes_of_a_page_cover_its_items(session):
    from tracker.services.permissions import SYSTEM

    b = crowded_plan(session)
    content = decks.content(session, SYSTEM, b.plan.id, Q3)
    deck = Presentation(io.BytesIO(decks.pptx(session, SYSTEM, b.plan.id, Q3, "en")))
    pages = [slide for slide in deck.slides
             if slide.shapes.title.text_frame.text.startswith("Items behind")]
    for slide in pages:
        table = next(s.table for s in slide.shapes if s.has_table)
        notes = slide.notes_slide.notes_text_frame.text
        for row in list(table.rows)[1:]:
            code = row.cells[0].text.split(" · ")[0]
            assert f"{code} · Item {code}" in notes
    seen = " ".join(slide.notes_slide.notes_text_frame.text for slide in pages)
    assert all(f"{row.code} · " in seen for row in content.attention)


def test_the_split_rule_fills_pages_evenly_and_counts_wrapped_lines():
    from tracker import meeting_content as mc

    assert mc.split([1.0] * 13, 12) == [range(0, 7), range(7, 13)]  # 7 + 6, not 12 + 1
    assert mc.split([1.0] * 26, 20, most=12) == [range(0, 9), range(9, 18), range(18, 26)]
    assert mc.split([9.0, 1.0], 5) == [range(0, 1), range(1, 2)]  # too big: a page alone
    assert mc.split([], 5) == [range(0)]
    long = mc.fitted(OBSTACLE * 5, mc.ATTENTION_SHARES[5])
    assert long.endswith("…")
    assert len(mc.wrapped(long, mc.column_em(mc.ATTENTION_SHARES[5]))) == mc.CELL_LINES
    short = mc.attention_table([], "en").header
    assert mc.row_height(("one line",) * 6, mc.ATTENTION_SHARES) < mc.row_height(
        ("one line", "", "", "", "", OBSTACLE), mc.ATTENTION_SHARES)  # wrapped lines count
    assert len(short) == len(mc.ATTENTION_SHARES)


def test_every_decision_of_the_last_meeting_is_on_a_slide(session):
    from tracker.i18n import t
    from tracker.services.permissions import SYSTEM

    b = crowded_plan(session)
    meeting = meetings.record_meeting(session, SYSTEM, b.plan.id, Quarter(2026, 2),
                                      date(2026, 7, 20), ["I01"])
    texts = [f"Decisión {n:02d}: " + "revisar el presupuesto con las instituciones " * (n % 4)
             for n in range(1, 16)]
    for number_, text in enumerate(texts):
        meetings.add_decision(session, SYSTEM, meeting.id, text,
                              owner=f"I{number_ % 14:02d}", due_quarter=Quarter(2026, 4))
    for lang in ("es", "en"):
        deck = Presentation(io.BytesIO(decks.pptx(session, SYSTEM, b.plan.id, Q3, lang)))
        titles = [slide.shapes.title.text_frame.text for slide in deck.slides]
        pages = _numbered(titles, t("deck.decisions", lang), lang)
        cells = [text for slide in deck.slides for text in slide_texts(slide)]
        assert all(any(cell == " ".join(text.split()) for cell in cells) for text in texts)
        assert len(pages) >= 2
        assert_nothing_overflows(deck)
