"""The quarterly report form of one item, with its confirmation and conflict states.

The form is drawn with a token (``ui.actions.form_token``) that its save carries: a save
spends it, so a second press of the same drawn form saves nothing (it matches no widget of the
form drawn afresh, or the service returns the first save), and is never a conflict with
oneself. A refused save keeps the token, which "Save anyway" and "Keep mine" send again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from tracker import palette, rules
from tracker.errors import TrackerError
from tracker.i18n import number, percent, t
from tracker.models import (
    CONTENT_FIELDS,
    COUNTING_STATES,
    ContentField,
    ContentKind,
    ReportState,
    Status,
)
from tracker.quarters import Quarter
from tracker.services import reporting
from tracker.services.reporting import Conflict, NeedsConfirmation, Target
from tracker.services.reports import ReportContent
from tracker.services.worklist import Contribution, WorkItem
from ui import actions, confirm, flash
from ui.accessibility import required_label
from ui.state import SignedIn, message
from ui.tables import wrapped_table
from ui.text import md_t
from ui.widgets import PLAIN_NUMBER, chosen, kept_choice

PAGE = "report"  # ``ui.flash``'s messages of report forms, placed under each form


@dataclass(frozen=True)
class FormContext:
    user: SignedIn
    plan_id: int
    quarter: Quarter  # the quarter reported in (a member with none only asks to reopen one)
    institution_id: int
    lang: str
    # a coordinator's correction of a quarter that is not open says why, in the text input
    # of this key: read when the form is submitted (a save runs in the button's callback,
    # with this context as the page last drew it)
    reason_key: str | None = None

    @property
    def reason(self) -> str:
        return str(st.session_state.get(self.reason_key) or "") if self.reason_key else ""


def state_label(item: WorkItem, lang: str) -> str:
    """A coloured badge (markdown) with the state of the institution's report."""
    state = item.own.state if item.own else "missing"
    return f":{palette.REPORT_STATE_BADGES[state]}-badge[{t(f'state.{state}', lang)}]"


def _seen_key(ctx: FormContext, item: WorkItem) -> str:
    return f"seen_version:{ctx.plan_id}:{ctx.quarter}:{ctx.institution_id}:{item.item_id}"


def _content_from_form(values: dict[str, Any]) -> ReportContent:
    """``values``: what the widgets hold by their keys (``ContentField.form_key``), read from
    ``st.session_state`` (untyped). With nothing to report, the item's figures are none."""
    nothing = bool(values[NOTHING.form_key])
    content: dict[str, Any] = {spec.name: None if spec.figure and nothing
                               else _read(spec, values[spec.form_key])
                               for spec in CONTENT_FIELDS}
    return ReportContent(**content)


NOTHING = next(spec for spec in CONTENT_FIELDS if spec.name == "nothing_to_report")


def _read(spec: ContentField, value: Any) -> object:  # noqa: ANN401 (a widget's value)
    """A field's value as its widget holds it, as the report holds it."""
    if spec.kind is ContentKind.STATUS:
        return Status(value) if value else None
    if spec.kind is ContentKind.TEXT:
        return (value or "").strip()
    if spec.kind is ContentKind.LINK:
        return (value or "").strip() or None
    if spec.kind is ContentKind.FLAG:
        return bool(value)
    return value


def _field_key(key: str, name: str, lang: str) -> str:
    """The widget key of field ``name`` of form ``key`` (``_fields`` draws it, ``_submitted``
    reads it): the same in every language, so that a switch keeps what was chosen."""
    return f"{key}:{name}"


STATUSES = [s.value for s in Status]

# The field a refusal of ``reporting.validate`` names (its message key,
# ``report.field.<field's name or form key>_<refusal>``), by its form key; the refusal marks
# it invalid and gives it the focus (``ui.flash.field_of``).
REFUSED_FIELDS = {
    f"report.field.{stem}_{refusal}": spec.form_key
    for spec in CONTENT_FIELDS for stem in (spec.name, spec.form_key)
    for refusal in ("required", "range", "invalid", "negative", "bad_characters", "too_long")}
# the refusals of a coordinator's reason for a correction (``FormContext.reason_key``)
REASON_REFUSALS = ("report.correction_needs_reason", "meeting.reason",
                   "error.characters.reason.text")


def _status_label(status: str, lang: str) -> str:
    return t(f"status.{status}", lang)


def _drawn(spec: ContentField, item: WorkItem) -> bool:
    """Whether the item's form has the field: an indicator's value only where it has one."""
    return spec.kind is not ContentKind.AMOUNT or item.indicator is not None


def _fields(form: DeltaGenerator, item: WorkItem, own: Contribution | ReportContent | None,
            lang: str, key: str) -> None:
    """The form's fields (``_submitted`` reads what they hold), one per content field: the
    paired ones two in a row at the top, so that the Tab order follows the visual order,
    then the others."""
    paired = [spec for spec in CONTENT_FIELDS if spec.paired]
    for first in range(0, len(paired), 2):
        for spec, column in zip(paired[first:first + 2], form.columns(2), strict=False):
            _field(column, spec, item, own, lang, key)
    for spec in CONTENT_FIELDS:
        if not spec.paired:
            _field(form, spec, item, own, lang, key)


def _field(at: DeltaGenerator, spec: ContentField, item: WorkItem,
           own: Contribution | ReportContent | None, lang: str, key: str) -> None:
    """One field's widget in ``at`` (the form, or a column of it), holding ``own``'s value
    (empty without one)."""
    if not _drawn(spec, item):
        return
    name = _field_key(key, spec.form_key, lang)
    # required unless "Nothing to report" is ticked (``reporting.validate``)
    label = required_label(spec.label, lang) if spec.required else t(spec.label, lang)
    value = getattr(own, spec.name) if own else None
    if spec.kind is ContentKind.STATUS:
        current = value if value in STATUSES else None
        kept_choice(  # the values, shown in the language: a switch keeps the choice (issue 26)
            at.selectbox, label, STATUSES, key=name, labels=_status_label, lang=lang, in_form=True,
            index=STATUSES.index(current) if current else None,
            placeholder=t("form.choose", lang))
    elif spec.kind is ContentKind.PERCENT:
        # no bounds here: Streamlit's own refusal is an English tooltip; the service refuses
        # a value outside 0-100 with a message in the language that names the field
        at.number_input(label, step=5.0, key=name, value=value, format=PLAIN_NUMBER)
    elif spec.kind is ContentKind.AMOUNT:  # a negative value: the service says so
        at.number_input(
            md_t(spec.label, lang, indicator=item.indicator or "—", unit=item.unit or "",
                 target=number(item.target, lang, 0)),
            key=name, value=value, format=PLAIN_NUMBER)
    elif spec.kind is ContentKind.LINK:
        at.text_input(
            label, max_chars=rules.limit("report", spec.name), key=name,
            placeholder="https://", value=value or "")
    elif spec.kind is ContentKind.TEXT:
        at.text_area(
            label, max_chars=rules.limit("report", spec.name), key=name, value=value or "")
    else:
        at.checkbox(label, key=name, value=bool(value), help=t(f"{spec.label}_help", lang))


def _save(ctx: FormContext, item: WorkItem, content: ReportContent, *, submit: bool,
          token: str, confirmed: bool = False) -> None:
    """Save, or keep what the person typed with the reason it was refused: a conflict, a
    quarter closed or locked meanwhile, a permission, a value."""
    seen = st.session_state[_seen_key(ctx, item)]
    target = Target(item.item_id, ctx.quarter, ctx.institution_id)
    outcome = actions.write(lambda db: reporting.save_report(
        db, ctx.user.actor, target, content, expected_version=seen, submit=submit,
        confirmed=confirmed, reason=ctx.reason, token=token))
    key = _seen_key(ctx, item)
    if outcome.error is None:  # ``outcome.ok``, which mypy cannot follow
        assert outcome.value is not None  # save_report returns the saved report
        st.session_state[key] = outcome.value.version
        actions.spend(key)  # the form is drawn afresh, from what was saved
        for kind in ("pending", "typed", "conflict", "error"):
            st.session_state.pop(f"{kind}:{key}", None)
        counting = item.own is not None and item.own.state in COUNTING_STATES
        flash.remember(PAGE, "form.submitted" if submit else
                       "form.saved_over_submitted" if counting else "form.saved", at=key,
                       code=item.code)
        return
    st.session_state[f"typed:{key}"] = (content, submit, token)  # nothing typed is lost
    st.session_state[f"focus:{key}"] = True  # the refusal takes the focus when drawn
    st.session_state[KEPT_QUARTER] = ctx.quarter
    if isinstance(outcome.error, NeedsConfirmation):
        st.session_state[f"pending:{key}"] = (content, submit, outcome.error.warnings, token)
    elif isinstance(outcome.error, Conflict):
        # the other person's version goes beside this one: their save moved the plan's
        # generation, so the reads drawn next are theirs (ui.data)
        st.session_state[f"conflict:{key}"] = outcome.error
    else:
        st.session_state[f"error:{key}"] = outcome.error


KEPT_QUARTER = "report_form:kept_quarter"  # a quarter whose form keeps refused text


def kept_quarter() -> Quarter | None:
    """The quarter of a form that still holds text a refusal kept (it stays on screen even
    when that quarter was closed meanwhile)."""
    return st.session_state.get(KEPT_QUARTER)


def _refused_field(ctx: FormContext, form: str, error: TrackerError) -> str | None:
    """The widget key of the field a refusal names: one of form ``form``'s, or the reason of a
    correction."""
    refused = getattr(error, "key", "")
    if refused in REASON_REFUSALS:
        return ctx.reason_key
    name = REFUSED_FIELDS.get(refused)
    return _field_key(form, name, ctx.lang) if name else None


def _show_outcomes(ctx: FormContext, item: WorkItem, form: str) -> None:
    """Under the form's buttons: what the last press did (``ui.flash``), or why it was
    refused, which takes the focus once, when it appears (the field it names takes it)."""
    key = _seen_key(ctx, item)
    flash.here(PAGE, key, ctx.lang)
    focus = st.session_state.pop(f"focus:{key}", False)
    error: TrackerError | None = st.session_state.get(f"error:{key}")
    if error is not None:
        flash.say(st.error, message(error, ctx.lang), f"refused:{key}", focus=focus,
                  field=_refused_field(ctx, form, error))
        st.caption(t("form.kept", ctx.lang))
        pressed = st.button(t("form.discard", ctx.lang), key=f"discard:{key}")
        if confirm.confirmed(f"discard:{key}", pressed,
                             md_t("form.confirm_discard", ctx.lang, code=item.code),
                             t("form.discard_this", ctx.lang), ctx.lang):
            _forget(key)
            st.rerun()
    conflict: Conflict | None = st.session_state.get(f"conflict:{key}")
    if conflict is not None:
        _conflict(ctx, item, conflict, focus=focus)
    pending = st.session_state.get(f"pending:{key}")
    if pending is not None:
        content, submit, warnings, token = pending
        flash.say(st.warning, "\n\n".join([t("report.confirm", ctx.lang),
                                            *(t(w, ctx.lang) for w in warnings)]),
                  f"confirm:{key}:question", focus=focus)
        if st.button(t("form.save_anyway", ctx.lang), key=f"confirm:{key}:{token}"):
            _save(ctx, item, content, submit=submit, token=token, confirmed=True)
            st.rerun()


def _forget(key: str) -> None:
    for kind in ("pending", "typed", "conflict", "error"):
        st.session_state.pop(f"{kind}:{key}", None)


def _conflict(ctx: FormContext, item: WorkItem, conflict: Conflict, *,
              focus: bool = False) -> None:
    """Someone saved first: their version beside the person's own, and a choice."""
    key = _seen_key(ctx, item)
    mine, submit, token = st.session_state[f"typed:{key}"]
    flash.say(st.error, message(conflict, ctx.lang), f"conflict:{key}:message", focus=focus)
    theirs = item.own
    wrapped_table(pd.DataFrame(  # narratives wrap in their cells
        [(t(spec.title, ctx.lang), _shown(getattr(theirs, spec.name, None), ctx.lang),
          _shown(getattr(mine, spec.name), ctx.lang)) for spec in CONTENT_FIELDS],
        columns=[t("form.their_field", ctx.lang), t("form.their_value", ctx.lang),
                 t("form.your_value", ctx.lang)]))
    keep, take = st.container(), st.container()  # one under the other: each label whole
    if keep.button(t("form.keep_mine", ctx.lang), key=f"keep:{key}:{token}", type="primary"):
        st.session_state[key] = theirs.version if theirs else 0  # on top of theirs
        _save(ctx, item, mine, submit=submit, token=token)
        st.rerun()
    if take.button(t("form.take_theirs", ctx.lang), key=f"take:{key}"):
        st.session_state[key] = theirs.version if theirs else 0
        _forget(key)
        st.rerun()


def _shown(value: object, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return t("form.yes" if value else "form.no", lang)
    if isinstance(value, float):
        return number(value, lang)
    if isinstance(value, Status) or value in {s.value for s in Status}:
        return t(f"status.{value}", lang)
    return str(value)


def needs_attention(ctx: FormContext, item: WorkItem) -> bool:
    """An error, a conflict, a confirmation or kept text waits in this item's form."""
    key = _seen_key(ctx, item)
    return flash.pending(PAGE, key) or any(f"{kind}:{key}" in st.session_state
                                           for kind in ("error", "conflict", "pending", "typed"))


def report_form(ctx: FormContext, item: WorkItem) -> None:
    """The form for this quarter's report of ``ctx.institution_id`` on ``item``; after a
    refusal it shows what the person typed, not the stored version."""
    own = item.own
    seen = _seen_key(ctx, item)
    st.session_state.setdefault(seen, own.version if own else 0)
    if own and own.state == ReportState.RETURNED and own.review_comment:
        st.warning(md_t("form.returned", ctx.lang, comment=own.review_comment))
    typed = st.session_state.get(f"typed:{seen}")
    shown = typed[0] if typed else own
    # No version in the key: a form whose key changed between drawing and the click (someone
    # else saved meanwhile) lost the click and the text. The key changes only when this
    # person's own refusal starts a form drawn from what they typed, and when their own save
    # spends the form's token (a second press of the form they saw is no second save).
    token = actions.form_token(seen)
    key = f"form:{ctx.quarter}:{item.item_id}:{token}:{int(bool(typed))}"
    form = st.form(key, border=False)
    with form:
        _fields(form, item, shown, ctx.lang, key)
        save, submit = st.columns(2)
        # the save runs in the button's callback, before the page's run: one run shows its
        # outcome, where a save in the run drew the page up to this form, then ran it again;
        # its arguments, the token among them, are those of the form as drawn
        save.form_submit_button(t("form.save_draft", ctx.lang), width="stretch",
                                on_click=_submitted, args=(ctx, item, key, False, token))
        submit.form_submit_button(t("form.submit", ctx.lang), type="primary", width="stretch",
                                  on_click=_submitted, args=(ctx, item, key, True, token))
    _show_outcomes(ctx, item, key)


def _submitted(ctx: FormContext, item: WorkItem, key: str, submit: bool, token: str) -> None:
    """A form's button pressed: save what its fields hold (``st.session_state`` by their
    keys, ``_field_key``)."""
    seen = _seen_key(ctx, item)
    st.session_state.pop(f"error:{seen}", None)
    st.session_state.pop(f"conflict:{seen}", None)
    values = {spec.form_key: _held(spec, _field_key(key, spec.form_key, ctx.lang))
              if _drawn(spec, item) else None  # no such field on this item's form
              for spec in CONTENT_FIELDS}
    _save(ctx, item, _content_from_form(values), submit=submit, token=token)


def _held(spec: ContentField, name: str) -> object:
    """What the widget of key ``name`` holds (a choice: the value, whatever the language)."""
    if spec.kind is ContentKind.STATUS:
        return chosen(name, STATUSES, _status_label)
    return st.session_state.get(name)


def last_quarter_caption(item: WorkItem, lang: str) -> str:
    status = t(f"status.{item.last_status}", lang) if item.last_status else t(
        "form.no_report", lang)
    value = "" if item.last_indicator_value is None else md_t(
        "form.last_value", lang, value=number(item.last_indicator_value, lang, 0),
        unit=item.unit or "", target=number(item.target, lang, 0))
    return t("form.last_quarter", lang, status=status,
             progress=percent(item.last_progress, lang)) + value


def contributions_table(item: WorkItem, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [(c.institution, t(f"state.{c.state}", lang),
          t("form.nothing_short", lang) if c.nothing_to_report else (
              t(f"status.{c.status}", lang) if c.status else "—"),
          percent(c.percent_complete, lang), c.narrative) for c in item.others],
        columns=[t("form.col.institution", lang), t("form.col.state", lang),
                 t("form.col.status", lang), t("form.col.percent", lang),
                 t("form.col.narrative", lang)])
