"""What calamine does not tell about a workbook's cells, read from its XML.

calamine gives values only. The import also needs two facts openpyxl gave it:
- a number in a cell formatted as a percentage (any number format holding ``%``, as openpyxl
  answers ``"%" in cell.number_format``) means a hundred times its value: 0.45 shown as 45%
  is 45;
- an error cell (``#DIV/0!``, ``#N/A``...) reads as its error text, not as an empty cell.

Both are rare, so the sheets are searched for just those cells (a C-speed regular
expression), not parsed. Where they cannot be placed exactly (a cell without its ``r``
reference, a namespace prefix, a default style that is a percentage, an unusual package) the
answer is ``None`` and the reader falls back to openpyxl.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree
from xml.sax.saxutils import unescape

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
BUILTIN_PERCENT = {9: "0%", 10: "0.00%"}  # openpyxl's BUILTIN_FORMATS holding "%"

_REFERENCE = re.compile(rb"""\br=["']([A-Z]{1,3})([0-9]+)["']""")
_ERROR_CELL = re.compile(rb"""<c\b([^>]*?\bt=["']e["'][^>]*?)(?:/>|>(.*?)</c>)""", re.S)
_VALUE = re.compile(rb"<v>(.*?)</v>", re.S)
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")


class Unplaceable(Exception):
    """A mark whose cell cannot be named exactly: read the workbook another way."""


@dataclass
class SheetMarks:
    """Cells of one sheet whose calamine value needs a correction, by spreadsheet row."""

    percent: dict[int, set[int]] = field(default_factory=dict)
    errors: dict[int, dict[int, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.percent or self.errors)

    def apply(self, number: int, row: list[object],
              percent: bool = True) -> tuple[int, list[object]]:
        """Row ``number`` (the spreadsheet's) with its percentages and error texts."""
        for column in self.percent.get(number, ()) if percent else ():
            value = row[column] if column < len(row) else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                row[column] = value * 100
        for column, text in self.errors.get(number, {}).items():
            row.extend([None] * (column + 1 - len(row)))
            row[column] = text
        return number, row


NO_MARKS = SheetMarks()


def column_index(letters: bytes) -> int:
    """A column's letters (upper case) as a 0-based index: A is 0."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _place(tag: bytes) -> tuple[int, int]:
    found = _REFERENCE.search(tag)
    if found is None:
        raise Unplaceable
    return int(found.group(2)), column_index(found.group(1))


def _parts(archive: zipfile.ZipFile) -> tuple[str, dict[str, str]]:
    """The workbook part's path and its relationships (id -> part path)."""
    root = ElementTree.fromstring(archive.read("_rels/.rels"))
    target = next(r.get("Target", "") for r in root.iter(f"{REL}Relationship")
                  if r.get("Type", "").endswith("/officeDocument"))
    workbook = target.lstrip("/")
    folder = posixpath.dirname(workbook)
    rels_path = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
    links = {}
    for rel in ElementTree.fromstring(archive.read(rels_path)).iter(f"{REL}Relationship"):
        target = rel.get("Target", "")
        links[rel.get("Id", "")] = (target.lstrip("/") if target.startswith("/")
                                    else posixpath.normpath(posixpath.join(folder, target)))
        if rel.get("Type", "").endswith("/styles"):
            links["styles"] = links[rel.get("Id", "")]
    return workbook, links


def percent_styles(styles_xml: bytes) -> set[int]:
    """Indexes of the cell formats (``cellXfs``) whose number format holds ``%``."""
    root = ElementTree.fromstring(styles_xml)
    custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "")
              for f in root.iter(f"{MAIN}numFmt")}
    cell_xfs = root.find(f"{MAIN}cellXfs")
    formats = [] if cell_xfs is None else cell_xfs.findall(f"{MAIN}xf")
    found = set()
    for index, xf in enumerate(formats):
        number_format = int(xf.get("numFmtId", "0"))
        code = custom.get(number_format, BUILTIN_PERCENT.get(number_format, ""))
        if "%" in code:
            found.add(index)
    return found


def sheet_marks(xml: bytes, percent_xfs: set[int]) -> SheetMarks:
    marks = SheetMarks()
    root = _ROOT.search(xml)
    if root is None or root.group(1):
        raise Unplaceable
    if percent_xfs:
        styles = b"|".join(str(i).encode() for i in sorted(percent_xfs))
        pattern = re.compile(rb"""<c\b[^>]*?\bs=["'](?:""" + styles + rb""")["'][^>]*>""")
        for hit in pattern.finditer(xml):
            row, column = _place(hit.group(0))
            marks.percent.setdefault(row, set()).add(column)
    if b'"e"' in xml or b"'e'" in xml:
        for hit in _ERROR_CELL.finditer(xml):
            row, column = _place(hit.group(1))
            value = _VALUE.search(hit.group(2) or b"")
            if value and value.group(1):  # openpyxl reads an error without text as empty
                marks.errors.setdefault(row, {})[column] = unescape(value.group(1).decode())
    return marks


def workbook_marks(archive: zipfile.ZipFile) -> dict[str, SheetMarks] | None:
    """Each worksheet's marks by sheet name, or None when they cannot be placed exactly."""
    try:
        workbook, links = _parts(archive)
        percent_xfs = (percent_styles(archive.read(links["styles"]))
                       if links.get("styles") in archive.namelist() else set())
        if 0 in percent_xfs:  # cells without a style would be percentages
            return None
        return {name: sheet_marks(archive.read(path), percent_xfs)
                for name, path in _sheets(archive, workbook, links).items()
                if path.startswith("xl/worksheets/") or "/worksheets/" in path}
    except (Unplaceable, KeyError, StopIteration, ValueError, ElementTree.ParseError):
        return None


def _sheets(archive: zipfile.ZipFile, workbook: str, links: dict[str, str]) -> dict[str, str]:
    names = set(archive.namelist())
    sheets = {}
    for sheet in ElementTree.fromstring(archive.read(workbook)).iter(f"{MAIN}sheet"):
        path = links.get(sheet.get(f"{DOC_REL}id", ""), "")
        if path in names:
            sheets[sheet.get("name", "")] = path
    return sheets


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's part in the package by sheet name, wherever the workbook part puts it.

    Raises ``KeyError``, ``StopIteration``, ``ValueError`` or ``ParseError`` for a package
    that names no workbook."""
    return _sheets(archive, *_parts(archive))
