"""The overview's charts in tabs: each with its summary in words, its data as a table and as
CSV, and the drill-down from a lead institution's bar to its items."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from tracker.charts import PLOTLY_CONFIG, csv_table, overview_table
from tracker.file_names import download_name
from tracker.i18n import t
from tracker.io.cells import frame_csv
from tracker.services.figures import Overview
from tracker.services.permissions import PageName
from ui import navigation
from ui.downloads import download_button
from ui.text import md


def _chart(drawn: dict[str, tuple[object, pd.DataFrame]], key: str, lang: str,
           summaries: dict[str, str], view: Overview, *, selectable: bool = False) -> object:
    """The chart, its summary in words, its data as a table one switch away (drawn only
    when asked for) and as CSV (written only when asked for); a ``selectable`` chart's
    clicked point comes back (the drill-down's bar)."""
    figure, frame = drawn[key]
    event: object
    if selectable:
        event = st.plotly_chart(figure, key=key, config=PLOTLY_CONFIG, on_select="rerun",
                                selection_mode="points")
    else:
        event = st.plotly_chart(figure, key=key, config=PLOTLY_CONFIG)
    if summaries.get(key):
        st.caption(md(summaries[key]))  # group names are user text
    if st.toggle(t("present.data_table", lang), key=f"{key}:table", persist_state="page"):
        st.dataframe(overview_table(key, view, lang), hide_index=True)
    download_button(t("overview.chart_data", lang),
                    lambda: frame_csv(csv_table(frame, lang)),  # no text becomes a formula
                    file_name=download_name(t(f"overview.file.{key}", lang), ".csv"),
                    key=f"{key}:csv", icon=":material/download:")
    return event


def _drill_down(view: Overview, plan_id: int, lang: str, chosen: str | None,
                table: Callable[[str], tuple[pd.DataFrame, list[tuple[int, str]]]]) -> None:
    """The items of one lead institution, each linking to its page (which names the plan)."""
    leads = sorted(set(view.items["lead"]))
    if not leads:
        return
    st.header(t("overview.drill_title", lang))
    # one lead in view (a filter) or a clicked bar opens its items; otherwise the user picks
    if chosen is None:  # no bar selected (or its tab was away): the next click is a new one
        st.session_state.pop("drill_clicked", None)
    if chosen in leads and chosen != st.session_state.get("drill_clicked"):
        st.session_state["drill"] = chosen  # a new click on a bar; the box may change it after
        st.session_state["drill_clicked"] = chosen
    elif len(leads) == 1:
        st.session_state["drill"] = leads[0]
    elif st.session_state.get("drill") not in leads:
        st.session_state["drill"] = None
    # kept while another tab is open (its widgets are not drawn meanwhile)
    lead = st.selectbox(t("overview.drill_choose", lang), leads, key="drill",
                        placeholder=t("overview.drill_placeholder", lang), persist_state="page")
    if lead is None:
        return
    rows, links = table(lead)
    st.dataframe(rows, hide_index=True)
    for item_id, label in links:
        navigation.view_link(PageName.ITEM, label, plan_id, item=item_id)


def _selected_label(event: object) -> str | None:
    points = getattr(getattr(event, "selection", None), "points", None) or []
    return points[0].get("customdata") if points else None


def tab_key(lang: str) -> str:
    """The overview's tabs widget: keyed by language, since its value is the open tab's
    label (a switch of language opens the first tab)."""
    return f"overview:tab:{lang}"


def sections(view: Overview, plan_id: int, drawn: dict, summaries: dict[str, str], lang: str,
             table: Callable) -> None:
    """The charts, a tab each (two in the first); only the open tab's are drawn: at national
    scale the browser took a second to draw all nine, most of them out of sight."""
    names = ["institution", "line", "trend", "heatmaps", "timeline", "indicators"]
    if "by_country" in drawn:
        names.append("countries")
    tabs = dict(zip(names, st.tabs([t(f"overview.tab.{n}", lang) for n in names],
                                   key=tab_key(lang), on_change="rerun"), strict=True))
    if tabs["institution"].open:
        with tabs["institution"]:
            event = _chart(drawn, "by_institution", lang, summaries, view, selectable=True)
            _chart(drawn, "status_mix", lang, summaries, view)
            _drill_down(view, plan_id, lang, _selected_label(event), table)
    for tab, keys in (("line", ["by_line"]), ("trend", ["trend"]),
                      ("heatmaps", ["heat_progress", "heat_completeness"]),
                      ("timeline", ["timeline"]), ("indicators", ["indicators"]),
                      ("countries", ["by_country"])):
        if tab in tabs and tabs[tab].open:
            with tabs[tab]:
                for key in keys:
                    _chart(drawn, key, lang, summaries, view)
