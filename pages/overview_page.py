"""Overview: the quarter's figures with filters, charts, drill-down and each chart's data."""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from tracker.charts import BUCKET_COLOURS, PLOTLY_CONFIG, csv_table, overview_table
from tracker.i18n import number, percent, t
from tracker.io.cells import frame_csv
from tracker.metrics import Filters, Headline
from tracker.services.figures import Overview, PlanChoice
from tracker.services.permissions import PageName
from ui import accessibility, data, navigation, state
from ui.state import SignedIn
from ui.text import md
from ui.widgets import plan_and_quarter, plans_for, url_multiselect


def _headline_metrics(head: Headline, lang: str) -> None:
    change = None if head.progress_change is None else f"{number(head.progress_change, lang)} pp"
    cols = st.columns(4)
    cols[0].metric(t("overview.progress", lang), percent(head.progress, lang), change,
                   border=True, help=t("overview.progress_help", lang))
    cols[1].metric(t("overview.expected", lang), percent(head.expected, lang), border=True,
                   help=t("overview.expected_help", lang))
    cols[2].metric(t("overview.completeness", lang), percent(head.completeness, lang),
                   border=True, help=t("overview.completeness_help", lang,
                                       received=head.received_reports,
                                       expected=head.expected_reports))
    cols[3].metric(t("overview.in_scope", lang), head.items_in_scope, border=True)


def _bucket_tiles(head: Headline, lang: str) -> None:
    tiles = [(t(f"bucket.{bucket}", lang), BUCKET_COLOURS[bucket], count)
             for bucket, count in head.buckets.items()]
    tiles.append((t("overview.blocked", lang), BUCKET_COLOURS["blocked"], head.blocked))
    for column, (label, colour, count) in zip(st.columns(len(tiles)), tiles, strict=True):
        column.markdown(  # label from the catalog, count an int: nothing user-written
            f"<div style='border-left:8px solid {colour};padding-left:.6rem'>"
            f"<div style='font-size:1rem'>{label}</div>"
            f"<div style='font-size:2rem;font-weight:600'>{count}</div></div>",
            unsafe_allow_html=True,
        )


def _filters(user: SignedIn, plan: PlanChoice, lang: str) -> Filters:
    choices = data.filter_choices(user.id, plan.id)
    lines = dict(choices.lines)
    cols = st.columns(3)
    with cols[0]:
        countries = url_multiselect(t("overview.countries", lang), choices.countries,
                                    key="country", placeholder=t("overview.all_countries", lang))
    with cols[1]:
        institutions = url_multiselect(t("overview.institutions", lang), choices.institutions,
                                       key="institution",
                                       placeholder=t("overview.all_institutions", lang))
    with cols[2]:
        chosen_lines = url_multiselect(t("overview.lines", lang), list(lines), key="line",
                                       format_func=lambda c: f"{c} · {lines[c]}",
                                       placeholder=t("overview.all_lines", lang))
    return Filters(tuple(countries), tuple(institutions), tuple(chosen_lines))


def _chart(drawn: dict[str, tuple[object, pd.DataFrame]], key: str, lang: str,
           summaries: dict[str, str], view: Overview, **kwargs: object) -> object:
    """The chart, its summary in words, its data as a table one switch away (drawn only
    when asked for) and as CSV (written only when asked for)."""
    figure, frame = drawn[key]
    event = st.plotly_chart(figure, key=key, config=PLOTLY_CONFIG, **kwargs)
    if summaries.get(key):
        st.caption(md(summaries[key]))  # group names are user text
    if st.toggle(t("present.data_table", lang), key=f"{key}:table"):
        st.dataframe(overview_table(key, view, lang), hide_index=True)
    st.download_button(t("overview.chart_data", lang),
                       lambda: frame_csv(csv_table(frame, lang)),  # no text becomes a formula
                       file_name=f"{key}.csv", mime="text/csv", key=f"{key}:csv",
                       icon=":material/download:", on_click="ignore")
    return event


def _drill_down(view: Overview, lang: str, chosen: str | None,
                table: Callable[[str], tuple[pd.DataFrame, list[tuple[int, str]]]]) -> None:
    """The items of one lead institution, each linking to its page."""
    leads = sorted(set(view.items["lead"]))
    if not leads:
        return
    st.header(t("overview.drill_title", lang))
    # one lead in view (a filter) or a clicked bar opens its items; otherwise the user picks
    if chosen in leads and chosen != st.session_state.get("drill_clicked"):
        st.session_state["drill"] = chosen  # a new click on a bar; the box may change it after
        st.session_state["drill_clicked"] = chosen
    elif len(leads) == 1:
        st.session_state["drill"] = leads[0]
    elif st.session_state.get("drill") not in leads:
        st.session_state["drill"] = None
    lead = st.selectbox(t("overview.drill_choose", lang), leads, key="drill",
                        placeholder=t("overview.drill_placeholder", lang))
    if lead is None:
        return
    rows, links = table(lead)
    st.dataframe(rows, hide_index=True)
    for item_id, label in links:
        navigation.link(PageName.ITEM, label, item=str(item_id))


def _selected_label(event: object) -> str | None:
    points = getattr(getattr(event, "selection", None), "points", None) or []
    return points[0].get("customdata") if points else None


def _sections(view: Overview, drawn: dict, summaries: dict[str, str], lang: str,
              table: Callable) -> None:
    names = ["institution", "line", "trend", "heatmaps", "timeline", "indicators"]
    if "by_country" in drawn:
        names.append("countries")
    tabs = dict(zip(names, st.tabs([t(f"overview.tab.{n}", lang) for n in names]),
                    strict=True))
    with tabs["institution"]:
        event = _chart(drawn, "by_institution", lang, summaries, view, on_select="rerun",
                       selection_mode="points")
        _chart(drawn, "status_mix", lang, summaries, view)
        _drill_down(view, lang, _selected_label(event), table)
    for tab, keys in (("line", ["by_line"]), ("trend", ["trend"]),
                      ("heatmaps", ["heat_progress", "heat_completeness"]),
                      ("timeline", ["timeline"]), ("indicators", ["indicators"]),
                      ("countries", ["by_country"])):
        if tab in tabs:
            with tabs[tab]:
                for key in keys:
                    _chart(drawn, key, lang, summaries, view)


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("overview.title", lang))
    choices = plans_for(user, lang)
    if not choices:
        return
    plan, quarter = plan_and_quarter(choices, lang)
    if quarter in plan.locked_quarters:  # live figures; the meeting saw its snapshot
        st.info(t("overview.locked_live", lang, quarter=quarter.label(lang)))
        navigation.link(PageName.PRESENTATION, t("overview.as_presented", lang))
    filters = _filters(user, plan, lang)
    view = data.overview(user.id, plan.id, quarter, filters)
    if view.headline.items_in_scope == 0:
        st.info(t("overview.nothing_in_scope", lang))
    _headline_metrics(view.headline, lang)
    st.header(t("overview.buckets", lang))
    _bucket_tiles(view.headline, lang)
    summaries = data.overview_summaries(user.id, plan.id, quarter, filters, lang)
    _sections(view, data.overview_charts(user.id, plan.id, quarter, filters, lang),
              summaries, lang,
              lambda lead: data.drill_down(user.id, plan.id, quarter, filters, lang, lead))
    accessibility.name_charts(summaries)  # each chart's accessible name: its summary
