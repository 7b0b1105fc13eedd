"""An item's facts, its figures quarter by quarter and every version of every institution's
report, as the item page shows them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.i18n import moment, number, percent, t
from tracker.quarters import Quarter
from tracker.services.items import ItemDetail
from ui.text import md_t


def facts(detail: ItemDetail, lang: str) -> None:
    span = " – ".join(q.label(lang) for q in (detail.start_quarter, detail.due_quarter))
    st.markdown(md_t("item.facts", lang, line=detail.line, lead=detail.lead,
                  supporters=", ".join(detail.supporters) or "—", span=span,
                  weight=number(detail.weight, lang)))
    if detail.indicator:
        st.markdown(md_t("item.indicator", lang, indicator=detail.indicator,
                      unit=detail.unit or "", baseline=number(detail.baseline, lang, 0),
                      target=number(detail.target, lang, 0)))
    if detail.description:
        st.text(detail.description)


def figures_table(detail: ItemDetail, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("overview.quarter", lang): [Quarter.parse(q).label(lang)  # the frame's text
                                      for q in detail.figures["quarter"]],
        t("form.col.status", lang): [t(f"status.{s}", lang) if isinstance(s, str) else "—"
                                     for s in detail.figures["status"]],
        t("chart.series.progress", lang): [percent(v, lang) for v in detail.figures["progress"]],
        t("chart.series.expected", lang): [percent(v, lang) for v in detail.figures["expected"]],
        t("item.schedule", lang): [t(f"schedule.{b}", lang) if isinstance(b, str) else "—"
                                   for b in detail.figures["bucket"]],
    })


def history_table(detail: ItemDetail, lang: str, zone: str | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        [(e.quarter.label(lang), detail.institutions[e.institution_id],
          e.number, t(f"state.{e.state}", lang),
          t("form.nothing_short", lang) if e.nothing_to_report else (
              t(f"status.{e.status}", lang) if e.status else "—"),
          percent(e.percent_complete, lang), e.narrative, e.review_comment or "",
          e.author or t("item.imported", lang), moment(e.at, lang, zone))
         for e in detail.history],
        columns=[t("overview.quarter", lang), t("form.col.institution", lang),
                 t("item.version", lang), t("form.col.state", lang),
                 t("form.col.status", lang), t("form.col.percent", lang),
                 t("form.col.narrative", lang), t("item.comment", lang),
                 t("item.author", lang), t("item.when", lang)])
