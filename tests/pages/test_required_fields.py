"""Required fields marked, refused fields named (issue 26, item 12), on every form that writes.

A field its service refuses empty says so at the end of its label, "(obligatorio)" or
"(required)" from the catalogs (``ui.accessibility.required_label``; the page's script gives it
``aria-required``, ``tests/browser/test_form_errors_browser.py``), and no other field does.
Streamlit's own ``required=`` stays off: it would block the form in the browser with an English
"This field is required." where the service's refusal names the field in the reader's language.

A refusal that names a field carries, in its container, the mark of that field
(``ui.accessibility.invalid_field``): the page's script makes that field ``aria-invalid``,
described by the refusal, and gives it the focus."""

from __future__ import annotations

import re

import pytest

from tests.apptest import (
    app_as,
    field,
    first_missing_form,
    form_field,
    go_to,
    item_id_of,
    record_demo_meeting,
    toggle,
)
from tracker.i18n import t
from tracker.quarters import Quarter
from ui.accessibility import element_class

LANGS = ("es", "en")
INPUTS = ("text_input", "text_area", "number_input", "selectbox", "multiselect", "date_input")


def _widgets(at) -> list:
    return [w for kind in INPUTS for w in getattr(at, kind)]


def marked(at, lang: str) -> set[str]:
    """The labels (without the marker) of the page's fields marked required in ``lang``."""
    mark = " " + t("form.required", lang)
    return {w.label.removesuffix(mark) for w in _widgets(at) if w.label.endswith(mark)}


def _labels(lang: str, *keys: str) -> set[str]:
    return {t(key, lang) for key in keys}


def _no_browser_block(at) -> None:
    """Streamlit's own ``required`` (an English refusal in the browser) is set nowhere."""
    assert not [w.label for w in _widgets(at) if getattr(w.proto, "required", False)]


def _open_reopen_form(at, lang: str):
    label = t("mine.reopen", lang)
    return toggle(at, next(e for e in at.expander if e.label == label), True)


@pytest.mark.parametrize("lang", LANGS)
def test_a_members_report_and_reopen_request_mark_their_required_fields(db_url, lang):
    at = _open_reopen_form(go_to(app_as("dinapen@demo.example", lang), "my-institution"), lang)
    # status and percent: required unless "nothing to report" is ticked (reporting.validate)
    assert marked(at, lang) == _labels(lang, "form.status", "form.percent", "mine.reopen_reason")
    assert t("form.required", lang) == {"es": "(obligatorio)", "en": "(required)"}[lang]
    _no_browser_block(at)


@pytest.mark.parametrize("lang", LANGS)
def test_the_meeting_and_decision_forms_mark_the_attendance_and_the_decision(db_url, lang):
    record_demo_meeting(db_url)
    at = go_to(app_as("coordinacion@demo.example", lang), "meetings")
    assert form_field(at.multiselect, "meeting", "present").label.endswith(
        t("form.required", lang))
    # the record, each meeting's correction, each decision's form and its correction
    assert marked(at, lang) == _labels(lang, "meetings.present", "meetings.decision")
    _no_browser_block(at)


@pytest.mark.parametrize("lang", LANGS)
def test_plan_management_marks_the_items_lines_and_institutions_required_fields(db_url, lang):
    at = go_to(app_as("coordinacion@demo.example", lang), "plan")
    assert marked(at, lang) == _labels(
        lang, "plan.code", "plan.title", "plan.start", "plan.due",  # the item
        "accounts.name",  # the line's (with its code) and the institution's
        "accounts.institution", "plan.country")
    _no_browser_block(at)


@pytest.mark.parametrize("lang", LANGS)
def test_a_new_plan_marks_its_name_and_quarters(db_url, lang):
    at = go_to(app_as("coordinacion@demo.example", lang), "plan-files")
    assert marked(at, lang) == _labels(lang, "files.plan_name", "files.first_quarter",
                                       "files.last_quarter")
    _no_browser_block(at)


@pytest.mark.parametrize("lang", LANGS)
def test_account_forms_mark_e_mail_name_password_and_a_coordinators_plans(db_url, lang):
    at = go_to(app_as("coordinacion@demo.example", lang), "accounts")
    assert marked(at, lang) == _labels(lang, "signin.email", "accounts.name",
                                       "accounts.temporary_password", "accounts.plans")
    _no_browser_block(at)
    admin = go_to(app_as("admin@demo.example", lang), "accounts")
    # an administrator may make an account on no plan
    assert marked(admin, lang) == _labels(lang, "signin.email", "accounts.name",
                                          "accounts.temporary_password")


@pytest.mark.parametrize("lang", LANGS)
def test_a_correction_marks_its_reason_and_my_account_its_passwords(db_url, lang):
    at = go_to(app_as("coordinacion@demo.example", lang), "item")
    at.selectbox(key="item").set_value(item_id_of(db_url, "1.4")).run()
    at.selectbox(key="correct:quarter").set_value(Quarter(2026, 3)).run()
    assert marked(at, lang) == _labels(lang, "item.correct_reason", "form.status",
                                       "form.percent")
    _no_browser_block(at)
    at = go_to(app_as("observador@demo.example", lang), "my-account")
    assert marked(at, lang) == _labels(lang, "account.current", "account.new", "account.again")


# -- refusals naming a field ----------------------------------------------------------------

_MARK = re.compile(r'data-tracker-invalid-field="([^"]+)"')


def invalid_marks(at, box: str) -> list[tuple[str, bool]]:
    """(the field's element class, takes the focus) of each field mark in the container of
    ``box`` (a refusal, ``ui.flash.say``)."""
    return [(found.group(1), "focus(" in node.value)
            for node in at.get_by_key(box) if node.type == "html"
            if (found := _MARK.search(node.value))]


def _press(at, label: str, within=None) -> None:
    """Press the button ``label`` (of ``within``, a form's panel, or of the page) and run."""
    next(b for b in (within or at).button if b.label == label).click()
    at.run()


def test_a_report_refused_for_its_status_marks_the_status_then_the_percent(db_url):
    at = go_to(app_as("dinapen@demo.example"), "my-institution")
    expander = first_missing_form(at)
    field(expander.text_area, "narrative").input("Workshops held.")
    _press(at, "Save draft", expander)
    [box] = [b.key for b in first_missing_form(at) if str(getattr(b, "key", "")).startswith(
        "refused:")]
    status = field(first_missing_form(at).selectbox, "status")
    assert invalid_marks(at, box) == [(element_class(status.key), True)]
    at.run()  # drawn again (another press elsewhere): the mark stays, the focus does not move
    assert invalid_marks(at, box) == [(element_class(status.key), False)]
    field(first_missing_form(at).selectbox, "status").select("in_progress")
    _press(at, "Save draft", first_missing_form(at))
    percent = field(first_missing_form(at).number_input, "percent")
    assert invalid_marks(at, box) == [(element_class(percent.key), True)]


def test_a_correction_refused_for_its_reason_marks_the_reason(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "item")
    at.selectbox(key="item").set_value(item_id_of(db_url, "1.4")).run()
    at.selectbox(key="correct:quarter").set_value(Quarter(2026, 3)).run()
    form = next(e for e in at.expander if e.label.startswith("Correct a report"))
    field(form.selectbox, "status").select("in_progress")
    field(form.number_input, "percent").set_value(66.0)
    _press(at, "Submit", form)
    form = next(e for e in at.expander if e.label.startswith("Correct a report"))
    [box] = [b.key for b in form if str(getattr(b, "key", "")).startswith("refused:")]
    assert invalid_marks(at, box) == [("correct-reason", True)]


def test_a_meeting_with_nobody_present_marks_the_attendance(db_url):
    at = go_to(app_as("coordinacion@demo.example", "es"), "meetings")
    present = form_field(at.multiselect, "meeting", "present")
    _press(at, "Guardar reunión")
    assert invalid_marks(at, "flash:no:meetings:meeting") == [(element_class(present.key), True)]


def test_an_empty_decision_marks_its_text(db_url):
    record_demo_meeting(db_url)
    at = go_to(app_as("coordinacion@demo.example"), "meetings")
    text = next(w for w in at.text_area if re.fullmatch(r"decision:\d+:[\w-]+:text", w.key))
    form = text.key.rsplit(":", 1)[0]
    name = form.rsplit(":", 1)[0]
    [add] = [b for b in at.button if b.label == "Add decision" and form in b.proto.form_id]
    add.click()
    at.run()
    assert invalid_marks(at, f"flash:no:meetings:{name}") == [(element_class(text.key), True)]


def test_a_new_account_with_a_bad_e_mail_marks_the_e_mail(db_url):
    at = go_to(app_as("admin@demo.example"), "accounts")
    at.text_input(key="new:email").input("not an address")
    at.text_input(key="new:name").input("Nuevo punto focal")
    _press(at, "Create account")
    assert invalid_marks(at, "flash:no:accounts:create") == [("new-email", True)]


def test_a_new_plan_with_a_quarter_that_is_none_marks_that_quarter(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "plan-files")
    at.text_input(key="newplan:name").input("Plan fronterizo 2027")
    at.text_input(key="newplan:first").input("2027-Q1")
    at.text_input(key="newplan:last").input("someday")
    _press(at, "Create the plan")
    assert invalid_marks(at, "flash:no:plan_files:new_plan") == [("newplan-last", True)]


def test_a_reopen_request_without_a_reason_marks_the_reason(db_url):
    at = _open_reopen_form(go_to(app_as("dinapen@demo.example"), "my-institution"), "en")
    reason = form_field(at.text_area, "reopen", "reason")
    _press(at, "Send request")
    assert invalid_marks(at, "flash:no:my_institution:reopen") == [
        (element_class(reason.key), True)]


def test_an_item_without_a_code_marks_the_code(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "plan")
    code = next(w for w in at.text_input if re.fullmatch(r"item:0:[\w-]+:code", w.key))
    form = code.key.removesuffix(":code")
    at.text_input(key=f"{form}:title").input("A new item")
    at.text_input(key=f"{form}:start").input("2026-Q4")
    at.text_input(key=f"{form}:due").input("2027-Q2")
    _press(at, "Save item")
    assert invalid_marks(at, "flash:no:plan_admin:item") == [(element_class(code.key), True)]
