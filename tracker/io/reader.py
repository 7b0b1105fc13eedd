"""Read a workbook (.xlsx), a CSV file, a folder or a .zip of CSVs into raw sheets.

Values come out as Python values, with two spreadsheet habits undone: a cell formatted as a
percentage (0.45 shown as 45%) reads as 45, and blank rows are skipped. Row numbers are those
of the spreadsheet, the header being row 1.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from tracker.errors import InvalidInput
from tracker.io.cells import restore_text
from tracker.io.xlsx_bounds import check_bounds
from tracker.io.xlsx_marks import NO_MARKS, SheetMarks, workbook_marks

MAX_ROWS_PER_SHEET = 200_000
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # a .xlsx or .zip is compressed: check what it holds


def _check_unpacked(archive: zipfile.ZipFile, source: str) -> None:
    """Refuse an archive that would unpack into more than we read (a "zip bomb")."""
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise InvalidInput("import.too_big_unpacked", source=source,
                           megabytes=MAX_UNPACKED_BYTES // (1024 * 1024))


def _limited(rows: Iterator[tuple[int, list[object]]], source: str,
             sheet: str) -> list[tuple[int, list[object]]]:
    kept: list[tuple[int, list[object]]] = []
    for row in rows:
        if len(kept) == MAX_ROWS_PER_SHEET:
            raise InvalidInput("import.too_many_rows", source=source, sheet=sheet,
                               limit=MAX_ROWS_PER_SHEET)
        kept.append(row)
    return kept


@dataclass
class RawSheet:
    source: str
    name: str
    headers: list[str]
    rows: list[tuple[int, list[object]]] = field(default_factory=list)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rows(values: Iterable[tuple[int, list[object]]]) -> Iterator[tuple[int, list[object]]]:
    for number, row in values:
        if not all(_blank(v) for v in row):
            yield number, row


class Text(str):
    """A cell that is text on purpose, so it may start with ``=`` without being a formula:
    an .xlsx text cell (formulas are read as their values), or a CSV cell that the export
    quoted with an apostrophe (``tracker/io/cells.py``)."""


def _cell_value(cell: object) -> object:
    """An openpyxl cell's value, for a workbook the marks cannot describe (see ``read_xlsx``)."""
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in number_format:
        return value * 100
    if isinstance(value, str) and value.startswith("="):
        return Text(value)
    return value


def _csv_cell(value: str) -> str:
    restored = restore_text(value)
    return Text(restored) if restored != value else value


def read_xlsx(data: bytes | Path, source: str) -> list[RawSheet]:
    """Read with calamine; what calamine leaves out (percentage formats, error cells) is taken
    from the sheets' XML (``tracker/io/xlsx_marks.py``). A workbook whose marks cannot be
    placed exactly is read by openpyxl, as before."""
    handle = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        with zipfile.ZipFile(handle) as archive:
            _check_unpacked(archive, source)
            check_bounds(archive, source)
            marks = workbook_marks(archive)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InvalidInput("import.unreadable_workbook", source=source, reason=str(error)) from None
    if marks is None:
        return _read_xlsx_openpyxl(handle, source)
    return _read_xlsx_calamine(handle, source, marks)


def _read_xlsx_calamine(handle: io.BytesIO | Path, source: str,
                        marks: dict[str, SheetMarks]) -> list[RawSheet]:
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    if isinstance(handle, io.BytesIO):
        handle.seek(0)
    try:
        workbook = (CalamineWorkbook.from_filelike(handle) if isinstance(handle, io.BytesIO)
                    else CalamineWorkbook.from_path(handle))
    except (CalamineError, OSError, ValueError) as error:
        raise InvalidInput("import.unreadable_workbook", source=source, reason=str(error)) from None
    sheets = []
    with workbook:
        for meta in workbook.sheets_metadata:
            if meta.typ == SheetTypeEnum.ChartSheet:
                continue  # openpyxl keeps chart sheets apart from the worksheets too
            try:
                grid = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            except CalamineError as error:
                raise InvalidInput("import.unreadable_workbook", source=source,
                                   reason=str(error)) from None
            sheets.append(_calamine_sheet(source, meta.name, grid,
                                          marks.get(meta.name, NO_MARKS)))
    return sheets


def _calamine_sheet(source: str, name: str, grid: Sequence[Sequence[object]],
                    marks: SheetMarks) -> RawSheet:
    header = marks.apply(1, [_calamine_value(v) for v in grid[0]] if grid else [],
                         percent=False)[1]
    sheet = RawSheet(source, name, [_header(v) for v in header])
    numbered = ((n, [_calamine_value(v) for v in row]) for n, row in enumerate(grid[1:], 2))
    if marks:
        numbered = (marks.apply(n, row) for n, row in numbered)
    sheet.rows = _limited(_rows(numbered), source, name)
    return sheet


def _header(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # openpyxl reads a whole number as an int
    return "" if value is None else str(value).strip()


def _calamine_value(value: object) -> object:
    """A calamine value as openpyxl gives it: an empty cell is None, a date a datetime."""
    if value == "":
        return None
    if isinstance(value, str):
        return Text(value) if value.startswith("=") else value
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    return value


def _read_xlsx_openpyxl(handle: io.BytesIO | Path, source: str) -> list[RawSheet]:
    from lxml.etree import LxmlError
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # lxml parses the package's parts, ElementTree (expat) the sheets: either may refuse one
    unreadable = (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError,
                  TypeError, LxmlError, SyntaxError)  # ElementTree's ParseError is a SyntaxError
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except unreadable as error:
        raise InvalidInput("import.unreadable_workbook", source=source, reason=str(error)) from None
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            rows = worksheet.iter_rows()
            header_cells = next(rows, ())
            headers = ["" if c.value is None else str(c.value).strip() for c in header_cells]
            sheet = RawSheet(source, worksheet.title, headers)
            numbered = ((n, [_cell_value(c) for c in row]) for n, row in enumerate(rows, 2))
            sheet.rows = _limited(_rows(numbered), source, worksheet.title)
            sheets.append(sheet)
    except unreadable as error:
        raise InvalidInput("import.unreadable_workbook", source=source, reason=str(error)) from None
    finally:
        workbook.close()
    return sheets


def read_csv(data: bytes, source: str, name: str) -> RawSheet:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("import.not_utf8", source=source) from None
    first_line = content.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
        header = next(records, [])
        sheet = RawSheet(source, name, [h.strip() for h in header])
        sheet.rows = _limited(_rows((n, [_csv_cell(c) for c in r])
                                    for n, r in enumerate(records, 2)), source, name)
    except csv.Error as error:  # a NUL byte, an unclosed quote at the end...
        raise InvalidInput("import.unreadable_workbook", source=source,
                           reason=str(error)) from None
    return sheet


def read_zip(data: bytes | Path, source: str) -> list[RawSheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except zipfile.BadZipFile as error:
        raise InvalidInput("import.unreadable_workbook", source=source, reason=str(error)) from None
    with archive:
        _check_unpacked(archive, source)
        return [
            read_csv(archive.read(info), f"{source}/{info.filename}", Path(info.filename).stem)
            for info in archive.infolist()
            if info.filename.lower().endswith(".csv") and not info.is_dir()
            and not Path(info.filename).name.startswith(".")
        ]


def read_path(path: Path) -> list[RawSheet]:
    """Read the sheets of ``path``: .xlsx, .csv, .zip, or a folder of .csv files."""
    if path.is_dir():
        return [read_csv(p.read_bytes(), str(p), p.stem) for p in sorted(path.glob("*.csv"))]
    if not path.is_file():
        raise InvalidInput("import.no_such_file", source=str(path))
    return read_bytes(path.read_bytes(), path.name, source=str(path))


def read_bytes(data: bytes, filename: str, source: str | None = None) -> list[RawSheet]:
    """Read an uploaded file by its name's ending."""
    source = source or filename
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(data, source)
    if suffix == ".csv":
        return [read_csv(data, source, Path(filename).stem)]
    if suffix == ".zip":
        return read_zip(data, source)
    raise InvalidInput("import.unknown_file_type", source=source)
