
"""The item page (pages/item_page.py): figures, versions, links, corrections."""

from __future__ import annotations

from sqlmodel import func, select

from tests.apptest import (
    app_as,
    field,
    go_to,
    item_id_of,
    plan_id_of,
    query_one,
    said_under,
)
from tracker.demo import ECUADOR_PLAN, TRINATIONAL_PLAN
from tracker.models import ActionItem, Plan
from tracker.quarters import Quarter


def test_item_page_shows_figures_and_every_version(db_url):
    at = go_to(app_as("observador@demo.example"), "item")
    assert at.title[0].value == "Action items"
    assert at.selectbox(key="item").value is not None
    figures, history = at.dataframe[0].value, at.dataframe[1].value
    assert "Progress" in figures.columns and len(figures) >= 4
    assert {"Version", "State", "By"} <= set(history.columns)
    assert len(history) > 0
    changes = at.dataframe[2].value
    assert "Item created" in changes["What"].tolist()  # the demo's import created it
    assert "Report imported" not in changes["Who"].tolist()


def test_a_link_to_an_item_opens_that_item_even_after_another_was_shown(db_url):
    at = go_to(app_as("observador@demo.example"), "item")
    first = at.selectbox(key="item").value
    assert at.header[0].value.startswith("1.1 · ")
    go_to(at, "")
    at.query_params["item"] = str(first + 1)  # the demo's item 1.2
    go_to(at, "item")
    assert at.selectbox(key="item").value == first + 1
    assert at.header[0].value.startswith("1.2 · ")


def test_a_coordinator_corrects_a_closed_quarter_saying_why(db_url):
    at = go_to(app_as("coordinacion@demo.example"), "item")
    at.selectbox(key="item").set_value(item_id_of(db_url, "1.4")).run()  # PN, in progress
    at.selectbox(key="correct:quarter").set_value(Quarter(2026, 3)).run()
    form = next(e for e in at.expander if e.label.startswith("Correct a report"))
    field(form.number_input, "percent").set_value(66.0)
    field(form.text_area, "narrative").input("Figures sent by e-mail after the close.")
    next(b for b in form.button if b.label == "Submit").click()
    at.run()
    assert any("says why: write the reason" in e.value for e in at.error)
    form = next(e for e in at.expander if e.label.startswith("Correct a report"))
    assert field(form.text_area, "narrative").value == "Figures sent by e-mail after the close."
    at.text_input(key="correct:reason").input("The focal point was on leave")
    next(b for b in form.button if b.label == "Submit").click()
    at.run()
    history = at.dataframe[-1].value
    assert any("reason: — → The focal point was on leave" in c for c in history.iloc[:, -1])


def _item_of(db_url: str, plan: str, code: str) -> int:
    return query_one(db_url, select(ActionItem.id).join(Plan).where(
        Plan.name == plan, ActionItem.code == code))


def _an_item_of(db_url: str, plan: str) -> int:
    return query_one(db_url, select(func.min(ActionItem.id)).join(Plan).where(
        Plan.name == plan))


def test_an_item_of_another_plan_is_refused_never_replaced(db_url):
    """Issue 26, item 4: ``/item?plan=B&item=<an item of plan A>`` said nothing and opened
    item 1.1 of plan B."""
    ecuador_item = _item_of(db_url, ECUADOR_PLAN, "2.1")
    at = app_as("observador@demo.example")
    at.query_params["plan"] = str(plan_id_of(db_url, TRINATIONAL_PLAN))
    at.query_params["item"] = str(ecuador_item)
    go_to(at, "item")
    assert not at.exception
    [error] = at.error
    assert f"item {ecuador_item}, which is not an action item of Plan trinacional" in error.value
    assert at.selectbox(key="item").value is None
    assert not at.header and not at.dataframe  # no other item's figures or history


def test_an_item_named_without_its_plan_is_refused_when_the_plan_shown_lacks_it(db_url):
    """``/item?item=39``: the plan shown is the default one; an item of another plan is
    refused with a message, not swapped for that plan's first item."""
    at = app_as("observador@demo.example")
    go_to(at, "item")
    shown_plan = at.selectbox(key="plan").value
    other = next(name for name in (ECUADOR_PLAN, TRINATIONAL_PLAN)
                 if plan_id_of(db_url, name) != shown_plan)
    foreign = _an_item_of(db_url, other)
    at.query_params.clear()
    at.query_params["lang"] = "en"
    at.query_params["item"] = str(foreign)
    at.run()
    assert any("which is not an action item of" in e.value for e in at.error)
    assert not at.header


def test_the_item_and_plan_follow_the_address_when_it_goes_back(db_url):
    """Back and Forward rerun the page with the address they return to: the page shows that
    address, whatever was chosen in the session before."""
    ecuador, trinational = plan_id_of(db_url, ECUADOR_PLAN), plan_id_of(db_url, TRINATIONAL_PLAN)
    at = app_as("observador@demo.example")
    at.query_params["plan"] = str(ecuador)
    at.query_params["item"] = str(_item_of(db_url, ECUADOR_PLAN, "1.3"))
    go_to(at, "item")
    assert at.header[0].value.startswith("1.3 · ")
    at.selectbox(key="plan").set_value(trinational).run()  # a choice: the address follows
    assert at.query_params["plan"] == str(trinational)
    assert "item" not in at.query_params  # the item of the former plan is dropped
    assert at.header[0].value.startswith("T1.1 · ")
    # Back: the earlier address again, with the session still holding the later choice
    at.query_params["plan"] = str(ecuador)
    at.query_params["item"] = str(_item_of(db_url, ECUADOR_PLAN, "1.3"))
    at.run()
    assert at.selectbox(key="plan").value == ecuador
    assert at.header[0].value.startswith("1.3 · ")


def test_a_plan_the_person_may_not_read_is_refused(db_url):
    at = app_as("innfa@demo.example")  # INNFA takes part in the Ecuador plan only
    at.query_params["plan"] = str(plan_id_of(db_url, TRINATIONAL_PLAN))
    go_to(at, "item")
    assert not at.exception
    assert any("which does not exist or which you may not open on this page" in e.value
               for e in at.error)
    assert at.selectbox(key="plan").value is None
    assert not at.header and not at.dataframe


def test_a_correction_says_what_it_did_inside_the_correction_with_the_focus(db_url):
    """Issue 26, item 7: a coordinator's correction showed nothing on the item page; the
    refusal and the outcome are said under the form's buttons, and take the focus."""
    at = go_to(app_as("coordinacion@demo.example"), "item")
    at.selectbox(key="item").set_value(item_id_of(db_url, "1.4")).run()
    at.selectbox(key="correct:quarter").set_value(Quarter(2026, 3)).run()
    form = next(e for e in at.expander if e.label.startswith("Correct a report"))
    field(form.number_input, "percent").set_value(66.0)
    next(b for b in form.button if b.label == "Submit").click()
    at.run()
    form = next(e for e in at.expander if e.label.startswith("Correct a report"))
    [(kind, text, focus)] = said_under(form, "refused:")
    assert kind == "error" and "says why: write the reason" in text and focus
    at.text_input(key="correct:reason").input("The focal point was on leave")
    next(b for b in form.button if b.label == "Submit").click()
    at.run()
    form = next(e for e in at.expander if e.label.startswith("Correct a report"))
    assert said_under(form, "flash:ok:report:") == [("success", "Report on 1.4 submitted.", True)]
    assert not said_under(form, "refused:")
