"""The one palette: every status colour at least 3:1 against white (WCAG 2.1, 1.4.11) and the
statuses apart for people with protanopia, deuteranopia and tritanopia. Checked with
colorspacious (CVD simulation of Machado et al. 2009, distances in CAM02-UCS), not with
hand-written colour maths."""

from __future__ import annotations

import re
import tokenize
import tomllib
from itertools import combinations
from pathlib import Path

import colorspacious
import numpy as np
import pytest

from tracker import palette

ROOT = Path(__file__).resolve().parent.parent
MIN_DISTANCE = 15.0  # CAM02-UCS ΔE': well apart at a glance (1 is a just-noticeable step)
VISIONS = {"normal": None, "protanopia": "protanomaly", "deuteranopia": "deuteranomaly",
           "tritanopia": "tritanomaly"}


def _srgb(colour: str) -> np.ndarray:
    return np.array(palette.rgb(colour)) / 255


def _luminance(colour: str) -> float:
    """WCAG relative luminance: Y of CIE XYZ (D65) on a 0-1 scale."""
    return colorspacious.cspace_convert(_srgb(colour), "sRGB1", "XYZ100")[1] / 100


def _contrast(colour: str, background: str = palette.BACKGROUND) -> float:
    light, dark = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("status", sorted(palette.STATUS_COLOURS))
def test_every_status_colour_stands_out_from_white(status):
    colour = palette.STATUS_COLOURS[status]
    assert _contrast(colour) >= 3.0
    assert palette.contrast(colour) == pytest.approx(_contrast(colour), rel=1e-3)


def test_progress_expected_and_text_colours_contrast():
    assert _contrast(palette.PROGRESS) >= 3.0
    assert _contrast(palette.EXPECTED) >= 4.5
    assert _contrast(palette.TEXT) >= 4.5 and _contrast(palette.MUTED_TEXT) >= 4.5


@pytest.mark.parametrize("vision", VISIONS)
def test_statuses_stay_apart_under_colour_vision_deficiencies(vision):
    colours = {name: _srgb(value) for name, value in palette.STATUS_COLOURS.items()}
    if VISIONS[vision]:
        space = {"name": "sRGB1+CVD", "cvd_type": VISIONS[vision], "severity": 100}
        colours = {name: np.clip(colorspacious.cspace_convert(value, space, "sRGB1"), 0, 1)
                   for name, value in colours.items()}
    for (first, a), (second, b) in combinations(colours.items(), 2):
        distance = colorspacious.deltaE(a, b, input_space="sRGB1")
        assert distance >= MIN_DISTANCE, f"{first} and {second} under {vision}: {distance:.1f}"


def test_each_status_has_its_own_pattern():
    patterns = list(palette.STATUS_PATTERNS.values())
    assert set(palette.STATUS_PATTERNS) == set(palette.STATUS_COLOURS)
    assert len(set(patterns)) == len(patterns)


def test_the_other_colours_keep_their_contrast():
    assert _contrast(palette.BACKGROUND, palette.TABLE_HEADER) >= 4.5  # a header row's words
    assert _contrast(palette.TEXT, palette.SHADE) >= 4.5  # the handout's table header
    assert _contrast(palette.PRIMARY) >= 4.5  # links and the skip link
    assert min(_contrast(palette.TEXT, cell) for cell in palette.SEQUENTIAL) >= 4.5


def test_the_apps_theme_is_the_palettes():
    """``.streamlit/config.toml`` cannot import the palette: its colours are compared here."""
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    assert theme["primaryColor"] == theme["linkColor"] == palette.PRIMARY
    assert theme["textColor"] == palette.UI_TEXT


# in a string's source: "#RRGGBB" or "#RGB", a bare "RRGGBB" (openpyxl's spelling), or a
# colour name standing alone ("white", Streamlit's "gray")
COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})\b|^[A-Za-z]*(['\"])(?:[0-9A-Fa-f]{6}"
                    r"|white|black|red|green|blue|orange|gr[ae]y|violet|yellow)\1$")
STRINGS = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}


def _strings(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module as written (f-strings too), with their line."""
    with path.open("rb") as source:
        return [(token.start[0], token.string) for token in tokenize.tokenize(source.readline)
                if token.type in STRINGS]


def test_no_module_but_the_palette_writes_a_colour():
    sources = [path for folder in ("tracker", "ui", "pages") for path in
               (ROOT / folder).rglob("*.py")] + [ROOT / "dashboard.py", ROOT / "server.py"]
    found = [f"{path.relative_to(ROOT)}:{line}: {text[:60]}"
             for path in sources if path != ROOT / "tracker" / "palette.py"
             for line, text in _strings(path) if COLOUR.search(text)]
    assert not found, "colours outside tracker/palette.py:\n" + "\n".join(found)


def test_every_report_state_has_a_badge_streamlit_can_draw():
    from tracker.models import ReportState

    assert set(palette.REPORT_STATE_BADGES) == {"missing", *ReportState}
    # Streamlit's Markdown badge colours (docs of st.markdown); any other draws no badge
    assert set(palette.REPORT_STATE_BADGES.values()) <= {
        "red", "orange", "yellow", "green", "blue", "violet", "gray", "grey", "primary"}


def test_every_institutions_line_colour_stands_out_from_white_and_from_the_others():
    """Issue 26, item 11: the institutions' trend lines were pale (opacity 0.55, Streamlit's
    light colours) and hard to tell apart."""
    series = list(palette.SERIES)
    assert len(set(series)) == len(series) >= 10
    assert min(_contrast(colour) for colour in series) >= 3.0
    for first, second in combinations([*series, palette.PROGRESS, palette.EXPECTED], 2):
        distance = colorspacious.deltaE(_srgb(first), _srgb(second), input_space="sRGB1")
        assert distance >= MIN_DISTANCE, f"{first} and {second}: {distance:.1f}"
