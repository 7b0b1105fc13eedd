"""Fixtures of the service tests: a real SMTP server (aiosmtpd) that keeps what it receives, and
the small plan imported from a workbook with its coordinator (``existing``)."""

from __future__ import annotations

import email
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from tests.factories import actor_with_role
from tests.helpers import MINIMAL, free_port, write_workbook
from tracker.models import Role
from tracker.services import plans
from tracker.services.imports import import_path
from tracker.services.permissions import SYSTEM


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def inbox(monkeypatch) -> Iterator[Inbox]:
    """An SMTP server on a free port, which TRACKER_SMTP_* point at; its messages."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("TRACKER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRACKER_SMTP_PORT", str(port))
    monkeypatch.setenv("TRACKER_SMTP_STARTTLS", "0")
    monkeypatch.setenv("TRACKER_SMTP_FROM", "secretaria@demo.example")
    yield handler
    controller.stop()


@pytest.fixture
def existing(session, tmp_path):
    """Plan "Small plan" (tests/helpers.py's MINIMAL) with OIM and DINAPEN, and its
    coordinator Ana."""
    import_path(session, SYSTEM, write_workbook(tmp_path / "small.xlsx", MINIMAL))
    plan = plans.get_plan(session, "Small plan")
    ana = actor_with_role(session, "ana@example.org", Role.COORDINATOR, plan)
    return plan, ana
