"""The navigation between the pages (dashboard.py, ui/navigation.py): each role's
pages, what is left after signing out, a signed-out link."""

from __future__ import annotations

import pytest

from tests.apptest import app_as, dashboard, go_to, pages_in_navigation, sign_in


@pytest.mark.parametrize("email, pages", [
    ("dinapen@demo.example", ["", "my-institution", "item", "presentation", "my-account"]),
    ("coordinacion@demo.example", ["", "getting-started", "review", "item", "presentation",
                                   "meetings", "activity", "plan", "plan-files", "accounts",
                                   "my-account"]),
    ("observador@demo.example", ["", "item", "presentation", "my-account"]),
    ("admin@demo.example", ["", "getting-started", "item", "presentation", "meetings",
                            "activity", "plan", "plan-files", "accounts", "my-account"]),
])
def test_navigation_offers_each_role_its_pages_only(db_url, email, pages):
    at = app_as(email)
    assert not at.exception
    assert pages_in_navigation(at) == pages


def test_after_sign_out_only_the_sign_in_page_is_left(db_url):
    at = app_as("dinapen@demo.example")
    at.button(key="sign_out").click().run()
    assert at.text_input(key="email") is not None
    # every address left is the sign-in form (a link to a page signs in there)
    for path in [p for p in pages_in_navigation(at) if p]:
        page = go_to(at, path)
        assert page.text_input(key="email") is not None and not page.get("plotly_chart"), path


def test_a_signed_out_link_to_a_page_signs_in_there(db_url):
    at = dashboard()
    at.query_params["lang"] = "es"
    at.run()
    [review] = [h for h, info in at._registered_pages.items()
                if info["url_pathname"] == "review"]
    at._page_hash = review  # the browser opened /review, signed out
    at.run()
    assert not at.exception and at.text_input(key="email")  # the sign-in form, no "not found"
    at = sign_in(at, "coordinacion@demo.example")
    assert at.title[0].value == "Revisar reportes"  # where the link pointed


def test_no_address_of_the_app_looks_like_streamlits_list_of_page_files(db_url):
    """The served page hides a page list with an address ending in "_page" (Streamlit's list
    of the pages/ files, shown until the script's navigation is drawn: server.py): none of
    the app's own addresses may end so, or its navigation would be hidden too."""
    import server

    assert b'a[href$="_page"]' in server.LEGACY_NAV_STYLE
    for email in ("admin@demo.example", "coordinacion@demo.example", "dinapen@demo.example"):
        paths = pages_in_navigation(app_as(email))
        assert paths and not [p for p in paths if p.endswith("_page")], paths
    signed_out = dashboard()
    signed_out.run()
    assert not [p for p in pages_in_navigation(signed_out) if p.endswith("_page")]
