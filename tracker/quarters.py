"""Quarters of a plan: the one place where quarter maths lives.

A quarter is written ``2026-Q3`` in files, the CLI, URLs and the database. With a fiscal-year
start month other than January, quarter 1 begins in that month and the fiscal year is named
after the calendar year in which it ends, so ``2027-Q1`` of a July plan is July–September 2026.
The stored text sorts in time order, which the SQL of ``tracker.metrics`` relies on.

Services take and return ``Quarter``; text becomes a ``Quarter`` once, where it comes in (a
widget, a URL, a CLI argument, a workbook cell, a database column), and a ``Quarter`` becomes
text only to be stored, put in a URL or a file, or shown (``label``, from the catalogs).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from tracker.i18n import t

_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})\s*[-/ ]?\s*[QT](?P<q>[1-4])$"),
    re.compile(r"^[QT](?P<q>[1-4])\s*[-/ ]?\s*(?P<year>\d{4})$"),
)

class QuarterError(ValueError):
    """A text that is not a quarter in any accepted spelling."""


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """A quarter of a fiscal year: ordering, arithmetic, parsing and formatting."""

    year: int
    q: int

    def __post_init__(self) -> None:
        if not 1 <= self.q <= 4:
            raise QuarterError(f"quarter number must be 1 to 4, not {self.q}")
        if not 1000 <= self.year <= 9999:
            raise QuarterError(f"year must have four digits, not {self.year}")

    @classmethod
    def parse(cls, text: object) -> Quarter:
        """Read ``2026-Q3``, ``2026Q3``, ``Q3 2026``, ``T3 2026``, ``2026-T3`` (any case)."""
        if isinstance(text, Quarter):
            return text
        return _parsed(str(text))

    @classmethod
    def from_ordinal(cls, ordinal: int) -> Quarter:
        return cls(ordinal // 4, ordinal % 4 + 1)

    @classmethod
    def containing(cls, day: date, fiscal_start_month: int = 1) -> Quarter:
        """The quarter of a plan whose fiscal year starts in ``fiscal_start_month``."""
        months_into_year = (day.month - fiscal_start_month) % 12
        year = day.year + (1 if fiscal_start_month > 1 and day.month >= fiscal_start_month else 0)
        return cls(year, months_into_year // 3 + 1)

    @classmethod
    def last_ended(cls, day: date, fiscal_start_month: int = 1) -> Quarter:
        """The last quarter that has ended by ``day``: the one a commission reports on."""
        return cls.containing(day, fiscal_start_month) - 1

    @property
    def ordinal(self) -> int:
        """A running number: consecutive quarters differ by one."""
        return self.year * 4 + self.q - 1

    def __str__(self) -> str:
        return f"{self.year}-Q{self.q}"

    def label(self, lang: str = "en") -> str:
        """The form shown in ``lang`` (catalog key ``quarter.label``): ``T3 2026``, ``Q3 2026``."""
        return t("quarter.label", lang, q=self.q, year=self.year)

    def __add__(self, quarters: int) -> Quarter:
        return Quarter.from_ordinal(self.ordinal + quarters)

    def __sub__(self, other: int) -> Quarter:
        return Quarter.from_ordinal(self.ordinal - other)

    def span_to(self, last: Quarter) -> int:
        """Quarters from this one to ``last``, both included (0 when ``last`` is earlier)."""
        return max(0, last.ordinal - self.ordinal + 1)

    def first_day(self, fiscal_start_month: int = 1) -> date:
        start_year = self.year - (1 if fiscal_start_month > 1 else 0)
        months = (fiscal_start_month - 1) + (self.q - 1) * 3
        return date(start_year + months // 12, months % 12 + 1, 1)

    def last_day(self, fiscal_start_month: int = 1) -> date:
        first = self.first_day(fiscal_start_month)
        months = first.month - 1 + 2
        year, month = first.year + months // 12, months % 12 + 1
        return date(year, month, calendar.monthrange(year, month)[1])


def quarter_range(first: Quarter, last: Quarter) -> Iterator[Quarter]:
    """Every quarter from ``first`` to ``last``, both included."""
    for ordinal in range(first.ordinal, last.ordinal + 1):
        yield Quarter.from_ordinal(ordinal)


def clamp(quarter: Quarter, first: Quarter, last: Quarter) -> Quarter:
    return max(first, min(quarter, last))


def under_evaluation(today: date, first: Quarter, last: Quarter,
                     fiscal_start_month: int = 1) -> Quarter:
    """The quarter under evaluation: the last one that has ended, clamped to the plan's span.

    A quarter is reported after it ends, so on 2026-11-24 the commission evaluates 2026-Q3.
    """
    return clamp(Quarter.last_ended(today, fiscal_start_month), first, last)


@functools.lru_cache(maxsize=1024)
def _parsed(text: str) -> Quarter:
    """``Quarter.parse`` of a text, worked out once: an import or a query's rows repeat the
    same few dozen quarters tens of thousands of times (a ``Quarter`` is immutable)."""
    cleaned = text.strip().upper()
    for pattern in _PATTERNS:
        match = pattern.match(cleaned)
        if match:
            return Quarter(int(match["year"]), int(match["q"]))
    raise QuarterError(f"not a quarter: {text!r} (write it like 2026-Q3)")
