"""Small reusable widgets. Choices that make a view (plan, quarter, filters) go in the URL in
their canonical form (``quarter=2026-Q3``, ``plan=1``), whatever language the page shows, so a
refresh or a shared link opens the same view. Only plain values from the option lists are read
back from the URL; anything else is ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services.figures import PlanChoice
from tracker.services.permissions import Permission
from tracker.settings import LANGUAGES

# the date inputs' format in each language (Streamlit's calendar itself stays English)
DATE_FORMATS = {"es": "DD/MM/YYYY", "en": "YYYY-MM-DD"}
# A number input's display as people write it: "40", "12.5", "5000" (Streamlit's default
# "%0.2f" shows "40.00"); sprintf's %g without a precision is JavaScript's own number text.
PLAIN_NUMBER = "%g"


def _remember_language(key: str) -> None:
    st.query_params["lang"] = st.session_state[key]


def _own_name(code: str) -> str:
    """The switch names each language in itself: "Español", "English"."""
    return t("language.name", code)


def language_switch(lang: str, key: str = "language_switch") -> None:
    """Shows ``lang`` (URL, else the user's preference, else the default); a choice goes to
    the URL, so it survives a refresh and a shared link."""
    st.session_state[key] = lang
    st.segmented_control(t("app.language", lang), LANGUAGES, key=key, required=True,
                         format_func=_own_name,
                         on_change=_remember_language, args=(key,))


def _url_changed(key: str) -> str | None:
    """The URL's value for ``key`` if it differs from the last one applied (a new link)."""
    asked = st.query_params.get(key)
    if asked is None or asked == st.session_state.get(f"url:{key}"):
        return None
    st.session_state[f"url:{key}"] = asked
    return asked


def _to_url(key: str, values: object) -> None:
    chosen = st.session_state[key]
    if chosen in (None, [], ()):
        st.query_params.pop(key, None)
    elif isinstance(chosen, list | tuple):
        st.query_params[key] = [str(value) for value in chosen]
    else:
        st.query_params[key] = str(chosen)
    st.session_state[f"url:{key}"] = st.query_params.get(key)


def url_select(label: str, options: Sequence, *, key: str, default: object,
               format_func: Callable[[object], str] = str) -> object:
    """A selectbox whose value is kept in the URL under ``key`` (as ``str(value)``)."""
    by_text = {str(option): option for option in options}
    current = st.session_state.get(key)
    linked = _url_changed(key)
    chosen = st.session_state.get(f"url:{key}") is not None  # by the person or a link
    if linked in by_text:
        current = by_text[linked]
    elif current not in options or not chosen:
        current = default  # each page's own default until someone chooses
    # Written back each run: a widget of another page with the same key hands its value on.
    st.session_state[key] = current
    return st.selectbox(label, options, key=key, format_func=format_func,
                        on_change=_to_url, args=(key, options))


def url_multiselect(label: str, options: Sequence, *, key: str,
                    format_func: Callable[[object], str] = str, placeholder: str = "") -> list:
    """A multiselect whose values are kept in the URL under ``key``."""
    by_text = {str(option): option for option in options}
    if key not in st.session_state:
        st.session_state[key] = [by_text[v] for v in st.query_params.get_all(key) if v in by_text]
    else:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    return st.multiselect(label, options, key=key, format_func=format_func,
                          placeholder=placeholder, on_change=_to_url, args=(key, options))


def plan_picker(choices: list[PlanChoice], lang: str, key: str = "plan") -> PlanChoice:
    by_id = {choice.id: choice for choice in choices}
    chosen = url_select(t("overview.plan", lang), list(by_id), key=key,
                        default=choices[0].id, format_func=lambda i: by_id[i].name)
    from ui.accessibility import set_plan

    set_plan(lang, by_id[chosen].name)  # the document title names the plan shown
    return by_id[chosen]


def quarter_picker(plan: PlanChoice, lang: str, key: str = "quarter",
                   under_evaluation: bool = False) -> Quarter:
    """A quarter of the plan; opens on the quarter under evaluation (review, meetings,
    presentation) or on the plan's open quarter (or the latest with reports)."""
    default = plan.under_evaluation if under_evaluation else plan.default_quarter
    return url_select(t("overview.quarter", lang), list(plan.quarters), key=key,
                      default=default, format_func=lambda q: q.label(lang))


def plans_for(user: object, lang: str,
              permission: Permission = Permission.READ_PLAN) -> list[PlanChoice]:
    """The plans on which the user holds ``permission``; says so when there are none."""
    from ui import data

    choices = data.plans_where(user.id, user.actor, permission)
    if not choices:
        st.info(t("app.no_plans", lang))
    return choices


def plan_and_quarter(choices: list[PlanChoice], lang: str,
                     under_evaluation: bool = False) -> tuple[PlanChoice, Quarter]:
    """The plan picker and, beside it, the quarter picker of that plan."""
    left, right = st.columns([3, 1])
    with left:
        plan = plan_picker(choices, lang)
    with right:
        quarter = quarter_picker(plan, lang, under_evaluation=under_evaluation)
    return plan, quarter


def forget_form(form: str) -> None:
    """Every value of the widgets keyed ``<form>:…``: the form is drawn afresh on this run."""
    for key in [k for k in st.session_state if str(k).startswith(f"{form}:")]:
        del st.session_state[key]

