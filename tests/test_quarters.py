from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.quarters import Quarter, QuarterError, clamp, quarter_range, under_evaluation

quarters = st.builds(Quarter, st.integers(1900, 2200), st.integers(1, 4))
months = st.integers(1, 12)


@pytest.mark.parametrize("text", ["2026-Q3", "2026Q3", "Q3 2026", "T3 2026", "2026-T3",
                                  " q3 2026 ", "t3-2026", "2026 Q3"])
def test_every_spelling_of_design_md_parses(text):
    assert Quarter.parse(text) == Quarter(2026, 3)


@pytest.mark.parametrize("text", ["2026-Q5", "Q0 2026", "2026", "26-Q3", "", "Q3", "2026-Q3x"])
def test_other_text_is_refused_with_a_hint(text):
    with pytest.raises(QuarterError, match="2026-Q3|quarter"):
        Quarter.parse(text)


def test_formats():
    quarter = Quarter(2026, 3)
    assert str(quarter) == "2026-Q3"
    assert quarter.label("es") == "T3 2026"
    assert quarter.label("en") == "Q3 2026"
    assert quarter.label("fr") == "Q3 2026"  # a language without a catalog reads English
    assert f"{quarter}" == "2026-Q3"  # messages that name a quarter show the canonical form


@given(quarters)
def test_text_round_trips(quarter):
    assert Quarter.parse(str(quarter)) == quarter
    assert Quarter.parse(quarter.label("es")) == quarter
    assert Quarter.parse(quarter.label("en")) == quarter


@given(quarters, quarters)
def test_stored_text_sorts_like_time(a, b):
    """The SQL of tracker.metrics compares the stored text: it must order like quarters."""
    assert (str(a) < str(b)) == (a < b)
    assert (a.ordinal < b.ordinal) == (a < b)


@given(quarters, st.integers(-40, 40))
def test_arithmetic_and_span(quarter, steps):
    later = quarter + steps
    assert later - steps == quarter
    if steps >= 0:
        assert quarter.span_to(later) == steps + 1
        assert len(list(quarter_range(quarter, later))) == steps + 1
    else:
        assert quarter.span_to(later) == 0


@given(quarters, months)
def test_quarters_tile_the_calendar(quarter, start_month):
    """Consecutive quarters leave no gap, each is three months long."""
    first, last = quarter.first_day(start_month), quarter.last_day(start_month)
    assert (quarter + 1).first_day(start_month) == last + timedelta(days=1)
    assert 89 <= (last - first).days + 1 <= 92


@given(st.dates(date(1950, 1, 1), date(2150, 12, 31)), months)
def test_a_day_lies_in_its_quarter(day, start_month):
    quarter = Quarter.containing(day, start_month)
    assert quarter.first_day(start_month) <= day <= quarter.last_day(start_month)


def test_fiscal_year_is_named_after_the_year_it_ends():
    # A July fiscal year: FY2027 Q1 is July-September 2026.
    assert Quarter.containing(date(2026, 8, 15), 7) == Quarter(2027, 1)
    assert Quarter(2027, 1).first_day(7) == date(2026, 7, 1)
    assert Quarter.containing(date(2026, 3, 1), 7) == Quarter(2026, 3)
    assert Quarter(2026, 4).last_day(7) == date(2026, 6, 30)
    assert Quarter.containing(date(2026, 11, 24)) == Quarter(2026, 4)


def test_clamp():
    first, last = Quarter(2025, 1), Quarter(2027, 4)
    assert clamp(Quarter(2024, 2), first, last) == first
    assert clamp(Quarter(2030, 1), first, last) == last
    assert clamp(Quarter(2026, 3), first, last) == Quarter(2026, 3)


@given(st.dates(date(1950, 1, 1), date(2150, 12, 31)), months)
def test_the_last_ended_quarter_has_ended_and_the_next_has_not(day, start_month):
    quarter = Quarter.last_ended(day, start_month)
    assert quarter.last_day(start_month) < day <= (quarter + 1).last_day(start_month)


def test_quarter_under_evaluation_is_the_last_that_ended_clamped_to_the_plan():
    first, last = Quarter(2025, 1), Quarter(2027, 4)
    assert under_evaluation(date(2026, 11, 24), first, last) == Quarter(2026, 3)
    assert under_evaluation(date(2026, 10, 1), first, last) == Quarter(2026, 3)
    assert under_evaluation(date(2026, 9, 30), first, last) == Quarter(2026, 2)
    assert under_evaluation(date(2027, 1, 10), first, last) == Quarter(2026, 4)
    assert under_evaluation(date(2024, 6, 1), first, last) == first  # plan not begun
    assert under_evaluation(date(2031, 6, 1), first, last) == last  # plan over
    # A July fiscal year: on 2026-11-24 FY2027 Q1 (July-September 2026) has just ended.
    assert under_evaluation(date(2026, 11, 24), Quarter(2026, 1), Quarter(2028, 4),
                            7) == Quarter(2027, 1)
