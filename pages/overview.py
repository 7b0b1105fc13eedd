"""Overview: the plan's headline figures for a quarter and progress by strategic line."""

import streamlit as st

from tracker.charts import BUCKET_COLOURS, progress_against_expected
from tracker.i18n import number, percent, t
from tracker.quarters import Quarter
from ui import data, state
from ui.widgets import plan_picker, quarter_picker

user = state.current_user()
lang = state.language(user)
st.title(t("overview.title", lang))

choices = data.plan_choices(user.id)
if not choices:
    st.info(t("app.no_plans", lang))
    st.stop()

left, right = st.columns([3, 1])
with left:
    plan = plan_picker(choices, lang)
with right:
    quarter = quarter_picker(plan, lang)

figures = data.overview(user.id, plan.id, quarter)
head = figures.headline
if head.items_in_scope == 0:
    st.info(t("overview.nothing_in_scope", lang))

cols = st.columns(4)
change = None if head.progress_change is None else f"{number(head.progress_change, lang)} pp"
cols[0].metric(t("overview.progress", lang), percent(head.progress, lang), change, border=True,
               help=t("overview.progress_help", lang))
cols[1].metric(t("overview.expected", lang), percent(head.expected, lang), border=True,
               help=t("overview.expected_help", lang))
cols[2].metric(t("overview.completeness", lang), percent(head.completeness, lang), border=True,
               help=t("overview.completeness_help", lang, received=head.received_reports,
                      expected=head.expected_reports))
cols[3].metric(t("overview.in_scope", lang), head.items_in_scope, border=True)

st.subheader(t("overview.buckets", lang))
bucket_cols = st.columns(5)
for column, (bucket, count) in zip(bucket_cols, [*head.buckets.items(),
                                                 ("blocked", head.blocked)], strict=True):
    label = t(f"bucket.{bucket}", lang) if bucket != "blocked" else t("overview.blocked", lang)
    column.markdown(
        f"<div style='border-left:8px solid {BUCKET_COLOURS[bucket]};padding-left:.6rem'>"
        f"<div style='font-size:1rem'>{label}</div>"
        f"<div style='font-size:2rem;font-weight:600'>{count}</div></div>",
        unsafe_allow_html=True,
    )

title = t("chart.by_line.title", lang, quarter=Quarter.parse(quarter).label(lang))
st.plotly_chart(progress_against_expected(figures.by_line, lang, title), key="by_line")
