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
from tracker.io import reader
from tracker.io.reader import Text, read_bytes
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
