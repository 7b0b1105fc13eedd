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
class MeetingHeadline:
    """The headline as the meeting shows it: ``metrics.Headline`` with its buckets counted
    one by one."""

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
class NoteReport:
    """One institution's counting report of the quarter on an item needing attention, as the
    speaker notes show it."""

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
    contributions: tuple[NoteReport, ...]


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
    headline: MeetingHeadline
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
          contributions: Mapping[str, Sequence[NoteReport]] | None = None
          ) -> MeetingContent:
    """The meeting's content from the quarter's figures (live or as presented).

    ``contributions``: item code -> the institutions' reports of the quarter; when ``None``
    they are read from the figures' ``notes`` (kept in snapshots since they were added).
    """
    head = figures["headline"]
    buckets = head.get("buckets", {})
    headline = MeetingHeadline(
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
        from_notes: dict[str, list[NoteReport]] = {}
        for row in figures.get("notes") or []:
            from_notes.setdefault(str(row["code"]), []).append(NoteReport(
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


def progress_text(head: MeetingHeadline, lang: str) -> str:
    return t("deck.progress_line", lang, progress=percent(head.progress, lang),
             expected=percent(head.expected, lang))


def completeness_text(head: MeetingHeadline, lang: str) -> str:
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
    # a line or institution by its code and name ("1 · Prevención"): a code alone says nothing
    return t("summary.groups", lang, title=title,
             groups=plural("summary.group_count", lang, len(groups),
                           count=number(len(groups), lang, 0)),
             top=top.display, top_value=percent(top_value, lang), low=low.display,
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


def note_lines(notes: Sequence[Note], lang: str) -> list[str]:
    """Speaker notes: for each item behind, overdue or blocked, each institution's narrative
    and obstacles of the quarter (every one of them: notes scroll)."""
    lines: list[str] = []
    for note in notes:
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
    return lines or [t("notes.none", lang)]


def bucket_summary(counts: Mapping[str, int], title: str, lang: str) -> str:
    """"Title: 3 items completed, 1 item behind…" for a chart of schedule buckets."""
    parts = [count_text(status, counts.get(status, 0), lang)
             for status in ("completed", "on_track", "behind", "overdue")]
    return f"{title}: {', '.join(parts)}."


def attention_rows_summary(rows: Sequence[ItemLine], title: str, lang: str) -> str:
    return t("summary.attention", lang, title=title,
             items=plural("summary.item_count", lang, len(rows),
                          count=number(len(rows), lang, 0)),
             overdue=number(sum(1 for r in rows if r.bucket == "overdue"), lang, 0))


# ---- the meeting's slides: as many as the content needs ------------------------------------
#
# One rule for the deck and the presentation: each list (items needing a decision, decisions,
# indicators) and each chart of groups is cut into slides by a budget of lines of the smallest
# slide type, counting each row's wrapped lines, and the pages are balanced (13 rows are 7 + 6,
# not 12 + 1). The deck then sets each page in the largest type at which it fills its slide.

LINE_EM = 1.2  # a line's height, in em
SMALLEST_TYPE = 14  # points: the smallest table type on a slide, readable from a room's back
SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN = 12.33, 5.35  # the content area of a 16:9 slide, inches
CELL_MARGIN_IN, ROW_MARGIN_IN = 0.1, 0.04  # a cell's margins: each side, above and below
CELL_LINES = 6  # lines one cell may take on a slide; a longer text ends in "…" (in full in the
#                 speaker notes and the handout)
CHART_ROWS = 12  # bars of one chart on one slide
INDICATOR_ROWS = 12  # indicators on one slide: its chart's bars stay readable
ATTENTION_SHARES = (0.235, 0.11, 0.09, 0.095, 0.115, 0.355)
DECISION_SHARES = (0.54, 0.15, 0.13, 0.18)
INDICATOR_SHARES = (0.50, 0.24, 0.13, 0.13)
# Character widths in em of the slides' sans-serif type (Calibri's metrics, which Carlito
# shares), by class, with a margin for bold headers and other renderers' fonts: measured,
# a line of Spanish prose averages 0.40 em a character.
NARROW, WIDE = frozenset("fijlrtI .,;:·'!|()[]-"), frozenset("mwMW%…@—")
CAPITALS, SAFETY = 0.6, 1.03


def _em(character: str) -> float:
    if character in NARROW:
        return 0.28
    if character in WIDE:
        return 0.82
    return CAPITALS if character.isupper() else 0.52


def text_em(text: str) -> float:
    """The width of ``text`` in em (an estimate from each character's class)."""
    return SAFETY * sum(_em(character) for character in text)


def wrapped(text: str, width_em: float) -> list[str]:
    """``text`` cut into lines no wider than ``width_em`` (its own line breaks kept; a word
    wider than a line is cut)."""
    space = text_em(" ")
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line: list[str] = []
        used = 0.0
        for word in paragraph.split():
            width = text_em(word)
            if line and used + space + width <= width_em:
                line.append(word)
                used += space + width
                continue
            if line:
                lines.append(" ".join(line))
            while width > width_em:  # a word longer than the line: cut it
                cut = next((i for i in range(len(word) - 1, 0, -1)
                            if text_em(word[:i]) <= width_em), 1)
                lines.append(word[:cut])
                word = word[cut:]
                width = text_em(word)
            line, used = [word], width
        lines.append(" ".join(line))
    return lines


def column_em(share: float, size: float = SMALLEST_TYPE) -> float:
    """The width of a column of ``share`` of the slide, inside its margins, in em of ``size``."""
    return (share * SLIDE_WIDTH_IN - 2 * CELL_MARGIN_IN) / (size / 72)


def fitted(text: str, share: float, lines: int = CELL_LINES) -> str:
    """``text`` as one slide cell of ``share`` of the width holds it: at most ``lines``
    lines of the smallest type."""
    text, width = " ".join(text.split()), column_em(share)
    kept = wrapped(text, width)
    if len(kept) <= lines:
        return text
    short = " ".join(kept[:lines])
    while len(wrapped(short + "…", width)) > lines:
        short = short[:-1]
    return short.rstrip() + "…"


def row_height(cells: Sequence[str], shares: Sequence[float],
               size: float = SMALLEST_TYPE) -> float:
    """A table row's height in inches at ``size`` pt: its tallest cell, wrapped, with margins."""
    lines = max(len(wrapped(text, column_em(share, size)))
                for text, share in zip(cells, shares, strict=True))
    return lines * LINE_EM * size / 72 + 2 * ROW_MARGIN_IN


@dataclass(frozen=True)
class Table:
    """A list as a slide shows it: the header and every row's cells, fitted to a cell."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    shares: tuple[float, ...]

    def pages(self, most: int | None = None) -> list[range]:
        budget = SLIDE_HEIGHT_IN - row_height(self.header, self.shares)
        return split([row_height(row, self.shares) for row in self.rows], budget, most)

    def height(self, rows: range, size: float) -> float:
        """Inches the header and ``rows`` take at ``size`` pt."""
        return sum(row_height(cells, self.shares, size)
                   for cells in (self.header, *(self.rows[i] for i in rows)))

    def fits(self, rows: range, size: float) -> bool:
        """Whether the header and ``rows`` fit the slide at ``size`` pt with no word cut."""
        return self.height(rows, size) <= SLIDE_HEIGHT_IN and all(
            text_em(word) <= column_em(share, size)
            for cells in (self.header, *(self.rows[i] for i in rows))
            for text, share in zip(cells, self.shares, strict=True) for word in text.split())


def _greedy(costs: Sequence[float], cap: float, most: int) -> list[range]:
    pages: list[range] = []
    start, used = 0, 0.0
    for index, cost in enumerate(costs):
        if index > start and (used + cost > cap or index - start >= most):
            pages.append(range(start, index))
            start, used = index, 0.0
        used += cost
    return [*pages, range(start, len(costs))]


def split(costs: Sequence[float], budget: float, most: int | None = None) -> list[range]:
    """Consecutive pages of rows whose ``costs`` fit ``budget`` (at most ``most`` rows a page):
    as few pages as fit, as even as they can be (a row too big for any page has one alone)."""
    if not costs:
        return [range(0)]
    most = most or len(costs)
    fewest = len(_greedy(costs, budget, most))
    low, high = 0.0, max(budget, max(costs))
    for _ in range(40):  # the smallest cap that needs no more pages
        middle = (low + high) / 2
        if len(_greedy(costs, middle, most)) <= fewest:
            high = middle
        else:
            low = middle
    return _greedy(costs, high, most)


def attention_table(rows: Sequence[ItemLine], lang: str) -> Table:
    shares = ATTENTION_SHARES
    return Table(
        (t("item.choose", lang), t("chart.axis.institution", lang),
         t("chart.series.progress", lang), t("chart.series.expected", lang),
         t("item.schedule", lang), t("form.obstacles", lang)),
        tuple((fitted(f"{r.code} · {r.title}", shares[0]), fitted(r.lead, shares[1]),
               percent(r.progress, lang), percent(r.expected, lang),
               t(f"schedule.{r.bucket}", lang), fitted(r.obstacles, shares[5]) or EMPTY)
              for r in rows),
        shares)


def decision_table(rows: Sequence[DecisionLine], lang: str) -> Table:
    shares = DECISION_SHARES
    return Table(
        (t("deck.col.decision", lang), t("deck.col.owner", lang), t("deck.col.due", lang),
         t("deck.col.follow_up", lang)),
        tuple((fitted(d.text, shares[0]), fitted(d.owner or EMPTY, shares[1]),
               d.due.label(lang) if d.due else EMPTY, decision_follow_up(d, lang))
              for d in rows),
        shares)


def indicator_table(rows: Sequence[Indicator], lang: str) -> Table:
    shares = INDICATOR_SHARES
    return Table(
        (t("plan.indicator", lang), t("deck.col.value", lang), t("deck.col.achieved", lang),
         t("item.schedule", lang)),
        tuple((fitted(f"{r.code} · {r.indicator or r.title}", shares[0]),
               fitted(indicator_value(r, lang), shares[1]),
               percent(r.achieved, lang),
               t(f"schedule.{r.bucket}", lang) if r.bucket != "not_in_scope" else EMPTY)
              for r in rows),
        shares)


SLIDE_KINDS = ("title", "headline", "by_line", "by_institution", "trend", "attention",
               "decisions", "indicators")


@dataclass(frozen=True)
class Slide:
    """One slide of the meeting: its kind and, for a list or a chart of groups cut into
    several slides, which page of them it is and the rows of the list it shows."""

    kind: str
    page: int = 1
    pages: int = 1
    rows: range = range(0)

    def heading(self, title: str, lang: str) -> str:
        """``title``, numbered when the content takes several slides: "Indicators (2 of 3)"."""
        if self.pages == 1:
            return title
        return t("deck.page", lang, title=title, page=number(self.page, lang, 0),
                 pages=number(self.pages, lang, 0))


def _pages(kind: str, pages: Sequence[range]) -> list[Slide]:
    return [Slide(kind, index, len(pages), rows) for index, rows in enumerate(pages, 1)]


def slides(content: MeetingContent, lang: str) -> tuple[Slide, ...]:
    """Every slide of the meeting, in order: as many as the content needs."""
    return tuple([
        Slide("title"), Slide("headline"),
        *_pages("by_line", split([1.0] * len(content.by_line), CHART_ROWS)),
        *_pages("by_institution", split([1.0] * len(content.by_institution), CHART_ROWS)),
        Slide("trend"),
        *_pages("attention", attention_table(content.attention, lang).pages()),
        *_pages("decisions", decision_table(content.decisions, lang).pages()),
        *_pages("indicators", indicator_table(content.indicators, lang).pages(INDICATOR_ROWS)),
    ])


def groups_of(content: MeetingContent, slide: Slide) -> tuple[Group, ...]:
    """The groups of a chart slide (by_line or by_institution)."""
    groups = content.by_line if slide.kind == "by_line" else content.by_institution
    return groups[slide.rows.start:slide.rows.stop]


def slide_notes(content: MeetingContent, slide: Slide) -> tuple[Note, ...]:
    """The speaker notes of a slide: the items on it (a page of the items needing a decision,
    the items led by the institutions or in the lines of a chart's page), else all of them."""
    if slide.kind == "attention":
        shown = {row.code for row in content.attention[slide.rows.start:slide.rows.stop]}
        return tuple(n for n in content.notes if n.item.code in shown or (
            slide.page == slide.pages and n.item.bucket not in ATTENTION))
    if slide.kind in ("by_line", "by_institution"):
        key = "line" if slide.kind == "by_line" else "lead"
        labels = {group.label for group in groups_of(content, slide)}
        ordered = sorted(content.notes, key=lambda n: getattr(n.item, key))
        if slide.pages == 1:
            return tuple(ordered)
        return tuple(n for n in ordered if getattr(n.item, key) in labels)
    return content.notes
