"""The live steps of the bench (issue 14, goals 1-3): real ``streamlit run`` servers on the
bench database, each step in its own fresh process like the others (``bench/run.py``).

- ``browser``: Chromium, click to every chart drawn, cold and warm, against a floor app
  (``bench/browser.py``).
- ``room``: 20 presenters and 10 members saving reports on one process, over real websocket
  sessions driven at the protocol level (``bench/room.py``), with a pause between actions.
- ``servers`` (PostgreSQL only): the same sessions without pause on one process, then on two
  behind the shipped nginx configuration; throughput ratio; failover of a signed-in page.

The client's own CPU seconds (``*_client_cpu_s``) are those of the step's process, which runs
the protocol client and nothing else; the servers' are not in it.
"""

from __future__ import annotations

import argparse
import resource

LIVE_GOALS = {
    **{f"browser_{page}_{kind}_ratio": "<= 1.5" for page in ("overview", "review", "mine",
                                                              "present")
       for kind in ("cold", "warm")},
    **{f"browser_{page}_warm_s": "<= 1.0" for page in ("overview", "overview_tab", "review",
                                                        "mine", "present")},
    "room_slide_p95_s": "<= 1.5", "room_save_p95_s": "<= 1.0", "room_errors": "= 0",
    "room_lost_updates": "= 0", "room_server_rss_mb": "<= 1536",
    "two_throughput_ratio": ">= 1.7", "failover_ok": "= 1", "two_errors": "= 0",
    "two_lost_updates": "= 0",
}


def add_live_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-live", action="store_true",
                        help="skip the browser, meeting-room and two-server steps")
    parser.add_argument("--live-seconds", type=float, default=60.0,
                        help="how long each load of sessions runs")
    parser.add_argument("--room-pause", type=float, default=3.0,
                        help="mean seconds a person waits between two actions in the room")
    parser.add_argument("--room-sessions", default="20+10",
                        help="presenters+members of the meeting room")
    parser.add_argument("--browser-repeat", type=int, default=3,
                        help="warm visits of each page (the median is kept)")


def live_options(args: argparse.Namespace, store: str) -> dict | None:
    if args.no_live:
        return None
    presenters, members = (int(n) for n in args.room_sessions.split("+"))
    return {"store": store, "seconds": args.live_seconds, "pause": args.room_pause,
            "presenters": presenters, "members": members, "repeat": args.browser_repeat}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _scale_env(scale: object, today: str) -> None:
    import os

    os.environ["TRACKER_TODAY"] = today
    os.environ.pop("TRACKER_DEMO", None)
    if scale.demo_mode:
        os.environ["TRACKER_DEMO"] = "1"


def step_browser(url: str, scale: object, today: str, live: dict
                 ) -> tuple[dict[str, float], float]:
    from bench.browser import step_browser as browser

    _scale_env(scale, today)
    return browser(url, scale.plan, scale.email, today, scale.demo_mode,
                   live["repeat"]), _peak_mb()


def step_room(url: str, scale: object, today: str, live: dict
              ) -> tuple[dict[str, float], float]:
    from bench.room import step_room as room

    _scale_env(scale, today)
    return room(url, scale.plan, today, scale.demo_mode, live["seconds"], live["pause"],
                live["presenters"], live["members"]), _peak_mb()


def step_servers(url: str, scale: object, today: str, live: dict
                 ) -> tuple[dict[str, float], float]:
    from bench.room import step_two_servers

    _scale_env(scale, today)
    return step_two_servers(url, scale.plan, today, scale.demo_mode, live["seconds"],
                            live["presenters"], live["members"]), _peak_mb()


def live_steps(url: str, scale: object, today: str, live: dict | None) -> list[tuple]:
    """The live steps for one store; two servers only on PostgreSQL (they share it)."""
    if live is None:
        return []
    steps = [("browser", step_browser, (url, scale, today, live)),
             ("room", step_room, (url, scale, today, live))]
    if live["store"] == "postgresql":
        steps.append(("servers", step_servers, (url, scale, today, live)))
    else:
        print("  (two servers behind nginx: only with --postgres, they share PostgreSQL)")
    return steps
