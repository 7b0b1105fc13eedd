"""The benchmark: it runs at demo scale, its floors compute the same figures as the app, and
the national data has the advertised size. No timing is asserted."""

import json
from collections import Counter

import pytest
from sqlmodel import Session, select

from bench.floor import raw_rollups
from bench.national import PLAN_SIZES, national_rows
from bench.run import main
from tracker import metrics
from tracker.demo import ECUADOR_PLAN, TRINATIONAL_PLAN, load_demo
from tracker.models import StrategicLine
from tracker.quarters import Quarter, quarter_range
from tracker.services import plans


def test_bench_runs_at_demo_scale(tmp_path, capsys):
    out = tmp_path / "results.json"
    results = main(["--scale", "demo", "--out", str(out), "--postgres", "", "--no-pdf",
                    "--no-live", "--cli-repeat", "1"])
    table = capsys.readouterr().out
    header = next(line for line in table.splitlines() if line.startswith("measure"))
    assert header.split() == ["measure", "sqlite", "goal"]
    assert "metrics_ratio" in table and "page_warm_ratio" in table and "import_ratio" in table
    assert "cli_list_ratio" in table and "cli_deck_ratio" in table  # the commands' step
    saved = json.loads(out.read_text())
    assert saved["scale"] == "demo" and set(saved["results"]) == {"sqlite"} == set(results)
    row = saved["results"]["sqlite"]
    assert row["page_charts"] == 2  # the overview drew its open tab's charts
    assert row["peak_rss_mb"] == max(row[f"rss_{step}_mb"] for step in
                                     ("metrics", "page", "export", "import", "decks"))


def _by(frame, column="progress"):
    return {row.label: getattr(row, column) for row in frame.itertuples()}


@pytest.mark.parametrize("plan_name", [ECUADOR_PLAN, TRINATIONAL_PLAN])
def test_the_raw_sql_floor_computes_the_figures_of_tracker_metrics(engine, plan_name):
    with Session(engine) as session:
        load_demo(session)
        plan = plans.get_plan(session, plan_name)
        quarter = Quarter(2026, 3)
        found = metrics.quarter_rows(session, plan.id, quarter)
        raw = raw_rollups(session, plan.id, quarter)
        lines = {line.id: line.code for line in session.exec(
            select(StrategicLine).where(StrategicLine.plan_id == plan.id))}
    parts: dict[str, dict] = {}
    for part, group, bucket, progress, expected, items, received in raw:
        parts.setdefault(part, {})[(group, bucket) if part == "bucket" else group] = (
            progress, expected, items, received)
    head = found.headline
    assert parts["plan"][str(quarter)][0] == pytest.approx(head.progress)
    assert parts["plan"][str(quarter)][1] == pytest.approx(head.expected)
    assert parts["plan"][str(quarter)][0] - parts["plan"][str(quarter - 1)][0] == (
        pytest.approx(head.progress_change))
    by_institution = metrics.frame(found.by_institution, metrics.RollupRow)
    in_scope = by_institution[by_institution["items"] > 0]
    assert {k: v[0] for k, v in parts["institution"].items()} == pytest.approx(_by(in_scope))
    by_line = metrics.frame(found.by_line, metrics.RollupRow)
    by_line = by_line[by_line["items"] > 0]
    assert {lines[int(k)]: v[0] for k, v in parts["line"].items()} == pytest.approx(
        _by(by_line))
    assert {k: v[0] for k, v in parts["country"].items()} == pytest.approx(
        _by(metrics.frame([r for r in found.by_country if r.items > 0], metrics.RollupRow)))
    assert {k: v[2] for k, v in parts["bucket"].items()} == {
        (row.label, row.bucket): row.items for row in found.buckets}
    assert sum(v[2] for v in parts["completeness"].values()) == head.expected_reports
    assert sum(v[3] for v in parts["completeness"].values()) == head.received_reports


def test_the_national_data_has_the_size_the_issue_asks_for():
    rows = national_rows().tables
    assert len(rows["institution"]) == 60
    assert Counter(i["country"] for i in rows["institution"]) == {"EC": 20, "CO": 20, "PE": 20}
    assert len(rows["plan"]) == 4 and len(rows["action_item"]) == sum(PLAN_SIZES.values())
    assert len(rows["action_item"]) == 6000
    assert 140_000 <= len(rows["report"]) <= 160_000
    assert {p["quarter"] for p in rows["reporting_period"]} == {
        str(q) for q in quarter_range(Quarter(2021, 1), Quarter(2026, 4))}
    starts = {item["id"]: item["start_quarter"] for item in rows["action_item"]}
    assert all(report["quarter"] >= starts[report["item_id"]] for report in rows["report"])
    supported = {(s["item_id"], s["institution_id"]) for s in rows["item_support"]}
    leads = {item["id"]: item["lead_institution_id"] for item in rows["action_item"]}
    assert all(report["institution_id"] == leads[report["item_id"]]
               or (report["item_id"], report["institution_id"]) in supported
               for report in rows["report"])
    statuses = Counter(r["status"] for r in rows["report_revision"])
    assert {"completed", "in_progress", "blocked", "cancelled"} <= set(statuses)
