"""Smoke test: the benchmark runs at demo scale and prints its table (no timing asserted)."""

import json

from bench.run import main


def test_bench_runs_at_demo_scale(tmp_path, capsys):
    out = tmp_path / "results.json"
    results = main(["--scale", "demo", "--out", str(out), "--postgres", "", "--no-pdf"])
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[:3] == ["store", "demo_load_s", "metrics_s"]
    assert set(results) == {"sqlite"}
    assert json.loads(out.read_text())["results"]["sqlite"]["metrics_s"] > 0
