"""The words of the tracker's states and statuses, each declared once, here.

Their values are what the database stores (``tracker.models`` reads them back as these
members), what the workbook and the audit write, and what the catalogs' keys are built from
(``status.completed``, ``period.open``). A plain module, without SQLAlchemy or the models, so
that the SQL of ``tracker.metrics`` and the deck's reads (which never load the models) name
them too.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"
    OBSERVER = "observer"


class Status(StrEnum):
    """What a member reports about an action item."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class ReportState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


COUNTING_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)


class PeriodState(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    LOCKED = "locked"


class RequestState(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"


def sql_list(states: tuple[StrEnum, ...]) -> str:
    """``('submitted', 'approved')``: states as an SQL list, for SQL written as text."""
    return "(" + ", ".join(f"'{state.value}'" for state in states) + ")"
