"""The reports a quarter still waits for, per institution and focal point, and the reminders
to them (by e-mail, or messages to copy when no mail server is set)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.i18n import t
from tracker.quarters import Quarter
from tracker.services import reminders
from tracker.settings import get_settings
from ui import actions, flash, state
from ui.text import md, md_t


def missing(dues: list, lang: str) -> None:
    """Per institution and focal point: what the quarter still waits for."""
    if not dues:
        st.success(t("review.nothing_missing", lang))
        return
    st.caption(t("review.missing_count", lang, count=sum(len(d.items) for d in dues),
                 institutions=t("review.institution_count", lang, count=len(dues))))
    for due in dues:
        people = ", ".join(f"{name} <{email}>" for name, email in due.focal_points) or t(
            "review.no_focal_point", lang)
        st.markdown(f"**{md(due.institution)}** · {len(due.items)}")
        st.caption(md_t("review.focal_points", lang, people=people))
        st.dataframe(pd.DataFrame(
            [(f"{i.code} · {i.title}", t(f"state.{i.state or 'missing'}", lang))
             for i in due.items],
            columns=[t("item.choose", lang), t("form.col.state", lang)]), hide_index=True)


def remind(user: state.SignedIn, plan_id: int, quarter: Quarter, lang: str) -> None:
    """Remind every focal point still owing reports: by e-mail, or messages to copy."""
    smtp = get_settings().smtp
    label = "review.send_reminders" if smtp else "review.prepare_reminders"
    token = actions.form_token("review:remind")  # pressed twice: reminded once
    pressed = st.button(t(label, lang), key=f"review:remind:{token}", icon=":material/mail:")
    if pressed:
        outcome = actions.write(lambda db: reminders.remind_from_app(
            db, user.actor, plan_id, quarter, smtp, token=token))
        if outcome.error is not None:  # not ``outcome.ok``, which mypy cannot follow
            flash.refused(state.message(outcome.error, lang), "review", "remind")
            return
        actions.spend("review:remind")
        st.session_state["review:reminded"] = outcome.value
    done = st.session_state.get("review:reminded")
    if done is None:
        return
    # said under the button on every run, and takes the focus on the run of the press
    if not done.to_copy:
        flash.say(st.success, t("review.reminders_sent", lang, count=done.sent),
                  "review:reminded", focus=pressed)
        return
    flash.say(st.info, t("review.reminders_to_copy", lang, count=len(done.to_copy)),
              "review:reminded", focus=pressed)
    for message in done.to_copy:
        # plain text, not Markdown: copied into the "To" field exactly as it is (md() would put
        # a word joiner before the "@"), and not greyed like a caption (3:1)
        st.text(message.email)
        st.code(f"{message.subject}\n\n{message.body}", language=None, wrap_lines=True)
