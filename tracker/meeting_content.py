"""The review meeting's content for one quarter, built once and typed.

The deck (``tracker.deck``), the PDF handout (``tracker.handout``) and the presentation page
only render a ``MeetingContent``. It is made from the quarter's figures as
``tracker.services.meetings.quarter_figures`` returns them — live, or the "as presented"
snapshot of a locked quarter — so every view of the meeting shows the same thing. The text
summaries of the charts (alt text in the deck and the PDF, descriptions in the app) are
generated here from the same figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import SupportsFloat

from tracker.i18n import EMPTY, day, number, percent, plural, t
from tracker.quarters import Quarter

ATTENTION = ("behind", "overdue")
SLIDE_ROWS = 7  # attention rows on one slide, readable from the back of a room
LIST_ROWS = 10  # decisions and attention rows in the app and the handout
NOTE_ITEMS = 12  # items in one slide's speaker notes


def achieved(value: float | None, baseline: float | None, target: float | None
             ) -> float | None:
    """How far an indicator went from its baseline to its target, in % (100 = reached).

    ``None`` when there is no value or target, or when the target equals the baseline (no
    way to go): the one definition the charts, the deck and the handout share.
    """
    if value is None or target is None or value != value or target != target:
        return None
    start = baseline if baseline is not None and baseline == baseline else 0.0
    if target == start:
        return None
    return 100 * (value - start) / (target - start)


@dataclass(frozen=True)
class Headline:
    progress: float | None
    expected: float | None
    items_in_scope: int
    completed: int
    on_track: int
    behind: int
    overdue: int
    blocked: int
    completeness: float | None
    received_reports: int
    expected_reports: int

    def count(self, status: str) -> int:
        return int(getattr(self, status))


@dataclass(frozen=True)
class Group:
    """One bar of a progress-against-expected chart (a strategic line or an institution)."""

    label: str
    name: str
    progress: float | None
    expected: float | None
    items: int

    @property
    def display(self) -> str:
        return self.name if self.label == self.name else f"{self.label} · {self.name}"


@dataclass(frozen=True)
class TrendPoint:
    quarter: Quarter
    progress: float | None
    expected: float | None


@dataclass(frozen=True)
class ItemLine:
    """An item in scope with its figures at the quarter."""

    code: str
    title: str
    lead: str
    line: str
    bucket: str
    blocked: bool
    progress: float | None
    expected: float | None
    obstacles: str = ""  # the lead's latest obstacles (counting reports)


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str
    indicator: str
    unit: str
    baseline: float | None
    target: float
    value: float
    bucket: str

    @property
    def achieved(self) -> float | None:
        return achieved(self.value, self.baseline, self.target)


@dataclass(frozen=True)
class DecisionLine:
    """A decision of the last meeting and how it went (the item it became, if any)."""

    text: str
    owner: str | None
    due: Quarter | None
    item_code: str | None
    item_progress: float | None


@dataclass(frozen=True)
class Contribution:
    """One institution's report of the quarter on an item needing attention."""

    institution: str
    lead: bool
    status: str | None
    percent: float | None
    narrative: str
    obstacles: str


@dataclass(frozen=True)
class Note:
    """What the presenter may be asked about an item behind, overdue or blocked."""

    item: ItemLine
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class MeetingInfo:
    held_on: date
    present: tuple[str, ...]
    place: str = ""


@dataclass(frozen=True)
class MeetingContent:
    plan: str
    commission: str
    quarter: Quarter
    locked: bool
    generated: date
    headline: Headline
    by_line: tuple[Group, ...]
    by_institution: tuple[Group, ...]
    trend: tuple[TrendPoint, ...]
    attention: tuple[ItemLine, ...]  # behind or overdue: overdue first, then by lag
    indicators: tuple[Indicator, ...]
    decisions: tuple[DecisionLine, ...]
    notes: tuple[Note, ...]  # behind, overdue or blocked, in attention order
    meeting: MeetingInfo | None = None
    by_country: tuple[Group, ...] = field(default=())


def _float(value: SupportsFloat | str | None) -> float | None:
    if value is None:
        return None
    number_ = float(value)
    return None if number_ != number_ else number_


def _groups(records: Iterable[Mapping]) -> tuple[Group, ...]:
    return tuple(Group(str(r["label"]), str(r["name"]), _float(r.get("progress")),
                       _float(r.get("expected")), int(r.get("items") or 0)) for r in records)


def _attention_order(row: ItemLine) -> tuple[bool, float]:
    return row.bucket != "overdue", (row.progress or 0) - (row.expected or 0)


def build(figures: Mapping, *, plan: str, commission: str = "", locked: bool = False,
          generated: date | None = None, meeting: MeetingInfo | None = None,
          decisions: Sequence[DecisionLine] = (),
          contributions: Mapping[str, Sequence[Contribution]] | None = None
          ) -> MeetingContent:
    """The meeting's content from the quarter's figures (live or as presented).

    ``contributions``: item code -> the institutions' reports of the quarter; when ``None``
    they are read from the figures' ``notes`` (kept in snapshots since they were added).
    """
    head = figures["headline"]
    buckets = head.get("buckets", {})
    headline = Headline(
        progress=_float(head.get("progress")), expected=_float(head.get("expected")),
        items_in_scope=int(head.get("items_in_scope") or 0),
        completed=int(buckets.get("completed", 0)), on_track=int(buckets.get("on_track", 0)),
        behind=int(buckets.get("behind", 0)), overdue=int(buckets.get("overdue", 0)),
        blocked=int(head.get("blocked") or 0), completeness=_float(head.get("completeness")),
        received_reports=int(head.get("received_reports") or 0),
        expected_reports=int(head.get("expected_reports") or 0))
    obstacles = figures.get("obstacles") or {}
    items = [ItemLine(
        code=str(r["code"]), title=str(r["title"]), lead=str(r["lead"]),
        line=str(r.get("line_code") or ""), bucket=str(r["bucket"]),
        blocked=bool(r.get("blocked")), progress=_float(r.get("progress")),
        expected=_float(r.get("expected")), obstacles=str(obstacles.get(str(r["code"]), "")))
        for r in figures["items"] if r.get("in_scope", True) and r.get("bucket")]
    attention = sorted((i for i in items if i.bucket in ATTENTION), key=_attention_order)
    blocked = [i for i in items if i.blocked and i.bucket not in ATTENTION]
    indicators = []
    for r in figures["items"]:
        target, value = _float(r.get("target")), _float(r.get("indicator_value"))
        if target is None or value is None or not r.get("in_scope", True):
            continue
        indicators.append(Indicator(
            code=str(r["code"]), title=str(r["title"]), indicator=str(r.get("indicator") or ""),
            unit=str(r.get("unit") or ""), baseline=_float(r.get("baseline")), target=target,
            value=value, bucket=str(r.get("bucket") or "not_in_scope")))
    if contributions is None:
        from_notes: dict[str, list[Contribution]] = {}
        for row in figures.get("notes") or []:
            from_notes.setdefault(str(row["code"]), []).append(Contribution(
                institution=str(row["institution"]), lead=bool(row["lead"]),
                status=row.get("status"), percent=_float(row.get("percent")),
                narrative=str(row.get("narrative") or ""),
                obstacles=str(row.get("obstacles") or "")))
        contributions = from_notes
    notes = tuple(Note(item, tuple(contributions.get(item.code, ())))
                  for item in [*attention, *blocked])
    return MeetingContent(
        plan=plan, commission=commission, quarter=Quarter.parse(str(figures["quarter"])),
        locked=locked, generated=generated or date.today(), headline=headline,
        by_line=_groups(figures["by_line"]), by_institution=_groups(figures["by_institution"]),
        by_country=_groups(figures.get("by_country") or []),
        trend=tuple(TrendPoint(Quarter.parse(str(r["quarter"])), _float(r.get("progress")),
                               _float(r.get("expected"))) for r in figures["trend"]),
        attention=tuple(attention), indicators=tuple(indicators),
        decisions=tuple(decisions), notes=notes, meeting=meeting)


# ---- text generated from the content, in the meeting's language --------------------------


def quarter_label(content: MeetingContent, lang: str) -> str:
    return content.quarter.label(lang)


SOURCE_PLAN = 60  # characters of the plan's name in a footer, which stays one line (in full on
#                  the title slide and page)


def source_line(content: MeetingContent, lang: str) -> str:
    """The footer of each slide and page: the plan (its name shortened to one line of the
    footer), the quarter and the day of the figures."""
    plan = " ".join(content.plan.split())
    if len(plan) > SOURCE_PLAN:
        plan = plan[:SOURCE_PLAN - 1].rstrip() + "…"
    return t("deck.source", lang, plan=plan, quarter=quarter_label(content, lang),
             date=day(content.generated, lang))


def meeting_line(content: MeetingContent, lang: str) -> str | None:
    """"Meeting of 20 Oct 2026 · Quito · present: A, B" when the meeting was recorded."""
    if content.meeting is None:
        return None
    text = t("deck.meeting_on", lang, date=day(content.meeting.held_on, lang))
    if content.meeting.place:
        text += " · " + content.meeting.place
    if content.meeting.present:
        text += " · " + t("deck.present", lang, institutions=", ".join(content.meeting.present))
    return text


def count_text(status: str, count: int, lang: str) -> str:
    """"1 item behind" / "3 items behind", the plural form chosen by the count (CLDR)."""
    return plural(f"deck.count.{status}", lang, count, count=number(count, lang, 0))


def progress_text(head: Headline, lang: str) -> str:
    return t("deck.progress_line", lang, progress=percent(head.progress, lang),
             expected=percent(head.expected, lang))


def completeness_text(head: Headline, lang: str) -> str:
    return t("deck.completeness_line", lang, share=percent(head.completeness, lang),
             received=number(head.received_reports, lang, 0),
             expected=number(head.expected_reports, lang, 0))


def headline_summary(content: MeetingContent, lang: str) -> str:
    head = content.headline
    counts = ", ".join(count_text(s, head.count(s), lang)
                       for s in ("completed", "on_track", "behind", "overdue", "blocked"))
    return f"{progress_text(head, lang)}. {counts}. {completeness_text(head, lang)}."


def groups_summary(groups: Sequence[Group], title: str, lang: str) -> str:
    """A chart's alt text: how many groups, the highest and lowest, how many lag."""
    shown = [(g.progress, g) for g in groups if g.progress is not None]
    if not shown:
        return f"{title}. {t('chart.no_items', lang)}."
    top_value, top = max(shown, key=lambda shown_group: shown_group[0])
    low_value, low = min(shown, key=lambda shown_group: shown_group[0])
    lagging = sum(1 for progress, g in shown if g.expected is not None and progress < g.expected)
    return t("summary.groups", lang, title=title,
             groups=plural("summary.group_count", lang, len(groups),
                           count=number(len(groups), lang, 0)),
             top=top.label, top_value=percent(top_value, lang), low=low.label,
             low_value=percent(low_value, lang),
             lagging=plural("summary.lagging", lang, lagging, count=number(lagging, lang, 0)))


def trend_summary(content: MeetingContent, title: str, lang: str) -> str:
    return points_summary(content.trend, title, lang)


def points_summary(trend: Sequence[TrendPoint], title: str, lang: str) -> str:
    points = [p for p in trend if p.progress is not None]
    if not points:
        return f"{title}. {t('chart.no_items', lang)}."
    first, last = points[0], points[-1]
    return t("summary.trend", lang, title=title, first=first.quarter.label(lang),
             first_value=percent(first.progress, lang), last=last.quarter.label(lang),
             last_value=percent(last.progress, lang), expected=percent(last.expected, lang))


def indicators_summary(content: MeetingContent, title: str, lang: str) -> str:
    return indicator_rows_summary(content.indicators, title, lang)


def indicator_rows_summary(rows: Sequence[Indicator], title: str, lang: str) -> str:
    if not rows:
        return f"{title}. {t('deck.no_indicators', lang)}"
    reached = sum(1 for r in rows if (r.achieved or 0) >= 100)
    return t("summary.indicators", lang, title=title,
             indicators=plural("summary.indicator_count", lang, len(rows),
                               count=number(len(rows), lang, 0)),
             reached=number(reached, lang, 0))


def attention_summary(content: MeetingContent, title: str, lang: str) -> str:
    overdue = sum(1 for r in content.attention if r.bucket == "overdue")
    return t("summary.attention", lang, title=title,
             items=plural("summary.item_count", lang, len(content.attention),
                          count=number(len(content.attention), lang, 0)),
             overdue=plural("summary.overdue_of_them", lang, overdue,
                            count=number(overdue, lang, 0)))


def indicator_value(row: Indicator, lang: str) -> str:
    """"29.000 / 50.000 personas": value / target and unit, in the language's format."""
    digits = 0 if float(row.value).is_integer() and float(row.target).is_integer() else 1
    text = f"{number(row.value, lang, digits)} / {number(row.target, lang, digits)}"
    return f"{text} {row.unit}".strip()


def decision_follow_up(row: DecisionLine, lang: str) -> str:
    if row.item_code is None:
        return EMPTY
    if row.item_progress is None:
        return row.item_code
    return f"{row.item_code}: {percent(row.item_progress, lang)}"


def status_word(status: str | None, lang: str) -> str:
    return t(f"status.{status}", lang) if status else t("form.nothing_short", lang)


def note_lines(notes: Sequence[Note], lang: str, limit: int = NOTE_ITEMS) -> list[str]:
    """Speaker notes: for each item behind, overdue or blocked, each institution's narrative
    and obstacles of the quarter."""
    lines: list[str] = []
    for note in notes[:limit]:
        item = note.item
        state = t(f"schedule.{item.bucket}", lang)
        if item.blocked:
            state += " · " + t("bucket.blocked", lang)
        lines.append(f"{item.code} · {item.title} — {item.lead} · {state} · "
                     f"{percent(item.progress, lang)} / {percent(item.expected, lang)}")
        if not note.contributions:
            lines.append("  " + t("notes.no_report", lang))
        for part in note.contributions:
            role = t("notes.lead" if part.lead else "notes.support", lang)
            lines.append(f"  {part.institution} ({role}): {status_word(part.status, lang)}")
            if part.narrative:
                lines.append("    " + t("notes.narrative", lang, text=part.narrative))
            if part.obstacles:
                lines.append("    " + t("notes.obstacles", lang, text=part.obstacles))
    if len(notes) > limit:
        lines.append(t("chart.and_more", lang, count=len(notes) - limit))
    return lines or [t("notes.none", lang)]


def bucket_summary(counts: Mapping[str, int], title: str, lang: str) -> str:
    """"Title: 3 items completed, 1 item behind…" for a chart of schedule buckets."""
    parts = [count_text(status, counts.get(status, 0), lang)
             for status in ("completed", "on_track", "behind", "overdue")]
    return f"{title}: {', '.join(parts)}."
