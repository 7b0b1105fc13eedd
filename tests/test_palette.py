"""The one palette: every status colour at least 3:1 against white (WCAG 2.1, 1.4.11) and the
statuses apart for people with protanopia, deuteranopia and tritanopia. Checked with
colorspacious (CVD simulation of Machado et al. 2009, distances in CAM02-UCS), not with
hand-written colour maths."""

from __future__ import annotations

from itertools import combinations

import colorspacious
import numpy as np
import pytest

from tracker import palette

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
