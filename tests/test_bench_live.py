"""The bench's live steps (issue 14) kept running: real servers, tiny counts, demo data, keys
and what a person would notice checked (no error, no lost save, a failover that carries on),
no timing. In ``make test`` (about a minute in all, beside the other worker's tests) and on
their own in ``make bench-smoke``. Each step runs in a thread of its own: a browser test
before it may have left an event loop running in the main thread."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from devtools.servers import NGINX
from tests.conftest import missing_service
from tracker.demo import ECUADOR_PLAN

pytestmark = pytest.mark.live


def _in_thread(step, *args, **kwargs):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(step, *args, **kwargs).result()


def _demo_url(tmp_path, monkeypatch) -> str:
    from bench.run import TODAY
    from tests.apptest import demo_database

    monkeypatch.setenv("TRACKER_TODAY", TODAY)
    return demo_database(tmp_path / "live.db")


def test_the_meeting_room_step_drives_real_sessions_and_loses_no_save(tmp_path, monkeypatch):
    from bench.room import step_room
    from bench.run import TODAY

    row = _in_thread(step_room, _demo_url(tmp_path, monkeypatch), ECUADOR_PLAN, TODAY, True,
                    seconds=3, pause=0.1, presenters=2, members=1)
    assert {"room_slide_p95_s", "room_save_p95_s", "room_errors", "room_lost_updates",
            "room_server_rss_mb", "room_mb_per_session", "room_client_cpu_s",
            "room_ops_per_s"} <= set(row)
    assert row["room_errors"] == 0 and row["room_lost_updates"] == 0
    assert row["room_slides"] >= 1 and row["room_saves"] >= 1  # both kinds of people acted
    assert row["room_server_rss_mb"] > 0


def test_the_browser_step_times_each_page_against_its_floor(tmp_path, monkeypatch):
    from bench.browser import step_browser
    from bench.run import TODAY
    from tests.browser.conftest import CHROMIUM
    from tests.conftest import missing_service
    from tracker.demo import DEMO_DOMAIN

    if not CHROMIUM.exists():
        missing_service(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    row = _in_thread(step_browser, _demo_url(tmp_path, monkeypatch), ECUADOR_PLAN,
                       f"coordinacion@{DEMO_DOMAIN}", TODAY, True, repeat=1)
    for page in ("overview", "review", "mine", "present"):
        for kind in ("cold", "warm"):
            assert row[f"browser_{page}_{kind}_s"] > 0
            assert row[f"browser_{page}_{kind}_ratio"] > 0
    assert row["browser_overview_charts"] == 2 and row["browser_present_charts"] == 1
    assert row["browser_overview_tab_warm_s"] > 0  # the switch to the heatmaps' tab


def test_the_two_servers_step_shares_the_load_and_carries_a_session_over(tmp_path,
                                                                         monkeypatch):
    from bench.room import step_two_servers
    from bench.run import TODAY

    if not Path(NGINX).exists():
        missing_service(f"no nginx at {NGINX}: apt-get install nginx")

    row = _in_thread(step_two_servers, _demo_url(tmp_path, monkeypatch), ECUADOR_PLAN, TODAY,
                     True, seconds=3, presenters=2, members=1)
    for prefix in ("one", "two"):
        assert row[f"{prefix}_errors"] == 0 and row[f"{prefix}_lost_updates"] == 0
        assert row[f"{prefix}_slides"] >= 1 and row[f"{prefix}_saves"] >= 1
    assert row["two_throughput_ratio"] > 0
    assert row["failover_ok"] == 1  # the page whose process was killed carried on signed in
