"""The overview's headline: progress against expected, completeness and items in scope, and
one tile per schedule bucket in its colour."""

from __future__ import annotations

import streamlit as st

from tracker.charts import BUCKET_COLOURS
from tracker.i18n import number, percent, t
from tracker.metrics import Headline


def headline_metrics(head: Headline, lang: str) -> None:
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


def bucket_tiles(head: Headline, lang: str) -> None:
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
