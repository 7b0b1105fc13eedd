"""Benchmarks: time the figures, the import and the export on the demo; print a table.

    python -m bench.run --scale demo [--postgres URL]

Writes ``bench/results.json``. Never part of the test suite's assertions (a smoke test only
checks that it runs). The national scale comes with the performance issue.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from tracker import metrics
from tracker.db import make_engine, session_scope
from tracker.demo import ECUADOR_PLAN, load_demo
from tracker.io.exporter import export_workbook
from tracker.io.importer import import_path
from tracker.migrate import upgrade
from tracker.quarters import Quarter
from tracker.services import decks, plans
from tracker.services.permissions import SYSTEM

RESULTS = Path(__file__).with_name("results.json")


def _timed(step: Callable[[], object], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best


def _fresh(url: str) -> Engine:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    upgrade(engine)
    return engine


def _all_figures(engine: Engine, quarter: Quarter) -> None:
    with session_scope(engine) as session:
        plan_id = plans.get_plan(session, ECUADOR_PLAN).id
        metrics.headline(session, plan_id, quarter)
        for dimension in metrics.Dimension:
            metrics.rollup(session, plan_id, quarter, dimension)
        metrics.completeness(session, plan_id, quarter, metrics.Dimension.INSTITUTION)


def _read_floor(path: Path) -> None:
    workbook = load_workbook(path, read_only=True)
    for worksheet in workbook.worksheets:
        for _row in worksheet.iter_rows(values_only=True):
            pass
    workbook.close()


def run_store(name: str, url: str, other_url: str, folder: Path,
              with_pdf: bool = True) -> dict[str, float]:
    engine = _fresh(url)
    row: dict[str, float] = {}
    with session_scope(engine) as session:
        row["demo_load_s"] = _timed(lambda: load_demo(session))
    quarter = Quarter(2026, 4)
    row["metrics_s"] = _timed(lambda: _all_figures(engine, quarter), repeat=5)
    workbook = folder / f"{name}.xlsx"
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        row["export_s"] = _timed(lambda: workbook.write_bytes(
            export_workbook(session, SYSTEM, plan)))
    engine.dispose()
    target = _fresh(other_url)
    with session_scope(target) as session:
        row["import_s"] = _timed(lambda: import_path(session, SYSTEM, workbook))
    row["read_floor_s"] = _timed(lambda: _read_floor(workbook), repeat=3)
    with session_scope(target) as session:
        plan_id = plans.get_plan(session, ECUADOR_PLAN).id
        row["deck_pptx_s"] = _timed(lambda: decks.pptx(session, SYSTEM, plan_id, quarter, "es"))
        if with_pdf:
            row["deck_pdf_s"] = _timed(lambda: decks.pdf(session, SYSTEM, plan_id, quarter,
                                                         "es"))
    target.dispose()
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def print_table(results: dict[str, dict[str, float]]) -> None:
    columns = list(next(iter(results.values())))
    print(f"{'store':<12}" + "".join(f"{c:>14}" for c in columns))
    for store, row in results.items():
        print(f"{store:<12}" + "".join(f"{row[c]:>14.3f}" for c in columns))


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["demo"], default="demo")
    parser.add_argument("--postgres", default=os.environ.get("TRACKER_BENCH_POSTGRES_URL"),
                        help="also measure on this PostgreSQL database (it is emptied)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF (needs Chromium)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TRACKER_TODAY", "2026-11-24")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results["sqlite"] = run_store("sqlite", f"sqlite:///{folder / 'a.db'}",
                                      f"sqlite:///{folder / 'b.db'}", folder,
                                      with_pdf=not args.no_pdf)
        if args.postgres:
            results["postgresql"] = run_store("postgresql", args.postgres, args.postgres,
                                              folder, with_pdf=not args.no_pdf)
    print_table(results)
    args.out.write_text(json.dumps({"scale": args.scale, "machine": platform.platform(),
                                    "cpus": os.cpu_count(), "results": results}, indent=2))
    return results


if __name__ == "__main__":
    main()
