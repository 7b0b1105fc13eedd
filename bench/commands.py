"""The command line as people feel it (issue 14, goal 6): ``tracker`` subcommands, each in a
fresh process as someone types them, beside a floor process doing the least the same answer
needs.

- ``cli_list_s``: ``tracker plan list`` (the console script); ``cli_list_floor_s``: a process
  that imports SQLAlchemy, connects and runs one SELECT of the plans' names (``LIST_FLOOR``).
  ``cli_list_import_s``: the imports of one ``tracker plan list`` (``-X importtime``, the
  top-level modules' cumulative times; the interpreter's own start-up included).
- ``cli_deck_s``: ``tracker deck QUARTER --out x.pptx``; ``cli_deck_floor_s``: a process that
  imports python-pptx and writes a deck of 8 native charts from constants (``DECK_FLOOR``).

Each is the median of ``REPEAT`` runs, the command and its floor taking turns so that the
load of a shared machine falls on both alike. The step checks that ``plan list`` printed the
floor's names and that the deck is a .pptx, so that both sides did the same work.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPEAT = 5

LIST_FLOOR = """
import sys

from sqlalchemy import create_engine, text

engine = create_engine(sys.argv[1])
with engine.connect() as connection:
    for (name,) in connection.execute(
            text("SELECT name FROM plan WHERE NOT archived ORDER BY name")):
        print(name)
"""

DECK_FLOOR = """
import sys

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

deck = Presentation()
deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
for number in range(8):
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = f"Chart {number + 1}"
    data = CategoryChartData()
    if number == 7:  # the trend: two lines over the plan's quarters
        data.categories = [f"{2021 + q // 4}-Q{q % 4 + 1}" for q in range(24)]
        data.add_series("progress", [q * 4.0 for q in range(24)])
        data.add_series("expected", [q * 4.2 for q in range(24)])
        kind = XL_CHART_TYPE.LINE_MARKERS
    else:  # progress against expected for a dozen groups
        data.categories = [f"Group {number}.{g}" for g in range(12)]
        data.add_series("progress", [(g * 7.5 + number) % 100 for g in range(12)])
        data.add_series("expected", [(g * 8.5 + number) % 100 for g in range(12)])
        kind = XL_CHART_TYPE.BAR_CLUSTERED
    slide.shapes.add_chart(kind, Inches(0.5), Inches(1.45), Inches(12.33), Inches(5.35), data)
deck.save(sys.argv[1])
"""


def tracker_command() -> list[str]:
    """The ``tracker`` console script of this interpreter's environment (what people type),
    else the module."""
    script = Path(sys.executable).with_name("tracker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tracker.cli"]


def _run(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr}")
    return seconds, done.stdout


def _medians(command: list[str], floor: list[str], env: dict[str, str],
             repeat: int) -> tuple[float, float, str, str]:
    """Median seconds of a command and of its floor, run in turns; their last outputs."""
    ours: list[float] = []
    floors: list[float] = []
    out = floor_out = ""
    for _ in range(repeat):
        seconds, floor_out = _run(floor, env)
        floors.append(seconds)
        seconds, out = _run(command, env)
        ours.append(seconds)
    return statistics.median(ours), statistics.median(floors), out, floor_out


def import_seconds(command: list[str], env: dict[str, str]) -> float:
    """Seconds spent importing by one run of ``command`` (``-X importtime``: the sum of the
    top-level imports' cumulative microseconds)."""
    done = subprocess.run(command, env={**env, "PYTHONPROFILEIMPORTTIME": "1"},
                          capture_output=True, text=True, check=False)
    total = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _self, cumulative, name = line[len("import time:"):].split("|")
        if name.startswith(" ") and not name.startswith("  ") and cumulative.strip().isdigit():
            total += int(cumulative)
    return total / 1e6


def step_commands(url: str, plan: str, quarter: str,
                  repeat: int = REPEAT) -> tuple[dict[str, float], float]:
    """``tracker plan list`` and ``tracker deck`` against their floors, in fresh processes."""
    env = {**os.environ, "TRACKER_DATABASE_URL": url}
    tracker = tracker_command()
    measures: dict[str, float] = {}
    listed, floor, out, floor_out = _medians(
        tracker + ["plan", "list"], [sys.executable, "-c", LIST_FLOOR, url], env, repeat)
    if out.splitlines() != floor_out.splitlines():
        raise RuntimeError(f"tracker plan list printed {out!r}, the floor {floor_out!r}")
    measures.update(cli_list_s=listed, cli_list_floor_s=floor, cli_list_ratio=listed / floor,
                    cli_list_import_s=import_seconds(tracker + ["plan", "list"], env))
    with tempfile.TemporaryDirectory() as folder:
        deck, floor_deck = Path(folder) / "x.pptx", Path(folder) / "floor.pptx"
        seconds, floor, _out, _floor_out = _medians(
            tracker + ["deck", quarter, "--out", str(deck), "--plan", plan, "--lang", "es"],
            [sys.executable, "-c", DECK_FLOOR, str(floor_deck)], env, repeat)
        for written in (deck, floor_deck):
            if not zipfile.is_zipfile(written):
                raise RuntimeError(f"{written.name} is not a .pptx")
    measures.update(cli_deck_s=seconds, cli_deck_floor_s=floor, cli_deck_ratio=seconds / floor)
    # the commands ran in child processes: the largest of their peaks
    return measures, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
