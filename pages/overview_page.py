"""Overview: the plan's headline figures for a quarter and progress by strategic line."""

import streamlit as st

from tracker.charts import BUCKET_COLOURS, progress_against_expected
from tracker.i18n import number, percent, t
from tracker.metrics import Headline
from tracker.quarters import Quarter
from ui import data, state
from ui.widgets import plan_picker, quarter_picker


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
    st.subheader(t("overview.buckets", lang))
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


def render() -> None:
    user = state.require_user()
    lang = state.language(user)
    st.title(t("overview.title", lang))
    choices = data.plan_choices(user.id)
    if not choices:
        st.info(t("app.no_plans", lang))
        return
    left, right = st.columns([3, 1])
    with left:
        plan = plan_picker(choices, lang)
    with right:
        quarter = quarter_picker(plan, lang)
    figures = data.overview(user.id, plan.id, quarter)
    if figures.headline.items_in_scope == 0:
        st.info(t("overview.nothing_in_scope", lang))
    _headline_metrics(figures.headline, lang)
    _bucket_tiles(figures.headline, lang)
    title = t("chart.by_line.title", lang, quarter=Quarter.parse(quarter).label(lang))
    st.plotly_chart(progress_against_expected(figures.by_line, lang, title), key="by_line")
