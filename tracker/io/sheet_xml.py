"""A worksheet's data rows as SpreadsheetML, written as openpyxl writes them.

The same XML openpyxl's write-only mode gives for the same values (inline strings, numbers
as ``%.16g``, booleans as 1/0, ``xml:space="preserve"`` for texts with outer spaces), without
a cell object per value. The rule of ``tracker/io/cells.py`` holds: every text is a text cell
(``t="inlineStr"``, never a formula, nor an error cell for a text such as "#N/A", which
openpyxl made one), and a text a spreadsheet would run carries Excel's quote prefix (its
style); the first column (codes) is formatted as text.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from tracker.io.cells import QUOTE, TRIGGERS

RISKY = (*TRIGGERS, QUOTE)
CHUNK_ROWS = 2000
MAX_TEXT = 32_767  # characters a cell holds


@dataclass(frozen=True)
class RowStyles:
    """Style ids (``s``) registered in the workbook's styles by openpyxl."""

    code: int
    quoted_code: int
    quoted: int


# What XML 1.0 cannot hold: openpyxl's control characters, lone surrogates, U+FFFE/U+FFFF.
NOT_XML = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ud800-\udfff\ufffe\uffff]")


def _escape(text: str) -> str:
    """The text as XML; a character XML cannot hold (a form feed pasted from a PDF) is
    dropped rather than failing every export of the plan."""
    text = NOT_XML.sub("", text[:MAX_TEXT])  # openpyxl cuts at MAX_TEXT too
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def _text(ref: str, text: str, style: int | None) -> str:
    s = f' s="{style}"' if style is not None else ""
    if text == "":
        return f'<c r="{ref}"{s} t="inlineStr"/>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'


def _cell(ref: str, value: object, styles: RowStyles, first: bool) -> str:
    if isinstance(value, str):
        risky = value.startswith(RISKY)
        if first:
            return _text(ref, value, styles.quoted_code if risky else styles.code)
        return _text(ref, value, styles.quoted if risky else None)
    s = f' s="{styles.code}"' if first else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, numbers.Real | Decimal):  # Decimal and numpy numbers are numbers too
        value = value if isinstance(value, int) else float(value)
        if math.isnan(value) or math.isinf(value):
            return f'<c r="{ref}"{s} t="n"><v></v></c>'
        return f'<c r="{ref}"{s} t="n"><v>{value:.16g}</v></c>'  # as openpyxl's %.16g
    return _cell(ref, str(value), styles, first)


def rows_xml(rows: Iterable[Sequence[object]], styles: RowStyles,
             first_row: int) -> Iterator[bytes]:
    """``<row>`` elements for ``rows`` from spreadsheet row ``first_row``, in chunks."""
    letters: list[str] = []
    chunk: list[str] = []
    for number, values in enumerate(rows, first_row):
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        row = str(number)
        cells = "".join(_cell(letters[i] + row, v, styles, i == 0)
                        for i, v in enumerate(values) if v is not None)
        chunk.append(f'<row r="{row}">{cells}</row>')
        if len(chunk) == CHUNK_ROWS:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()
