"""The PDF handout as printed by Chromium: every chart label whole, no word outside its page
or over another (pdftotext's word boxes), and a tagged document (pikepdf): structure tree,
/Lang, displayed /Title, headings, tables with header cells, every Figure with /Alt, the
running header and footer as artefacts. For the demo plan, a plan of long Spanish names and
the national-scale plan."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from itertools import combinations

import pikepdf
import pytest
from sqlmodel import Session, select

from tests.conftest import missing_service
from tests.factories import PlanBuilder
from tracker import handout
from tracker import meeting_content as mc
from tracker.db import make_engine
from tracker.i18n import t
from tracker.migrate import upgrade
from tracker.models import Plan
from tracker.quarters import Quarter
from tracker.services import decks
from tracker.services.permissions import SYSTEM

Q3 = Quarter(2026, 3)
XHTML = "{http://www.w3.org/1999/xhtml}"
LONG_NAMES = {
    "DINAPEN": "Dirección Nacional de Policía Especializada para Niños, Niñas y Adolescentes",
    "MREMH": "Ministerio de Relaciones Exteriores y Movilidad Humana de la República",
    "MIES": "Ministerio de Inclusión Económica y Social — Subsecretaría de Protección Especial",
    "CPCCS": "Consejo de Participación Ciudadana y Control Social y de Transparencia",
    "FGE": "Fiscalía General del Estado — Unidad Especializada contra la Trata de Personas y el "
           "Tráfico Ilícito de Migrantes",
}


@pytest.fixture(autouse=True)
def _tools():
    if not shutil.which("chromium"):
        missing_service("no Chromium: apt-get install chromium")
    if not shutil.which("pdftotext"):
        missing_service("pdftotext is missing: apt-get install poppler-utils")


def _engine(tmp_path_factory, name):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp(name) / 'handout.db'}")
    upgrade(engine)
    return engine


@pytest.fixture(scope="module")
def demo_content(tmp_path_factory) -> dict[str, mc.MeetingContent]:
    from tracker.demo import load_demo

    engine = _engine(tmp_path_factory, "demo")
    with Session(engine, expire_on_commit=False) as session:
        load_demo(session)
        session.commit()
        plan = session.exec(select(Plan).where(Plan.name.like("%Ecuador 2025%"))).one()
        return {"content": decks.content(session, SYSTEM, plan.id, Q3)}


@pytest.fixture(scope="module")
def long_names_content(tmp_path_factory) -> mc.MeetingContent:
    engine = _engine(tmp_path_factory, "long")
    with Session(engine, expire_on_commit=False) as session:
        b = PlanBuilder(session, name="Plan de acción interinstitucional de prevención y "
                                      "persecución de la trata de personas 2026")
        for acronym, name in LONG_NAMES.items():
            b.institution(acronym).name = name
        b.line("1", "Fortalecimiento de las capacidades institucionales de prevención y "
                    "de protección integral de niñas, niños y adolescentes")
        b.line("2", "Investigación, judicialización y sanción de los delitos de trata de "
                    "personas y tráfico ilícito de migrantes")
        for index, acronym in enumerate(LONG_NAMES):
            code = f"{index % 2 + 1}.{index + 1}"
            item = b.item(code, line=str(index % 2 + 1), lead=acronym, start="2026-Q1",
                          due="2026-Q3" if index == 4 else "2026-Q4", target=1200 * (index + 1))
            item.title = ("Implementación del protocolo binacional de identificación, "
                          f"derivación y atención de víctimas, fase {index + 1}")
            item.indicator = ("Funcionarias y funcionarios capacitados en el protocolo de "
                              "identificación temprana")
            item.unit, item.baseline = "personas capacitadas", 0
            session.add(item)
            b.report(code, str(Q3), percent=15 * index, value=250 * (index + 1))
        session.commit()
        return decks.content(session, SYSTEM, b.plan.id, Q3)


@pytest.fixture(scope="module")
def national_content(tmp_path_factory) -> mc.MeetingContent:
    from bench.national import MEASURED_PLAN, load_national

    engine = _engine(tmp_path_factory, "national")
    load_national(engine)
    with Session(engine, expire_on_commit=False) as session:
        plan = session.exec(select(Plan).where(Plan.name == MEASURED_PLAN)).one()
        return decks.content(session, SYSTEM, plan.id, Q3)


def _print(content, lang, tmp_path):
    path = tmp_path / f"handout-{lang}.pdf"
    path.write_bytes(handout.build_pdf(content, lang))
    return path


def _pages(path):
    """Each page's size and word boxes, from ``pdftotext -bbox-layout``."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    root = ET.fromstring(out)
    pages = []
    for page in root.iter(f"{XHTML}page"):
        words = [(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                  float(w.get("yMax")), w.text or "") for w in page.iter(f"{XHTML}word")]
        pages.append((float(page.get("width")), float(page.get("height")), words))
    return pages


def _page_texts(path) -> list[str]:
    return [" ".join(word[4] for word in words) for _, _, words in _pages(path)]


def _check_layout(path, labels, *, times=2):
    pages = _pages(path)
    text = " ".join(word[4] for _, _, words in pages for word in words)
    for width, height, words in pages:
        for x0, y0, x1, y1, word in words:
            assert min(x0, y0) >= 0 and x1 <= width and y1 <= height, f"{word} off the page"
        for a, b in combinations(words, 2):
            dx = min(a[2], b[2]) - max(a[0], b[0])
            dy = min(a[3], b[3]) - max(a[1], b[1])
            assert dx <= 0.5 or dy <= 0.5, f"{a[4]!r} overlaps {b[4]!r}"
    for label in labels:
        wanted = " ".join(label.split())
        assert text.count(wanted) >= times, f"label missing: {wanted}"  # chart and table
    return text


def _chart_labels(content):
    return [g.display for g in (*content.by_line, *content.by_institution)]


PAINT = {"f", "f*", "F", "S", "s", "B", "B*", "b", "b*", "Do", "sh"}


def _ancestors(element) -> list[str]:
    kinds = []
    while isinstance(element, pikepdf.Dictionary) and "/S" in element:
        kinds.append(str(element.S))
        element = element.get("/P")
    return kinds


def graphics_outside_figures(pdf) -> dict[str, int]:
    """Drawing operators (paths, images, shadings) that are neither an artefact nor part of a
    Figure, by the structure they are tagged as: a screen reader meets them as content."""
    found: dict[str, int] = {}
    parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    for page in pdf.pages:
        owners = parents[int(page.StructParents)] if "/StructParents" in page else []
        stack: list[tuple[str, int | None]] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name in ("BDC", "BMC"):
                properties = operands[1] if name == "BDC" else None
                stack.append((str(operands[0]), int(properties.MCID)
                              if isinstance(properties, pikepdf.Dictionary)
                              and "/MCID" in properties else None))
            elif name == "EMC":
                stack.pop()
            elif name in PAINT and not any(tag == "/Artifact" for tag, _ in stack):
                mcid = next((m for _, m in reversed(stack) if m is not None), None)
                owner = owners[mcid] if mcid is not None and mcid < len(owners) else None
                kinds = _ancestors(owner)
                if "/Figure" not in kinds:
                    key = "/".join(kinds[:2]) or "untagged"
                    found[key] = found.get(key, 0) + 1
    return found


def _references(node, page, pages: set) -> None:
    """The pages the marked content under ``node`` lies on."""
    page = node.get("/Pg", page)
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
        if isinstance(kid, int):
            pages.add(page.objgen)
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _references(kid, page, pages)
        elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
            pages.add(kid.get("/Pg", page).objgen)


def table_header_rows(pdf) -> list[list[set]]:
    """Per table in the structure tree, its rows of header cells, each as the set of pages
    its content lies on."""
    tables = []

    def walk(node, kind, into):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, kind, into)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if kind == node.S:
                into.append(node)
            elif "/K" in node:
                walk(node.K, kind, into)

    found: list = []
    walk(pdf.Root.StructTreeRoot.K, "/Table", found)
    for table in found:
        rows: list = []
        walk(table.K, "/TR", rows)
        headers = []
        for row in rows:
            kids = row.K if isinstance(row.K, pikepdf.Array) else [row.K]
            if any(isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/TH" for k in kids):
                pages: set = set()
                _references(row, table.get("/Pg"), pages)
                headers.append(pages)
        tables.append(headers)
    return tables


def _check_tags(path, content, lang):
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert str(root.Lang) == lang
        assert bool(root.MarkInfo.Marked)
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo.Title) == handout.document_title(content, lang)
        meta = pdf.open_metadata()
        assert meta["dc:title"] == handout.document_title(content, lang)
        assert str(pdf.docinfo.Creator) == "Joint Work Plan Tracker"
        kinds, figures = [], []

        def walk(node):
            if isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid)
                return
            if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
                return
            kinds.append(str(node.S))
            if node.S == "/Figure":
                figures.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node.K)

        walk(root.StructTreeRoot.K)
        assert {"/H1", "/H2", "/P", "/Table", "/TH", "/TD", "/Figure"} <= set(kinds)
        assert figures and all(len(alt) > 20 for alt in figures)
        # PDF/UA checks a machine can make (issue 26, item 12)
        assert meta["pdfuaid:part"] == "1"
        assert graphics_outside_figures(pdf) == {}
        for headers in table_header_rows(pdf):
            assert len(headers) == 1, f"{len(headers)} header rows in one table"
            assert len(headers[0]) == 1, "a table's header row read on several pages"
        for page in pdf.pages:  # every text is tagged content or an artefact
            depth = 0
            for _, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                depth += name in ("BDC", "BMC")
                depth -= name == "EMC"
                assert not (name == "BT" and depth == 0), "text outside marked content"
        return figures


def test_demo_handout_in_both_languages(demo_content, tmp_path):
    content = demo_content["content"]
    for lang in ("es", "en"):
        path = _print(content, lang, tmp_path)
        text = _check_layout(path, _chart_labels(content))
        figures = _check_tags(path, content, lang)
        title = "Avance por línea estratégica, T3 2026" if lang == "es" else \
            "Progress by strategic line, Q3 2026"
        assert any(alt.startswith(title) for alt in figures)
        assert mc.groups_summary(content.by_line, title, lang) in figures
        # the trend chart is a Figure read by its summary, not an untagged drawing
        assert mc.trend_summary(content, t("chart.trend.title", lang), lang) in figures
        # the attention table continues on a second page under its header printed again;
        # the structure holds the header once (checked in _check_tags)
        header = f'{t("item.choose", lang)} {t("chart.axis.institution", lang)}'
        assert sum(header in text for text in _page_texts(path)) >= 2
        notes = "Notas para quien presenta" if lang == "es" else "Speaker notes"
        assert notes in text
        for row in content.indicators[:handout.TABLE_ROWS]:
            assert mc.indicator_value(row, lang) in text


def test_long_spanish_names_are_wrapped_never_cut(long_names_content, tmp_path):
    content = long_names_content
    labels = [*_chart_labels(content),
              *(f"{r.code} · {r.indicator}" for r in content.indicators)]
    for lang in ("es", "en"):
        path = _print(content, lang, tmp_path)
        text = _check_layout(path, labels)
        _check_tags(path, content, lang)
        assert LONG_NAMES["FGE"] in text.replace("- ", "-")


def test_national_scale_handout(national_content, tmp_path):
    content = national_content
    assert len(content.by_institution) >= 55
    path = _print(content, "es", tmp_path)
    text = _check_layout(path, _chart_labels(content))
    _check_tags(path, content, "es")
    # a chart split over pages says which rows each page holds, the first page included
    total, size = len(content.by_institution), handout.ROWS_PER_FIGURE
    assert f"(1–{size} de {total})" in text
    assert f"(continuación, {size + 1}–{2 * size} de {total})" in text


def test_html_is_escaped():
    content = mc.MeetingContent(
        plan="<script>x</script>", commission="", quarter=Q3, locked=False,
        generated=__import__("datetime").date(2026, 11, 24),
        headline=mc.MeetingHeadline(None, None, 0, 0, 0, 0, 0, 0, None, 0, 0),
        by_line=(mc.Group("1", "<b>línea</b>", 10.0, 20.0, 1),), by_institution=(),
        trend=(), attention=(), indicators=(), decisions=(), notes=())
    document = handout.render_html(content, "es")
    assert "<script>x" not in document and "&lt;b&gt;línea&lt;/b&gt;" in document


@pytest.fixture(scope="module")
def longest_content(tmp_path_factory) -> mc.MeetingContent:
    from tests.factories import longest_plan

    engine = _engine(tmp_path_factory, "longest")
    with Session(engine, expire_on_commit=False) as session:
        longest = longest_plan(session)
        session.commit()
        return decks.content(session, SYSTEM, longest.plan.id, longest.quarter)


def test_every_field_at_its_longest_fits_the_handout(longest_content, tmp_path):
    """Issue 25, item 7: the longest plan name, commission, names and texts the rules allow
    (with accents): the metadata carry them whole, the running header stays one line over
    no other word, every label is whole."""
    content = longest_content
    for lang in ("es", "en"):
        path = _print(content, lang, tmp_path)
        text = _check_layout(path, _chart_labels(content))
        _check_tags(path, content, lang)
        assert " ".join(content.plan.split()[:12]) in text
        for _, height, words in _pages(path):  # margins: 16 mm above, 15 mm below
            header = {round(y0) for _, y0, _, y1, _ in words if y1 < 16 / 25.4 * 72}
            footer = {round(y0) for _, y0, _, _, _ in words if y0 > height - 15 / 25.4 * 72}
            assert len(header) == 1 and len(footer) == 1, "running header or footer wraps"
        with pikepdf.open(path) as pdf:
            assert str(pdf.docinfo.Author) == content.commission  # 300 characters, whole
