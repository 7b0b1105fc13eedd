"""How big a workbook's grid is, found by a streaming pass before any reader builds it.

calamine and openpyxl build each sheet as a grid from A1 to its farthest cell: a 12 KB
workbook holding one value at ``XFD1048576`` asks calamine for 512 GiB (the process aborts),
and one at ``ZZ200000`` takes 5.5 GB before a row limit applied afterwards refuses it. So the
sheets' XML is read here in chunks, without building anything, and the farthest row and column
that hold a value, the cells and the grid they span are checked against the limits below.

A spreadsheet never writes a document type declaration, so a part that declares one (entity
expansion, "billion laughs"; external entities, XXE) is refused here too, before lxml or
expat see it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from tracker.errors import InvalidInput
from tracker.io.xlsx_marks import column_index, sheet_parts

MAX_ROWS = 200_001  # the header and 200,000 rows (``reader.MAX_ROWS_PER_SHEET``)
MAX_COLUMNS = 256  # IV, the old Excel limit; the template's widest sheet has 13
MAX_GRID_CELLS = 5_000_000  # all sheets' grids together; a national plan spans about 1.7 M
CHUNK = 1024 * 1024
MAX_TAG = 64 * 1024  # no tag of a sheet is this long

_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^<>]*?)(/?)>")
_PLACE = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{0,3})([0-9]*)["']""")
_REFERENCE = re.compile(rb"""\sr=["']([A-Z]{0,3})([0-9]+)["']""")
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass
class SheetExtent:
    """The farthest row and column (1-based) holding a value, and how many cells do."""

    rows: int = 0
    columns: int = 0
    cells: int = 0

    @property
    def grid(self) -> int:
        return self.rows * self.columns


def _chunks(archive: zipfile.ZipFile, part: str, source: str) -> Iterator[bytes]:
    """The part's bytes in chunks, each ending on a whole tag (the rest carried over), each
    refused if it holds a document type or entity declaration."""
    carried = b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            text = carried + chunk
            cut = text.rfind(b"<")
            if cut == -1 or text.find(b">", cut) != -1:
                cut = len(text)
            carried = text[cut:]
            if len(carried) > MAX_TAG:
                raise InvalidInput("import.unreadable_workbook", source=source,
                                   reason=f"{part}: a tag longer than {MAX_TAG} bytes")
            yield _undeclared(text[:cut], part, source)
    if carried:
        yield _undeclared(carried, part, source)


def _undeclared(chunk: bytes, part: str, source: str) -> bytes:
    if _DECLARATION.search(chunk):
        raise InvalidInput("import.xml_declaration", source=source, part=part)
    return chunk


def sheet_extent(archive: zipfile.ZipFile, part: str, source: str) -> SheetExtent:
    """Where the values of one sheet's XML reach, placed as calamine places them."""
    extent = SheetExtent()
    place = _Place()
    for chunk in _chunks(archive, part, source):
        references = _placed(chunk)
        if references is not None:
            _fast(references, extent, place)
        else:
            _tag_by_tag(chunk, extent, place)
    return extent


@dataclass
class _Place:
    """The last row and column seen: a row or cell without ``r`` follows them."""

    row: int = 0
    column: int = 0


_CELL_OPENINGS = (b"<c ", b"<c>", b"<c/>")
_ROW_OPENINGS = (b"<row ", b"<row>", b"<row/>")


def _placed(chunk: bytes) -> list[tuple[bytes, bytes]] | None:
    """Every row's and cell's ``r`` reference, when each row and cell of the chunk has one
    and no element name has a namespace prefix (as Excel, LibreOffice and openpyxl write
    them); else ``None``. Counted at C speed: a million cells in a few tenths of a second."""
    if b":c" in chunk or b":row" in chunk:
        return None
    references = _REFERENCE.findall(chunk)
    cells = sum(1 for letters, _ in references if letters)
    if (cells != sum(chunk.count(o) for o in _CELL_OPENINGS)
            or len(references) - cells != sum(chunk.count(o) for o in _ROW_OPENINGS)):
        return None
    return references


def _fast(references: list[tuple[bytes, bytes]], extent: SheetExtent, place: _Place) -> None:
    """The farthest row and column of a cell (a formatted empty cell counts: an upper
    bound)."""
    if not references:
        return
    cells = [(c, r) for c, r in references if c]  # a row with no cell spans nothing
    if cells:
        extent.cells += len(cells)
        extent.rows = max(extent.rows, max(map(int, {r for _, r in cells})))
        widest = max({c for c, _ in cells}, key=lambda c: (len(c), c))
        extent.columns = max(extent.columns, column_index(widest) + 1)
    last_letters, last_row = references[-1]
    place.row = int(last_row)
    place.column = column_index(last_letters) + 1 if last_letters else 0


def _tag_by_tag(chunk: bytes, extent: SheetExtent, place: _Place) -> None:
    """A row or cell without its ``r`` reference follows the one before it."""
    for tag in _TAG.finditer(chunk):
        found = _PLACE.search(tag.group(2))
        if tag.group(1) == b"row":
            place.row = int(found.group(2)) if found and found.group(2) else place.row + 1
            place.column = 0
            continue
        if found and found.group(1):
            place.column = column_index(found.group(1).upper()) + 1
            place.row = int(found.group(2)) if found.group(2) else place.row
        else:
            place.column += 1
        if tag.group(3):  # <c r="A9" s="1"/>: a formatted cell holding no value
            continue
        extent.cells += 1
        extent.rows = max(extent.rows, place.row)
        extent.columns = max(extent.columns, place.column)


def column_letters(number: int) -> str:
    """A 1-based column number as a spreadsheet names it: 1 is A, 256 is IV."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_bounds(archive: zipfile.ZipFile, source: str) -> None:
    """Refuse the workbook before it is read when any of its XML parts declares a document
    type, or when a sheet reaches too far or all of them span too many cells."""
    for part in archive.namelist():
        if "media/" not in part and ("worksheets/" not in part or part.endswith(".rels")):
            for _ in _chunks(archive, part, source):
                pass  # each chunk is searched for a declaration; sheets are, below
    try:
        sheets = sheet_parts(archive)
    except (KeyError, StopIteration, ValueError, ElementTree.ParseError) as error:
        raise InvalidInput("import.unreadable_workbook", source=source,
                           reason=str(error)) from None
    total = 0
    for name, part in sheets.items():
        extent = sheet_extent(archive, part, source)
        if extent.rows > MAX_ROWS or extent.columns > MAX_COLUMNS:
            raise InvalidInput("import.sheet_too_far", source=source, sheet=name,
                               cell=f"{column_letters(extent.columns)}{extent.rows}",
                               rows=MAX_ROWS - 1, columns=column_letters(MAX_COLUMNS))
        total += extent.grid
        if total > MAX_GRID_CELLS:
            raise InvalidInput("import.too_many_cells", source=source, limit=MAX_GRID_CELLS)
