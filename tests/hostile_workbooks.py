"""Workbooks built to hurt the importer, each a few KB: the attacks of the security reviews
(issue 25 and the first round). Each is a valid small plan (``MINIMAL``) with one part of its
package rewritten, so that nothing but the attack stands between it and an import.

``HOSTILE`` maps a name to a function of a folder giving the file's bytes and name.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.helpers import MINIMAL, write_workbook
from tracker.io.xlsx_bounds import column_letters

LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;")
                                                       * 10) for n in range(1, 10))
          + b"]>\n")
XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')


Change = Callable[[bytes], bytes]


def _rewritten(folder: Path, changes: dict[str, Change], added: dict[str, bytes] | None = None
               ) -> bytes:
    """The small plan's workbook with each part named in ``changes`` replaced by what its
    function makes of it, and the ``added`` parts."""
    source = write_workbook(folder / "plain.xlsx", MINIMAL).read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as original, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as hostile:
        for info in original.infolist():
            data = original.read(info)
            change = changes.get(info.filename)
            hostile.writestr(info.filename, change(data) if change else data)
        for name, data in (added or {}).items():
            hostile.writestr(name, data)
    return buffer.getvalue()


REPORTS_SHEET = "xl/worksheets/sheet4.xml"  # plan, institutions, items, reports


def _far_cell(reference: str) -> Callable[[bytes], bytes]:
    """One more cell in the reports sheet, at ``reference`` (its row number at the end)."""
    row = re.sub(r"[A-Z]", "", reference)

    def change(xml: bytes) -> bytes:
        cell = f'<row r="{row}"><c r="{reference}" t="n"><v>1</v></c></row>'.encode()
        return xml.replace(b"</sheetData>", cell + b"</sheetData>")
    return change


def _declared(prologue: bytes, body: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    """The part with a DOCTYPE of ``prologue`` put in front, its text changed by ``body``."""
    def change(xml: bytes) -> bytes:
        without_declaration = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)
        return prologue + body(without_declaration)
    return change


def _in_first_cell(entity: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"<t>Small plan</t>", b"<t>" + entity + b"</t>", 1)


def _sheet_named(entity: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b'name="plan"', b'name="' + entity + b'"', 1)


def _many_cells(xml: bytes) -> bytes:
    """Sixty rows of 16,384 cells: a million values from 12 KB compressed."""
    cells = "".join(f'<c r="{column_letters(n)}{{row}}"><v>1</v></c>' for n in range(1, 16_385))
    rows = "".join(f'<row r="{r}">' + cells.replace("{row}", str(r)) + "</row>"
                   for r in range(10, 70))
    return xml.replace(b"</sheetData>", rows.encode() + b"</sheetData>")


def _one_part(part: str, change: Change, name: str) -> Callable[[Path], tuple[bytes, str]]:
    return lambda folder: (_rewritten(folder, {part: change}), name)


SHEET_1 = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"

HOSTILE: dict[str, Callable[[Path], tuple[bytes, str]]] = {
    # issue 25: one cell at the sheet's far corner, the grid of every cell before it
    "cell at XFD1048576": _one_part(REPORTS_SHEET, _far_cell("XFD1048576"), "xfd.xlsx"),
    "cell at ZZ200000": _one_part(REPORTS_SHEET, _far_cell("ZZ200000"), "zz.xlsx"),
    "a million cells": _one_part(REPORTS_SHEET, _many_cells, "million.xlsx"),
    "one long text in 50,000 cells": lambda f: (_one_text_everywhere(f), "texts.xlsx"),
    # entities: expanded a billion times, or read from the server's disk
    "billion laughs in a sheet": _one_part(
        SHEET_1, _declared(LAUGHS, _in_first_cell(b"&lol9;")), "laughs.xlsx"),
    "billion laughs in the workbook part": _one_part(
        WORKBOOK, _declared(LAUGHS, _sheet_named(b"&lol9;")), "laughs-workbook.xlsx"),
    "external entity in a sheet": _one_part(
        SHEET_1, _declared(XXE, _in_first_cell(b"&xxe;")), "xxe.xlsx"),
    "external entity in the workbook part": _one_part(
        WORKBOOK, _declared(XXE, _sheet_named(b"&xxe;")), "xxe-workbook.xlsx"),
    # the first round: a .zip or .xlsx that unpacks to far more than it weighs
    "zip bomb": lambda f: (zip_bomb(), "bomb.zip"),
    "workbook bomb": _one_part(SHEET_1, lambda x: x + b" " * (301 * 1024 * 1024), "bomb.xlsx"),
}

# the import's own message for each: the key of the catalogs it is refused with
REFUSED_WITH = {
    "cell at XFD1048576": "import.sheet_too_far",
    "cell at ZZ200000": "import.sheet_too_far",
    "a million cells": "import.sheet_too_far",
    "one long text in 50,000 cells": "import.too_big_to_read",
    "billion laughs in a sheet": "import.xml_declaration",
    "billion laughs in the workbook part": "import.xml_declaration",
    "external entity in a sheet": "import.xml_declaration",
    "external entity in the workbook part": "import.xml_declaration",
    "zip bomb": "import.too_big_unpacked",
    "workbook bomb": "import.too_big_unpacked",
}


def _one_text_everywhere(folder: Path) -> bytes:
    """Fifty thousand cells all pointing at one shared text of 32,767 characters: within
    every bound on rows, columns and cells, 13 KB on disk, and a readers' copy per cell (3 GB
    in calamine, as much again in Python): only the child's memory limit stops it."""
    cells = "".join(f'<c r="{column_letters(c)}{{row}}" t="s"><v>0</v></c>'
                    for c in range(1, 251))
    rows = "".join(f'<row r="{r}">' + cells.replace("{row}", str(r)) + "</row>"
                   for r in range(2, 202))
    text = "x" * 32_767
    shared = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              f'count="50000" uniqueCount="1"><si><t>{text}</t></si></sst>').encode()
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    content = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    changes = {
        REPORTS_SHEET: lambda x: x.replace(b"</sheetData>", rows.encode() + b"</sheetData>"),
        "xl/_rels/workbook.xml.rels": lambda x: x.replace(b"</Relationships>", (
            f'<Relationship Id="rIdShared" Type="{kind}" Target="sharedStrings.xml"/>'
            "</Relationships>").encode()),
        "[Content_Types].xml": lambda x: x.replace(b"</Types>", (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{content}"/>'
            "</Types>").encode()),
    }
    return _rewritten(folder, changes, added={"xl/sharedStrings.xml": shared})


def zip_bomb(megabytes: int = 301) -> bytes:
    """A small .zip holding one CSV of ``megabytes`` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("items.csv", "w", force_zip64=True) as member:
        member.write(b"code,title\n")
        for _ in range(megabytes):
            member.write(b"0" * (1024 * 1024))
    return buffer.getvalue()
