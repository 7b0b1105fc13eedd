"""The one palette of the charts, the deck, the handout, the forms, the exported workbooks and
the app's theme: no other module writes a colour (``tests/test_palette.py`` looks).

Every status colour is at least 3:1 against white (WCAG 2.1, 1.4.11 for graphics) and the
statuses stay apart under protanopia, deuteranopia and tritanopia (``tests/test_palette.py``
checks both with colorspacious). Colour is never the only cue: each status also has a word
(the catalog's ``bucket.*``) and a fill pattern.
"""

from __future__ import annotations

from tracker.states import ReportState

STATUS_COLOURS = {
    "completed": "#09A553",
    "on_track": "#1E4268",
    "behind": "#7D5229",
    "overdue": "#6E0A0A",
    "blocked": "#C954DA",
    "not_in_scope": "#737373",
}
# plotly's marker.pattern.shape per status: a second cue beside the colour
STATUS_PATTERNS = {
    "completed": "",
    "on_track": "/",
    "behind": "x",
    "overdue": "\\",
    "blocked": ".",
    "not_in_scope": "-",
}
STATUS_ORDER = ("completed", "on_track", "behind", "overdue")

PROGRESS = "#0072B2"  # progress bars: 5.2:1 against white
# one colour per institution's trend line, in this order (more lines repeat it): each at least
# 3:1 against white, apart from one another and from PROGRESS and EXPECTED by a CAM02-UCS
# distance of at least 15 (``tests/test_palette.py``); a line is also named at its end, so
# colour is never its only cue
SERIES = ("#D55E00", "#009988", "#7C3AED", "#999933", "#CC79A7", "#332288", "#92400E",
          "#117733", "#A21CAF", "#57534E")
EXPECTED = "#222222"  # the expected-progress mark and line
TEXT = "#222222"
MUTED_TEXT = "#505050"  # secondary text, 8.1:1 against white
GRID = "#DDDDDD"
BACKGROUND = "#FFFFFF"
# light blues only: the values printed on a heat map's cells stay TEXT at >= 5.9:1 on every cell
SEQUENTIAL = ("#F7FBFF", "#5DA5D5")  # 0 % and 100 %
# a table's header row: BACKGROUND text on it (the deck's data table, an exported workbook)
TABLE_HEADER = STATUS_COLOURS["on_track"]
RULE = "#BBBBBB"  # the handout's table borders
SHADE = "#EEEEEE"  # the handout's table header, under TEXT
# the app's theme (.streamlit/config.toml cannot import this module; a test compares them):
# its primary and link colour, also the skip link's, and its text colour
PRIMARY = "#00446A"
UI_TEXT = "#141414"
# a report's state on the report form, in Streamlit's named badge colours (Markdown
# ``:orange-badge[…]`` takes no other); the state's word is always beside it
REPORT_STATE_BADGES: dict[str, str] = {
    "missing": "orange", ReportState.DRAFT: "gray", ReportState.SUBMITTED: "blue",
    ReportState.APPROVED: "green", ReportState.RETURNED: "red"}
DIVIDER = "gray"  # a header's rule on the report form's page (Streamlit's named colour)


def rgb(colour: str) -> tuple[int, int, int]:
    """``#RRGGBB`` as three 0-255 integers."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def hex_digits(colour: str) -> str:
    """``#RRGGBB`` as ``RRGGBB``, the spelling of openpyxl's colours."""
    return colour.lstrip("#").upper()


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour."""
    channels = [c / 255 for c in rgb(colour)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str = BACKGROUND) -> float:
    """WCAG 2.1's contrast ratio of two colours (1 to 21)."""
    first, second = sorted((relative_luminance(foreground), relative_luminance(background)),
                           reverse=True)
    return (first + 0.05) / (second + 0.05)
