"""The page's state lives in its address: ``?plan=2&quarter=2026-Q3&item=39``.

Every run reads plan, quarter, item (and the overview's filters) from the address, so that
Back and Forward, which rerun the page with the address they return to, show what that
address says: the widget is set from the address before it is drawn, never left on a value
an earlier run kept in the session. A choice goes into the address (Streamlit pushes a
history entry for it). A parameter the address leaves out means the page's default; the plan
is always named (a page opened from the navigation, whose links drop the address, shows the
plan shown last and writes it in).

Values are written in their canonical form (``plan=2``, ``quarter=2026-Q3``) whatever
language the page shows. ``bind="query-params"`` is not used: Streamlit 1.67 writes a
selectbox's *label* there (``T3 2026`` in Spanish), which a language switch invalidates.

A value the address names that is not among the page's options (an item of another plan, a
plan the person may not read, a quarter outside the plan) is refused with a message: the
box shows no choice and the page draws nothing more, never silently another plan or item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter, QuarterError
from ui.text import md_t

PLAN = "plan"
QUARTER = "quarter"
ITEM = "item"

T = TypeVar("T")

# the quarter and the item named in the address belong to its plan: a new plan drops them
DEPENDENTS: dict[str, tuple[str, ...]] = {PLAN: (QUARTER, ITEM)}


class Refused:
    """What the address names under a parameter that the page cannot show."""

    def __init__(self, asked: str) -> None:
        self.asked = asked


def canonical(value: object) -> str:
    """A value as the address writes it: a plan's or item's id, ``2026-Q3``."""
    return str(value)


def _match(asked: str, options: Sequence[T]) -> T | Refused:
    by_text = {canonical(option): option for option in options}
    if asked in by_text:
        return by_text[asked]
    if options and isinstance(options[0], Quarter):  # "2026Q3", "T3 2026": the same quarter
        try:
            quarter = Quarter.parse(asked)
        except QuarterError:
            return Refused(asked)
        return next((option for option in options if option == quarter), Refused(asked))
    return Refused(asked)


def read(name: str, options: Sequence[T], default: T) -> T | Refused:
    """The option the address names under ``name``; ``default`` when it names none;
    ``Refused`` when it names something that is not an option."""
    asked = st.query_params.get(name)
    if asked is None or asked == "":
        return default
    return _match(asked, options)


def _shown_key(name: str) -> str:
    return f"address:shown:{name}"


def read_plan(name: str, options: Sequence[T], default: T) -> T | Refused:
    """The plan the address names; when it names none (Streamlit's page links drop the
    address), the plan this session showed last, else ``default`` — written into the
    address, so that it always names the plan shown and Back returns to that plan."""
    if st.query_params.get(name):
        value = read(name, options, default)
    else:
        value = _match(st.session_state.get(_shown_key(name), ""), options)
        if isinstance(value, Refused):
            value = default
        st.query_params[name] = canonical(value)
    if not isinstance(value, Refused):
        st.session_state[_shown_key(name)] = canonical(value)
    return value


def _write(key: str, name: str) -> None:
    """The person's choice into the address (a widget's ``on_change``)."""
    chosen = st.session_state.get(key)
    if chosen is None:
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = canonical(chosen)
    for dependent in DEPENDENTS.get(name, ()):
        st.query_params.pop(dependent, None)


def select(label: str, options: Sequence[T], *, name: str, default: T,
           refusal: Callable[[str], str], format_func: Callable[[Any], str] = str,
           placeholder: str | None = None, plan: bool = False) -> T | None:
    """A selectbox that shows what the address names under ``name`` (also the widget's
    key); a ``plan`` is always named there (``read_plan``). ``None`` after a refusal: the
    box shows no choice, ``refusal(asked)`` (Markdown) says why, and the page should draw
    nothing more."""
    value = (read_plan if plan else read)(name, options, default)
    # set on every run, before the widget: Back and Forward show the address, not the
    # session's last choice (a widget of another page with this key hands on nothing)
    st.session_state[name] = None if isinstance(value, Refused) else value
    st.selectbox(label, options, key=name, format_func=format_func,
                 placeholder=placeholder, on_change=_write, args=(name, name))
    if isinstance(value, Refused):
        st.error(refusal(value.asked))
        return None
    return value


def multiselect(label: str, options: Sequence[Any], *, name: str,
                format_func: Callable[[Any], str] = str, placeholder: str = "") -> list:
    """A multiselect showing the values the address names under ``name`` (a filter: values
    that are not options are left out)."""
    by_text = {canonical(option): option for option in options}
    st.session_state[name] = [by_text[value] for value in st.query_params.get_all(name)
                              if value in by_text]
    return st.multiselect(label, options, key=name, format_func=format_func,
                          placeholder=placeholder, on_change=_write_all, args=(name,))


def _write_all(name: str) -> None:
    chosen = [canonical(value) for value in st.session_state.get(name) or []]
    if chosen:
        st.query_params[name] = chosen
    else:
        st.query_params.pop(name, None)


def query(plan: object, *, quarter: Quarter | None = None, item: int | None = None,
          plan_name: str = PLAN) -> dict[str, str]:
    """The address of a link to a view: it always names the plan of its quarter or item."""
    found = {plan_name: canonical(plan)}
    if quarter is not None:
        found[QUARTER] = canonical(quarter)
    if item is not None:
        found[ITEM] = canonical(item)
    return found


def refuse_plan(lang: str) -> Callable[[str], str]:
    return lambda asked: md_t("address.unknown_plan", lang, asked=asked)


def refuse_quarter(lang: str, plan: str) -> Callable[[str], str]:
    return lambda asked: md_t("address.unknown_quarter", lang, asked=asked, plan=plan)


def refuse_item(lang: str, plan: str) -> Callable[[str], str]:
    return lambda asked: md_t("address.unknown_item", lang, asked=asked, plan=plan)


def choose(lang: str) -> str:
    return t("address.choose", lang)
