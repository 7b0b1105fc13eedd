"""Factories with fixed quarters, through the same services the product uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from tracker.models import (
    ActionItem,
    Institution,
    ItemSupport,
    Plan,
    ReportState,
    Status,
    StrategicLine,
)
from tracker.quarters import Quarter
from tracker.services import plans
from tracker.services.permissions import SYSTEM
from tracker.services.reports import ReportContent, append_revision


@dataclass
class PlanBuilder:
    session: Session
    name: str = "Test plan"
    first: str = "2026-Q1"
    last: str = "2026-Q4"
    plan: Plan = field(init=False)
    institutions: dict[str, Institution] = field(default_factory=dict)
    lines: dict[str, StrategicLine] = field(default_factory=dict)
    items: dict[str, ActionItem] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.plan = plans.create_plan(self.session, SYSTEM, Plan(
            name=self.name, commission="Test commission", first_quarter=self.first,
            last_quarter=self.last))

    def institution(self, acronym: str, country: str = "EC") -> Institution:
        institution = Institution(acronym=acronym, name=f"{acronym} institution",
                                  country=country)
        self.session.add(institution)
        self.session.flush()
        self.institutions[acronym] = institution
        return institution

    def line(self, code: str, name: str | None = None) -> StrategicLine:
        line = StrategicLine(plan_id=self.plan.id, code=code, name=name or f"Line {code}")
        self.session.add(line)
        self.session.flush()
        self.lines[code] = line
        return line

    def item(self, code: str, *, line: str, lead: str, start: str, due: str,
             weight: float = 1.0, supporters: tuple[str, ...] = (),
             target: float | None = None) -> ActionItem:
        item = ActionItem(plan_id=self.plan.id, code=code, title=f"Item {code}",
                          line_id=self.lines[line].id,
                          lead_institution_id=self.institutions[lead].id,
                          start_quarter=start, due_quarter=due, weight=weight,
                          indicator="things done" if target else None, target=target)
        self.session.add(item)
        self.session.flush()
        for acronym in supporters:
            self.session.add(ItemSupport(item_id=item.id,
                                         institution_id=self.institutions[acronym].id))
        self.session.flush()
        self.items[code] = item
        return item

    def report(self, code: str, quarter: str | Quarter, institution: str | None = None, *,
               status: Status | None = Status.IN_PROGRESS, percent: float | None = None,
               state: ReportState = ReportState.APPROVED, nothing: bool = False,
               value: float | None = None) -> None:
        item = self.items[code]
        institution_id = (self.institutions[institution].id if institution
                          else item.lead_institution_id)
        append_revision(
            self.session, item_id=item.id, quarter=Quarter.parse(quarter),
            institution_id=institution_id,
            content=ReportContent(status=None if nothing else status, percent_complete=percent,
                                  indicator_value=value, nothing_to_report=nothing),
            state=state, author_id=None,
        )
        self.session.flush()
