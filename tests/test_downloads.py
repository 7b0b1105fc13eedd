"""Downloads are tickets: one fetch, by the sign-in session they were made for, for a while;
and every download button of the product makes one (``ui.downloads``)."""

from __future__ import annotations

import re
from pathlib import Path

from tracker.downloads import PREFIX, Tickets

ROOT = Path(__file__).resolve().parent.parent


def test_a_ticket_is_taken_once_by_its_own_session():
    tickets = Tickets()
    stored = tickets.issue(7, b"deck", "plan.pptx", "application/zip")
    assert stored.startswith(PREFIX) and b"deck" not in stored  # Streamlit never holds it
    assert tickets.find(stored, 8) is None and tickets.take(stored, 8) is None
    assert tickets.find(stored, 7).content == b"deck"  # a check leaves it
    taken = tickets.take(stored, 7)
    assert (taken.content, taken.file_name) == (b"deck", "plan.pptx")
    assert tickets.take(stored, 7) is None and len(tickets) == 0
    assert tickets.find(b"any other file", 7) is None


def test_tickets_nobody_fetches_do_not_pile_up():
    now = [0.0]
    tickets = Tickets(lifetime=60, per_session=2, clock=lambda: now[0])
    first, second, third = (tickets.issue(1, bytes([n]), "f", "x") for n in range(3))
    other = tickets.issue(2, b"other", "f", "x")
    assert tickets.find(first, 1) is None  # the oldest of session 1 made room
    assert tickets.find(second, 1) and tickets.find(third, 1) and tickets.find(other, 2)
    now[0] = 61
    assert tickets.take(third, 1) is None and len(tickets) == 0


def test_every_download_button_goes_through_the_ticket_helper():
    """A plain ``st.download_button`` would put the file at a /media/ address that the
    server now refuses: the button would fail, so none may be added."""
    found = []
    for path in [ROOT / "dashboard.py", *(ROOT / "ui").glob("*.py"),
                 *(ROOT / "pages").glob("*.py")]:
        if path.name == "downloads.py":
            continue
        found += [f"{path.name}:{n}" for n, line in enumerate(path.read_text().splitlines(), 1)
                  if re.search(r"\bdownload_button\(", line)
                  and not re.search(r"(?<![.\w])download_button\(", line)]
    assert found == []
