"""Small reusable widgets. Choices that make a view (plan, quarter, item, filters) live in the
page's address (``ui.address``), so that a refresh, a shared link, Back and Forward open the
same view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services.figures import PlanChoice
from tracker.services.permissions import Permission
from tracker.settings import LANGUAGES
from ui import address
from ui.state import SignedIn

# the date inputs' format in each language (Streamlit's calendar itself stays English)
DATE_FORMATS = {"es": "DD/MM/YYYY", "en": "YYYY-MM-DD"}
# A number input's display as people write it: "40", "12.5", "5000" (Streamlit's default
# "%0.2f" shows "40.00"); sprintf's %g without a precision is JavaScript's own number text.
PLAIN_NUMBER = "%g"

T = TypeVar("T")


LANGUAGE_SHOWN_KEY = "language_shown"  # the language of the last run's page
LANGUAGE_SWITCHED_KEY = "language_switched"  # this run shows another language than the last


def _remember_language(key: str) -> None:
    st.query_params["lang"] = st.session_state[key]


def _own_name(code: str) -> str:
    """The switch names each language in itself: "Español", "English"."""
    return t("language.name", code)


def language_switch(lang: str, key: str = "language_switch") -> None:
    """Shows ``lang`` (URL, else the user's preference, else the default); a choice goes to
    the URL, so it survives a refresh and a shared link."""
    st.session_state[LANGUAGE_SWITCHED_KEY] = st.session_state.get(
        LANGUAGE_SHOWN_KEY, lang) != lang
    st.session_state[LANGUAGE_SHOWN_KEY] = lang
    st.session_state[key] = lang
    st.segmented_control(t("app.language", lang), LANGUAGES, key=key, required=True,
                         format_func=_own_name,
                         on_change=_remember_language, args=(key,))


def _options_of(value: object, options: Sequence[T],
                labels: Callable[[T, str], str]) -> Iterator[T]:
    """The options ``value`` is, then those whose label it is in any language: Streamlit
    sends a choice as its label, so a choice made before a language switch comes back in the
    former language."""
    yield from (option for option in options if option == value)
    yield from (option for option in options
                if any(labels(option, lang) == value for lang in LANGUAGES))


def _option_of(value: object, options: Sequence[T],
               labels: Callable[[T, str], str]) -> T | None:
    """The option ``value`` is, or whose label it is (``_options_of``); else ``None``."""
    return next(_options_of(value, options, labels), None)


def chosen(key: str, options: Sequence[T], labels: Callable[[T, str], str]) -> T | None:
    """The option of the kept choice ``key`` (``kept_choice``), read in a callback."""
    return _option_of(st.session_state.get(key), options, labels)


def kept_choice(widget: Callable[..., object], label: str, options: Sequence[T], *, key: str,
                labels: Callable[[T, str], str], lang: str, in_form: bool = False,
                **kwargs: object) -> T | None:
    """A select box or radio (``widget``: ``st.selectbox``, ``column.radio``…) whose options
    are values shown through ``labels(value, lang)``, and whose choice a language switch
    keeps. Streamlit sends the choice as its label, which the switch changes: a choice that
    comes back in the former language is taken for its value, and after a switch a widget
    outside a form is told its choice again so it shows the new label (inside a form the
    browser holds an unsent choice: it shows its former label until the form is sent)."""
    if key in st.session_state:
        current = st.session_state[key]
        value = _option_of(current, options, labels)
        if value is not None and (value != current or (
                st.session_state.get(LANGUAGE_SWITCHED_KEY) and not in_form)):
            st.session_state[key] = value
    shown = widget(label, options, key=key, format_func=lambda v: _label(v, options, labels,
                                                                         lang), **kwargs)
    return _option_of(shown, options, labels)


def _label(value: object, options: Sequence[T], labels: Callable[[T, str], str],
           lang: str) -> str:
    for option in _options_of(value, options, labels):  # the first (an option may be None)
        return labels(option, lang)
    for option in options:  # no option's: a box offering None shows it as None's
        if option is None:
            return labels(option, lang)
    return str(value)


def plan_picker(choices: list[PlanChoice], lang: str, key: str = address.PLAN
                ) -> PlanChoice | None:
    """The plan the address names under ``key`` (default: the first); ``None`` when it
    names a plan the person may not open here (the page says so and draws nothing more)."""
    by_id = {choice.id: choice for choice in choices}
    chosen = address.select(t("overview.plan", lang), list(by_id), name=key,
                            default=choices[0].id, refusal=address.refuse_plan(lang),
                            format_func=lambda i: by_id[i].name,
                            placeholder=address.choose(lang), plan=True)
    if chosen is None:
        return None
    from ui.accessibility import set_plan

    set_plan(lang, by_id[chosen].name)  # the document title names the plan shown
    return by_id[chosen]


def quarter_picker(plan: PlanChoice, lang: str, key: str = address.QUARTER,
                   under_evaluation: bool = False) -> Quarter | None:
    """The quarter of the plan the address names; by default the quarter under evaluation
    (review, meetings, presentation) or the plan's open quarter (or the latest with
    reports). ``None`` for a quarter outside the plan (refused with a message)."""
    default = plan.under_evaluation if under_evaluation else plan.default_quarter
    return address.select(t("overview.quarter", lang), list(plan.quarters), name=key,
                          default=default, refusal=address.refuse_quarter(lang, plan.name),
                          format_func=lambda q: q.label(lang),
                          placeholder=address.choose(lang))


def plans_for(user: SignedIn, lang: str,
              permission: Permission = Permission.READ_PLAN) -> list[PlanChoice]:
    """The plans on which the user holds ``permission``; says so when there are none."""
    from ui import data

    choices = data.plans_where(user.id, user.actor, permission)
    if not choices:
        st.info(t("app.no_plans", lang))
    return choices


def plan_and_quarter(choices: list[PlanChoice], lang: str, under_evaluation: bool = False
                     ) -> tuple[PlanChoice, Quarter] | None:
    """The plan picker and, beside it, the quarter picker of that plan; ``None`` when the
    address names a plan or quarter that cannot be shown (the page says so)."""
    left, right = st.columns([3, 1])
    with left:
        plan = plan_picker(choices, lang)
    if plan is None:
        return None
    with right:
        quarter = quarter_picker(plan, lang, under_evaluation=under_evaluation)
    return None if quarter is None else (plan, quarter)


def forget_form(form: str) -> None:
    """Every value of the widgets keyed ``<form>:…``: the form is drawn afresh on this run."""
    for key in [k for k in st.session_state if str(k).startswith(f"{form}:")]:
        del st.session_state[key]

