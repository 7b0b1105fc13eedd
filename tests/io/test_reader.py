"""Workbooks are read by calamine, with what calamine leaves out (percentage formats, error
cells) taken from the XML: the rows, and so the import's verdicts, are those openpyxl gave."""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.helpers import MINIMAL, write_workbook
from tests.hostile_workbooks import HOSTILE, REFUSED_WITH, REPORTS_SHEET
from tracker.errors import InvalidInput
from tracker.i18n import t
from tracker.io import reader, xlsx_bounds
from tracker.io.isolated import read_upload
from tracker.io.reader import Text, read_bytes
from tracker.io.xlsx_marks import MAIN as MAIN_TAG
from tracker.io.xlsx_marks import workbook_marks
from tracker.services.imports import ImportRejected, import_path
from tracker.services.permissions import SYSTEM

ODD_CELLS = [  # (value, number format): the shapes a coordinator's workbook may hold
    (0.45, "0%"), (0.455, "0.00%"), (45, "General"), (True, "General"), (False, "0%"),
    (dt.datetime(2026, 1, 2), "yyyy-mm-dd"), (dt.datetime(2026, 1, 2, 10, 30), "d/m/yy h:mm"),
    (dt.time(10, 30), "h:mm"), (dt.timedelta(hours=30), "[h]:mm:ss"), ("=1+1", None),
    ("", None), ("  ", None), (10**15 + 1, "General"), (3, '0.0"%"'), (12, "0%;[Red]-0%"),
    ("#DIV/0!", "error"), ("#N/A", "error"), (1.0, "0.00"), ("=text on purpose", "text"),
    ("45%", "@"), (2.5, "0.0%"),
]


def _odd_workbook() -> bytes:
    """A sheet starting at B3 with merged cells, a gap, errors, percentages, dates and a
    formula with its cached value (as Excel saves it), and a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "reports"
    sheet["B3"], sheet["C3"] = "code", "value"
    for row, (value, number_format) in enumerate(ODD_CELLS, 4):
        cell = sheet.cell(row, 3, value)
        sheet.cell(row, 2, f"1.{row}")
        if number_format == "error":
            cell.data_type = "e"
        elif number_format == "text":
            cell.data_type = "s"
        elif number_format:
            cell.number_format = number_format
    sheet.merge_cells("D4:E5")
    sheet["D4"] = "merged"
    sheet.cell(40, 3, "after a gap")
    other = workbook.create_sheet("items")
    other.append(["code", 7])
    other.append([1.1, "x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _with_cached_formula_values(buffer.getvalue())


def _with_cached_formula_values(data: bytes) -> bytes:
    """openpyxl saves a formula without its value; Excel saves both."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                part = re.sub(rb"<f>1\+1</f><v\s*/>|<f>1\+1</f><v></v>",
                              b"<f>1+1</f><v>2</v>", part)
            target.writestr(info, part)
    return out.getvalue()


def _by_openpyxl(data: bytes) -> list[reader.RawSheet]:
    return reader._read_xlsx_openpyxl(io.BytesIO(data), "odd.xlsx")


def _shape(sheets: list[reader.RawSheet]) -> list[tuple]:
    """Sheets as comparable values: trailing empty cells dropped (calamine's rows end at the
    last used column, openpyxl's at the sheet's dimension; an empty header is ignored by the
    import), Text kept apart from str."""
    def cells(row: list[object]) -> tuple:
        values = list(row)
        while values and values[-1] in (None, ""):
            values.pop()
        return tuple((type(v) is Text, type(v) if isinstance(v, bool) else None, v)
                     for v in values)

    return [(s.name, cells(s.headers), [(n, cells(row)) for n, row in s.rows])
            for s in sheets]


def test_calamine_reads_the_odd_cells_as_openpyxl_did():
    data = _odd_workbook()
    assert workbook_marks(zipfile.ZipFile(io.BytesIO(data))) is not None  # the fast path
    read = read_bytes(data, "odd.xlsx")
    assert _shape(read) == _shape(_by_openpyxl(data))
    values = {n: row[2] for n, row in read[0].rows}
    assert values[4] == pytest.approx(45) and values[5] == pytest.approx(45.5)
    assert values[8] is False and values[9] == dt.datetime(2026, 1, 2)
    assert values[13] == 2  # the formula's value
    assert values[17] == 300  # a format with a literal "%" multiplies, as openpyxl did
    assert values[19] == "#DIV/0!" and values[20] == "#N/A"
    assert isinstance(values[22], Text) and values[22] == "=text on purpose"
    assert values[14] is None and values[15] == "  "  # an empty text is an empty cell
    assert [n for n, _row in read[0].rows][-2:] == [24, 40]  # blank rows are skipped
    assert read[0].rows[-1][1][2] == "after a gap"


def test_a_workbook_whose_marks_cannot_be_placed_is_read_by_openpyxl():
    data = _odd_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    odd = _replaced(data, sheet.replace(b' r="C19"', b""))  # an error cell without its place
    assert workbook_marks(zipfile.ZipFile(io.BytesIO(odd))) is None
    assert _shape(read_bytes(odd, "odd.xlsx")) == _shape(_by_openpyxl(odd))
    assert dict(read_bytes(odd, "odd.xlsx")[0].rows)[19][1:3] == ["1.19", "#DIV/0!"]


def _replaced(data: bytes, sheet_xml: bytes) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, sheet_xml if info.filename == "xl/worksheets/sheet1.xml"
                            else source.read(info))
    return out.getvalue()


def _verdicts(session, path: Path, monkeypatch, *, by_openpyxl: bool) -> list[str]:
    with monkeypatch.context() as patch:
        if by_openpyxl:
            patch.setattr(reader, "workbook_marks", lambda archive: None)
        savepoint = session.begin_nested()
        try:
            import_path(session, SYSTEM, path)
        except ImportRejected as refused:
            return [problem.render() for problem in refused.problems]
        finally:
            savepoint.rollback()
    return []


def test_both_readers_give_the_import_the_same_problems_at_the_same_places(
        session, tmp_path, monkeypatch):
    sheets = copy.deepcopy(MINIMAL)
    sheets["items"][2][3] = "UNKNOWN"
    sheets["reports"][2][4] = 140
    sheets["reports"][1][5] = dt.datetime(2026, 3, 1)
    sheets["reports"][3][6] = 0.5
    sheets["items"][1][11] = "=A1*2"  # a formula: no value cached, an empty cell
    path = write_workbook(tmp_path / "bad.xlsx", sheets)
    with zipfile.ZipFile(path) as archive:
        assert workbook_marks(archive) is not None
    fast = _verdicts(session, path, monkeypatch, by_openpyxl=False)
    assert fast == _verdicts(session, path, monkeypatch, by_openpyxl=True)
    assert f"{path}: sheet reports, row 3, column percent_complete: 140 is outside 0–100" in fast
    assert any("row 4, column nothing_to_report" in line for line in fast)


# -- hostile workbooks (issue 25): refused before any grid is built, or by the child's limit

@pytest.mark.parametrize("attack", sorted(HOSTILE))
def test_a_hostile_workbook_is_refused_with_the_import_s_own_message(attack, tmp_path):
    data, name = HOSTILE[attack](tmp_path)
    with pytest.raises(InvalidInput) as refused:
        read_upload(data, name, memory_mb=1024, seconds=60)
    assert refused.value.key == REFUSED_WITH[attack]
    for lang in ("es", "en"):  # a sentence a person can act on, in either language
        message = t(refused.value.key, lang, **refused.value.values)
        assert name in message and "{" not in message


def _sheet_xml(rows: str, prefix: str = "") -> bytes:
    ns = f"xmlns{':' + prefix if prefix else ''}=\"{MAIN_NS}\""
    p = f"{prefix}:" if prefix else ""
    return (f"<{p}worksheet {ns}><{p}sheetData>{rows}</{p}sheetData></{p}worksheet>"
            .replace("<row", f"<{p}row").replace("</row", f"</{p}row")
            .replace("<c", f"<{p}c").replace("</c>", f"</{p}c>")
            .replace("<v>", f"<{p}v>").replace("</v>", f"</{p}v>")).encode()


def _with_reports_sheet(tmp_path: Path, xml: bytes) -> bytes:
    source = write_workbook(tmp_path / "plain.xlsx", MINIMAL).read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as original, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as changed:
        for info in original.infolist():
            changed.writestr(info.filename, xml if info.filename == REPORTS_SHEET
                             else original.read(info))
    return buffer.getvalue()


MAIN_NS = MAIN_TAG.strip("{}")
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>'


@pytest.mark.parametrize(("rows", "prefix", "cell"), [
    (HEADER_ROW + '<row r="2"><c r="IW2"><v>1</v></c></row>', "", "IW2"),
    (HEADER_ROW + '<row r="200002"><c r="A200002"><v>1</v></c></row>', "", "A200002"),
    (HEADER_ROW + '<row r="3"><c r="A3000000"><v>1</v></c></row>', "", "A3000000"),
    # without references, a cell follows the one before it: the 300th is in column KN
    ("<row>" + "<c><v>1</v></c>" * 300 + "</row>", "", "KN1"),
    (HEADER_ROW + '<row r="9"><c r="XFD9"><v>1</v></c></row>', "x", "XFD9"),
])
def test_a_sheet_reaching_past_the_limits_is_refused_by_its_farthest_cell(
        tmp_path, monkeypatch, rows, prefix, cell):
    def never(*_args, **_kwargs):
        raise AssertionError("a reader was asked to build the grid")
    monkeypatch.setattr(reader, "_read_xlsx_calamine", never)
    monkeypatch.setattr(reader, "_read_xlsx_openpyxl", never)
    with pytest.raises(InvalidInput) as refused:
        read_bytes(_with_reports_sheet(tmp_path, _sheet_xml(rows, prefix)), "far.xlsx")
    assert refused.value.key == "import.sheet_too_far"
    assert refused.value.values["cell"] == cell and refused.value.values["sheet"] == "reports"


def test_a_sheet_within_the_limits_is_read_and_a_grid_too_large_in_all_is_refused(
        tmp_path, monkeypatch):
    wide = _with_reports_sheet(tmp_path, _sheet_xml(
        HEADER_ROW + '<row r="40"><c r="IV40"><v>7</v></c></row>'
        '<row r="41"><c r="B41" s="1"/></row>'))
    reports = {s.name: s for s in read_bytes(wide, "wide.xlsx")}["reports"]
    assert reports.rows == [(40, [None] * 255 + [7])]
    # the reports sheet's grid (a formatted empty cell counts: the bound is an upper one)
    monkeypatch.setattr(xlsx_bounds, "MAX_GRID_CELLS", 256 * 41)
    with pytest.raises(InvalidInput) as refused:
        read_bytes(wide, "wide.xlsx")  # with the other sheets' cells, one too many
    assert refused.value.key == "import.too_many_cells"


def test_a_national_sized_upload_is_read_the_same_in_the_child_process(tmp_path):
    """The limits leave room for a real plan: 20,000 reports read alike both ways, and the
    odd cells too (a text that looks like a formula stays text across the pipe)."""
    sheets = {**MINIMAL, "reports": MINIMAL["reports"] + [
        ["1.1", "2026-Q2", "", "in progress", n % 100, n, ""] for n in range(20_000)]}
    data = write_workbook(tmp_path / "big.xlsx", sheets).read_bytes()
    isolated = read_upload(data, "big.xlsx", memory_mb=1024, seconds=60)
    assert isolated == read_bytes(data, "big.xlsx")
    assert len(isolated[-1].rows) == 20_000 + len(MINIMAL["reports"]) - 1
    odd = read_upload(_odd_workbook(), "odd.xlsx", memory_mb=1024, seconds=60)
    assert odd == read_bytes(_odd_workbook(), "odd.xlsx")
    assert [v for _, row in odd[0].rows for v in row if type(v) is Text]
