"""Write a plan's tables as a workbook (or CSVs) in the import template's shape, and the
empty template. Formats only: what a plan's tables hold, and who may read them, is
``tracker/services/exports.py``.

Workbooks are written by openpyxl in write-only mode: rows stream to the file, so a national
plan's export needs no cell objects in memory. Every text is a text cell (never a formula,
``tracker/io/cells.py``) and codes are formatted as text ("1.10" is not 1.1).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tracker import palette
from tracker.i18n import t
from tracker.io.cells import as_text_cell, csv_text
from tracker.io.sheet_xml import RowStyles, rows_xml
from tracker.io.template import SHEETS, Sheet

Table = tuple[Sheet, list[list[object]]]
HEADER_FONT = Font(bold=True, color=palette.hex_digits(palette.BACKGROUND))
HEADER_FILL = PatternFill("solid", fgColor=palette.hex_digits(palette.TABLE_HEADER))
HEADER_ALIGNMENT = Alignment(vertical="center")


def _text_cell(worksheet: WriteOnlyWorksheet, value: object,
               number_format: str | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value)
    as_text_cell(cell)  # a text is never a formula
    if number_format:
        cell.number_format = number_format
    return cell


def _header(worksheet: WriteOnlyWorksheet, headers: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for header in headers:
        cell = _text_cell(worksheet, header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        cells.append(cell)
    return cells


def _frame_sheet(workbook: Workbook, sheet: Sheet, lang: str) -> WriteOnlyWorksheet:
    """A sheet with its column widths, frozen header row and header: openpyxl writes it."""
    worksheet = workbook.create_sheet(sheet.title(lang))
    headers = sheet.headers(lang)
    for index, header in enumerate(headers, 1):  # before any row, as write-only mode needs
        worksheet.column_dimensions[get_column_letter(index)].width = max(
            12, min(40, len(header) + 4))
    worksheet.freeze_panes = "A2"
    worksheet.append(_header(worksheet, headers))
    return worksheet


def _styles(worksheet: WriteOnlyWorksheet) -> RowStyles:
    """The workbook's style ids of a code (text format), a code and a quoted text."""
    def style_id(number_format: str | None, quoted: bool) -> int:
        cell = _text_cell(worksheet, "=" if quoted else "x", number_format)
        return cell.style_id  # registers the style in the workbook's styles.xml

    return RowStyles(code=style_id("@", False), quoted_code=style_id("@", True),
                     quoted=style_id(None, True))


def write_workbook(tables: list[Table], path: Path | io.BytesIO, lang: str = "en") -> None:
    """The tables as the template's sheets, headers in ``lang``.

    openpyxl (write-only mode) writes the package, the styles and each sheet's frame; the
    data rows are streamed into each sheet's XML by ``rows_xml``: openpyxl's cell objects
    cost a national plan's export ten seconds, for the same XML."""
    workbook = Workbook(write_only=True)
    frames = [_frame_sheet(workbook, sheet, lang) for sheet, _rows in tables]
    styles = _styles(frames[0]) if frames else None
    framed = io.BytesIO()
    workbook.save(framed)
    rows_by_part = {frame.path.lstrip("/"): rows for frame, (_s, rows) in zip(frames, tables,
                                                                             strict=True)}
    with zipfile.ZipFile(framed) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            rows = rows_by_part.get(info.filename)
            if rows is None or styles is None:
                target.writestr(info, part, compress_type=zipfile.ZIP_DEFLATED)
                continue
            head, tail = part.split(b"</sheetData>", 1)
            with target.open(info.filename, "w", force_zip64=True) as out:
                out.write(head)
                for chunk in rows_xml(rows, styles, first_row=2):
                    out.write(chunk)
                out.write(b"</sheetData>" + tail)


def workbook_bytes(tables: list[Table], lang: str = "en") -> bytes:
    buffer = io.BytesIO()
    write_workbook(tables, buffer, lang)
    return buffer.getvalue()


def csv_zip(tables: list[Table], lang: str = "en") -> bytes:
    """The same sheets as CSV files (UTF-8 with BOM so that Excel shows accents), zipped; the
    files and headers named in ``lang`` ("acciones.csv"), as the importer reads them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet, rows in tables:
            text = csv_text(sheet.headers(lang), rows)  # texts a spreadsheet would run: quoted
            archive.writestr(f"{sheet.title(lang)}.csv", "\ufeff" + text)
    return buffer.getvalue()


def _write_guide(workbook: Workbook, lang: str) -> None:
    guide = workbook.create_sheet(t("template.instructions_sheet", lang))
    guide.column_dimensions["A"].width = 120
    title = _text_cell(guide, t("template.instructions_title", lang))
    title.font = Font(bold=True, size=14)
    guide.append([title])
    for index in range(1, 13):
        guide.append([_text_cell(guide, t(f"template.instruction_{index}", lang))])
    for sheet in SHEETS:
        guide.append([])
        name = _text_cell(guide, sheet.title(lang))
        name.font = Font(bold=True)
        guide.append([name])
        for column in sheet.columns:
            label = column.spanish if lang == "es" else column.name
            required = t("template.required", lang) if column.required else ""
            guide.append([_text_cell(
                guide, f"  {label}: {t(f'template.column.{sheet.name}.{column.name}', lang)}"
                       f"{' ' + required if required else ''}")])


def write_template(path: Path | io.BytesIO, lang: str = "en") -> None:
    """An empty workbook with the template's sheets and an instructions sheet first."""
    workbook = Workbook(write_only=True)
    _write_guide(workbook, lang)
    for sheet in SHEETS:
        _frame_sheet(workbook, sheet, lang)
    workbook.save(path)
