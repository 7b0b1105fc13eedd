
"""The item page (pages/item_page.py): figures, versions, links, corrections."""

from __future__ import annotations

from tests.apptest import app_as, field, go_to, item_id_of, said_under
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
