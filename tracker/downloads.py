"""Files offered for download: each good for one request, from the session it was made for.

Streamlit serves a download button's file at ``/media/<id>`` to whoever holds the address (no
cookie, after sign-out, after the account was deactivated), and the address shows up in proxy
logs. Here a file is made when its button is pressed (``ui.downloads``) and kept under a
random ticket in ``TICKETS``; Streamlit's storage only ever holds the ticket (``PREFIX`` and
random characters), never the file. ``server.py`` answers every ``/media/`` request itself: a
ticket's file goes once to a request whose session cookie names a live session of an active
account, the very session the file was made for, and is forgotten as it is sent.

A ticket that nobody fetches is dropped after ``LIFETIME``, and a session holds at most
``PER_SESSION`` of them (the oldest go first), so that pressed buttons cannot fill the memory.
Tickets live in the process that made them, as Streamlit's files do (nginx keeps a browser on
one process, ``deploy/nginx``).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

PREFIX = b"tracker-download:"
LIFETIME = 300.0  # seconds: the browser fetches a file as soon as its button's callable returns
PER_SESSION = 8


@dataclass(frozen=True)
class Download:
    session_id: int
    content: bytes
    file_name: str
    mimetype: str
    expires_at: float


class Tickets:
    """Thread-safe: scripts issue tickets in their threads, the server redeems them."""

    def __init__(self, lifetime: float = LIFETIME, per_session: int = PER_SESSION,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._lifetime = lifetime
        self._per_session = per_session
        self._clock = clock
        self._lock = threading.Lock()
        self._files: dict[str, Download] = {}  # in order of issue

    def issue(self, session_id: int, content: bytes, file_name: str, mimetype: str) -> bytes:
        """Keep ``content`` for sign-in session ``session_id``; what Streamlit may store in
        its place (the ticket)."""
        ticket = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._drop_expired(now)
            mine = [key for key, found in self._files.items() if found.session_id == session_id]
            for key in mine[:max(0, len(mine) - self._per_session + 1)]:
                del self._files[key]
            self._files[ticket] = Download(session_id, content, file_name, mimetype,
                                           now + self._lifetime)
        return PREFIX + ticket.encode()

    def find(self, stored: bytes, session_id: int) -> Download | None:
        """The file ``stored`` (what Streamlit stored) stands for, if it was made for
        ``session_id`` and has not been taken or expired; it stays."""
        return self._lookup(stored, session_id, take=False)

    def take(self, stored: bytes, session_id: int) -> Download | None:
        """As ``find``, and forgotten: a second request for it finds nothing."""
        return self._lookup(stored, session_id, take=True)

    def __len__(self) -> int:
        with self._lock:
            self._drop_expired(self._clock())
            return len(self._files)

    def _lookup(self, stored: bytes, session_id: int, *, take: bool) -> Download | None:
        if not stored.startswith(PREFIX):
            return None
        ticket = stored[len(PREFIX):].decode("ascii", "replace")
        with self._lock:
            self._drop_expired(self._clock())
            found = self._files.get(ticket)
            if found is None or found.session_id != session_id:
                return None  # another session's file stays for its own session
            if take:
                del self._files[ticket]
            return found

    def _drop_expired(self, now: float) -> None:
        for key in [key for key, found in self._files.items() if found.expires_at < now]:
            del self._files[key]


TICKETS = Tickets()
