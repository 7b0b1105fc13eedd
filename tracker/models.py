"""The tracker's tables (SQLModel). Alembic owns the schema: see ``tracker/migrations/``.

Quarters are stored as text in the ``2026-Q3`` form (see ``tracker.quarters``) and read and
written as ``Quarter`` through ``QuarterType``; states and statuses as their enum's value,
read as the enum's member (``EnumText``). Nothing here holds data about trafficked persons:
the tracker records what institutions do.

Primary keys are typed ``int`` although a row has none until it is flushed: every row the
code passes around has been stored, and ``int | None`` would ask for a check at each use.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Self, TypedDict, TypeVar

from pydantic import PlainSerializer
from sqlalchemy import Column, Dialect, Index, String, Text, TypeDecorator, UniqueConstraint, event
from sqlmodel import Field, Session, SQLModel

from tracker.errors import InvalidInput
from tracker.quarters import Quarter
from tracker.rules import limit
from tracker.states import COUNTING_STATES as COUNTING_STATES
from tracker.states import PeriodState as PeriodState
from tracker.states import ReportState as ReportState
from tracker.states import RequestState as RequestState
from tracker.states import Role as Role
from tracker.states import Status as Status


class QuarterType(TypeDecorator[Quarter]):
    """A quarter column: ``VARCHAR(7)`` holding ``2026-Q3`` (text that sorts in time order),
    read as a ``Quarter``; a ``Quarter`` (or a text ``Quarter.parse`` reads) is written, and a
    comparison in a query (``==``, ``<=``, ``IN``) binds its ``Quarter`` through here too."""

    impl = String(7)
    cache_ok = True

    def process_bind_param(self, value: Quarter | str | None, dialect: Dialect) -> str | None:
        return None if value is None else str(Quarter.parse(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Quarter | None:
        return None if value is None else Quarter.parse(value)

    @property
    def python_type(self) -> type[Quarter]:
        return Quarter


# A quarter field of a table: dumped (``model_dump``, the audit's JSON) as its ``2026-Q3`` text
QuarterField = Annotated[Quarter, PlainSerializer(str, return_type=str)]


class EnumText(TypeDecorator[StrEnum]):
    """A state or status column: ``VARCHAR(20)`` holding the enum's value, read as its member."""

    impl = String(20)
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)

    @property
    def python_type(self) -> type[StrEnum]:
        return self.enum


@event.listens_for(Session, "before_flush")
def _refuse_nul_bytes(session: Session, _context: object, _instances: object) -> None:
    """No text with a NUL byte reaches a table, whichever form or service wrote it:
    PostgreSQL refuses it with an error no user could read, and no one types it. Here, with
    the tables: whatever flushes a row has imported them (``tracker.db`` needs no ORM)."""
    for entity in (*session.new, *session.dirty):
        if any(isinstance(value, str) and "\x00" in value for value in vars(entity).values()):
            raise InvalidInput("error.invalid_text")


T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


TIME_ZONE_LENGTH = 64


def default_time_zone() -> str:
    """A new plan's zone: the ``TRACKER_TIME_ZONE`` setting."""
    from tracker.settings import get_settings

    return get_settings().time_zone


class ContentKind(StrEnum):
    """What a content field holds, which says how each place draws, reads and checks it."""

    STATUS = "status"  # a ``Status``, chosen from the list
    PERCENT = "percent"  # 0 to 100 (``rules.PERCENT``)
    AMOUNT = "amount"  # the indicator's value: a finite number, not negative
    LINK = "link"  # an evidence link (``rules.link_ok``)
    TEXT = "text"  # a member's words, on several lines
    FLAG = "flag"  # yes or no


@dataclass(frozen=True)
class ContentField:
    """One field of a report's content, as the table, the form, the worklist, the review,
    the import, the export and the conflict view see it (``CONTENT_FIELDS``)."""

    name: str  # ``ReportContent``'s attribute, the revision's column, the template's column
    kind: ContentKind
    spanish: str  # the template's Spanish header
    form_key: str  # its widget's key on the report form; its label there is ``form.<key>``
    figure: bool = False  # a figure of the item: none when there is nothing to report
    required: bool = False  # unless there is nothing to report
    paired: bool = False  # drawn two in a row at the top of the form, in this order

    @property
    def label(self) -> str:
        """The catalog key of its label on the report form."""
        return f"form.{self.form_key}"

    @property
    def title(self) -> str:
        """The catalog key of its name on its own (the conflict view)."""
        return f"form.field.{self.name}"


def _content(default: T, kind: ContentKind, spanish: str, *, key: str | None = None,
             figure: bool = False, required: bool = False, paired: bool = False) -> T:
    """A field of ``ReportContent`` with what the other places need to know of it."""
    return field(default=default, metadata={"spec": {
        "kind": kind, "spanish": spanish, "form_key": key, "figure": figure,
        "required": required, "paired": paired}})


@dataclass(frozen=True)
class ReportContent:
    """What an institution says about an item for a quarter (a revision's content columns).

    The one declaration of the report's content: the fields below, in the template's order,
    each with what the form, the import and the export need (``CONTENT_FIELDS``); the
    revision table's columns are tested to match. A plain value, below the services, so that
    the import's parsing (``tracker.io``) and the report workflow (``tracker.services``) read
    and write the same thing."""

    status: Status | None = _content(None, ContentKind.STATUS, "estado", figure=True,
                                     required=True, paired=True)
    percent_complete: float | None = _content(None, ContentKind.PERCENT, "porcentaje_avance",
                                              key="percent", figure=True, required=True,
                                              paired=True)
    indicator_value: float | None = _content(None, ContentKind.AMOUNT, "valor_indicador",
                                             key="indicator", figure=True, paired=True)
    narrative: str = _content("", ContentKind.TEXT, "narrativa")
    obstacles: str = _content("", ContentKind.TEXT, "obstaculos")
    next_steps: str = _content("", ContentKind.TEXT, "proximos_pasos")
    evidence_link: str | None = _content(None, ContentKind.LINK, "enlace_evidencia",
                                         key="link", paired=True)
    nothing_to_report: bool = _content(False, ContentKind.FLAG, "nada_que_reportar",
                                       key="nothing")

    @classmethod
    def of(cls, row: object, **others: object) -> Self:
        """The content of a stored version (or any row with its columns), typed; a subclass
        gets its own fields from ``others``."""
        values: dict[str, Any] = {spec.name: _typed(spec, getattr(row, spec.name))
                                  for spec in CONTENT_FIELDS} | others
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        """The content columns as stored, by name (a status as its word)."""
        return {spec.name: _stored(spec, getattr(self, spec.name)) for spec in CONTENT_FIELDS}


def _typed(spec: ContentField, value: object) -> object:
    if spec.kind is ContentKind.STATUS:
        return Status(str(value)) if value else None
    return value


def _stored(spec: ContentField, value: object) -> object:
    if spec.kind is ContentKind.STATUS:
        return Status(str(value)).value if value else None
    return value


CONTENT_FIELDS: tuple[ContentField, ...] = tuple(
    ContentField(spec.name, **spec.metadata["spec"] | {
        "form_key": spec.metadata["spec"]["form_key"] or spec.name})
    for spec in fields(ReportContent))


class Institution(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    acronym: str = Field(max_length=limit("institution", "acronym"), unique=True)
    name: str = Field(max_length=limit("institution", "name"))
    country: str = Field(max_length=limit("institution", "country"),
                         description="ISO 3166 alpha-2")
    kind: str | None = Field(default=None, max_length=limit("institution", "kind"))


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    display_name: str = Field(max_length=200)
    institution_id: int | None = Field(default=None, foreign_key="institution.id", index=True)
    language: str = Field(default="es", max_length=2)
    password_hash: str | None = Field(default=None, max_length=300)
    is_active: bool = True
    is_admin: bool = False
    # set when someone else chose the password (a new account, a reset): changed at sign-in
    must_change_password: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class Plan(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=limit("plan", "name"), unique=True)
    commission: str = Field(default="", max_length=limit("plan", "commission"))
    first_quarter: QuarterField = Field(sa_type=QuarterType)
    last_quarter: QuarterField = Field(sa_type=QuarterType)
    fiscal_year_start_month: int = 1
    # IANA name: the zone in which the plan's times are shown and its deadlines end
    time_zone: str = Field(default_factory=default_time_zone, max_length=TIME_ZONE_LENGTH)
    archived: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class RoleGrant(SQLModel, table=True):
    """A role on one plan (``admin`` is global: ``User.is_admin``)."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "plan_id", "role"),)

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    role: str = Field(max_length=20)


class StrategicLine(SQLModel, table=True):
    __tablename__ = "strategic_line"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    code: str = Field(max_length=limit("strategic_line", "code"))
    name: str = Field(max_length=limit("strategic_line", "name"))


class ItemSupport(SQLModel, table=True):
    """A supporting institution of an action item."""

    __tablename__ = "item_support"

    item_id: int = Field(foreign_key="action_item.id", primary_key=True)
    institution_id: int = Field(foreign_key="institution.id", primary_key=True, index=True)


class ActionItem(SQLModel, table=True):
    __tablename__ = "action_item"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    code: str = Field(max_length=limit("action_item", "code"))
    title: str = Field(max_length=limit("action_item", "title"))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    line_id: int = Field(foreign_key="strategic_line.id", index=True)
    lead_institution_id: int = Field(foreign_key="institution.id", index=True)
    start_quarter: QuarterField = Field(sa_type=QuarterType)
    due_quarter: QuarterField = Field(sa_type=QuarterType)
    indicator: str | None = Field(default=None,
                                  max_length=limit("action_item", "indicator"))
    unit: str | None = Field(default=None, max_length=limit("action_item", "unit"))
    baseline: float | None = None
    target: float | None = None
    weight: float = 1.0
    archived: bool = False
    decision_id: int | None = Field(default=None, foreign_key="decision.id")
    version: int = 1


class ItemValues(TypedDict):
    """An action item's values as the plan form and the import write them (its plan, its
    bookkeeping and its decision aside)."""

    code: str
    title: str
    description: str
    line_id: int
    lead_institution_id: int
    start_quarter: Quarter
    due_quarter: Quarter
    indicator: str | None
    unit: str | None
    baseline: float | None
    target: float | None
    weight: float


class Report(SQLModel, table=True):
    """One institution's report on one item for one quarter; its content lives in revisions.

    ``counting_revision_id`` points to the revision that counts in the figures (submitted or
    approved); ``latest_revision_id`` to the newest one, which may be a draft on top of it.
    ``version`` is the optimistic-locking counter: every write checks and bumps it.
    """

    __table_args__ = (
        UniqueConstraint("item_id", "quarter", "institution_id"),
        Index("ix_report_item_institution_quarter", "item_id", "institution_id", "quarter"),
    )

    id: int = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="action_item.id")
    quarter: QuarterField = Field(sa_type=QuarterType, index=True)
    institution_id: int = Field(foreign_key="institution.id", index=True)
    version: int = 1
    # No foreign keys here: report and report_revision would reference each other.
    latest_revision_id: int | None = None
    counting_revision_id: int | None = None


class ReportRevision(SQLModel, table=True):
    """An immutable version of a report. Earlier versions stay as the report's history."""

    __tablename__ = "report_revision"
    __table_args__ = (UniqueConstraint("report_id", "number", name="uq_report_revision_number"),)

    id: int = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    number: int
    state: ReportState = Field(sa_type=EnumText(ReportState))
    status: Status | None = Field(default=None, sa_type=EnumText(Status))
    percent_complete: float | None = None
    indicator_value: float | None = None
    narrative: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    obstacles: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    next_steps: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    evidence_link: str | None = Field(default=None,
                                      max_length=limit("report", "evidence_link"))
    nothing_to_report: bool = False
    review_comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    author_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class ReportingPeriod(SQLModel, table=True):
    __tablename__ = "reporting_period"
    __table_args__ = (UniqueConstraint("plan_id", "quarter"),)

    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    quarter: QuarterField = Field(sa_type=QuarterType)
    state: PeriodState = Field(default=PeriodState.UPCOMING, sa_type=EnumText(PeriodState))
    deadline: date | None = None
    locked_at: datetime | None = None
    locked_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")


class Meeting(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    quarter: QuarterField = Field(sa_type=QuarterType)
    held_on: date
    place: str = Field(default="", max_length=limit("meeting", "place"))
    minutes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class MeetingAttendance(SQLModel, table=True):
    __tablename__ = "meeting_attendance"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    institution_id: int = Field(foreign_key="institution.id", primary_key=True)


class Decision(SQLModel, table=True):
    """A decision of a meeting; it may become an action item (``ActionItem.decision_id``)."""

    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    owner_institution_id: int | None = Field(default=None, foreign_key="institution.id")
    due_quarter: QuarterField | None = Field(default=None, sa_type=QuarterType)


class ReopenRequest(SQLModel, table=True):
    __tablename__ = "reopen_request"

    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    quarter: QuarterField = Field(sa_type=QuarterType)
    requested_by_id: int = Field(foreign_key="app_user.id")
    reason: str = Field(sa_column=Column(Text, nullable=False))
    state: RequestState = Field(default=RequestState.PENDING,
                                sa_type=EnumText(RequestState))
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # the institution whose reports a grant makes editable again (``services.lifecycle``)
    # through ``ends_on``, set with the grant; it says it has finished or a coordinator ends
    # it sooner (``ended_at``, by whom: ``ends_on`` becomes that day)
    institution_id: int | None = Field(default=None, foreign_key="institution.id")
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    ends_on: date | None = None
    ended_at: datetime | None = None
    ended_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    seen_at: datetime | None = None  # when the member read the coordinator's answer


class QuarterSnapshot(SQLModel, table=True):
    """The figures of a quarter "as presented" at the meeting that locked it (JSON)."""

    __tablename__ = "quarter_snapshot"

    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    quarter: QuarterField = Field(sa_type=QuarterType)
    figures: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: int = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    plan_id: int | None = Field(default=None, foreign_key="plan.id", index=True)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SignInSession(SQLModel, table=True):
    """A server-side sign-in session; the cookie holds the random id, this the hash of it."""

    __tablename__ = "signin_session"

    id: int = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=128, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class SignInCode(SQLModel, table=True):
    """A one-time code, good for a minute, that the browser trades for its session cookie.

    The sign-in form runs inside Streamlit, which cannot set an HttpOnly cookie; the browser
    posts this code to ``/api/session``, which sets the cookie. The session id itself never
    reaches the page.
    """

    __tablename__ = "signin_code"

    id: int = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=128, unique=True)
    session_id: int = Field(foreign_key="signin_session.id")
    expires_at: datetime
    used_at: datetime | None = None


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins per e-mail, whether or not an account has it (so none is revealed)."""

    __tablename__ = "signin_throttle"

    email: str = Field(max_length=254, primary_key=True)
    failures: int = 0
    locked_until: datetime | None = None


class Reminder(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    quarter: QuarterField = Field(sa_type=QuarterType)
    user_id: int = Field(foreign_key="app_user.id")
    sent_at: datetime = Field(default_factory=utcnow)
    channel: str = Field(default="email", max_length=20)
    missing_count: int = 0


class FormToken(SQLModel, table=True):
    """A form's submission, accepted once (``services.once``): the token the form was drawn
    with, stored in the transaction of its write, and what that write returned (a row's id,
    or a count), so that a second press of the same form does nothing and gets that back."""

    __tablename__ = "form_token"

    token: str = Field(max_length=64, primary_key=True)
    kind: str = Field(max_length=40)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    result: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


