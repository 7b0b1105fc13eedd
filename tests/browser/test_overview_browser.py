"""The app opens on the demo: sign in, the overview in English, then in Spanish."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in, wait_for_cookie, wait_idle


def test_sign_in_page_shows_demo_accounts(page: Page, app_url: str):
    page.goto(app_url)
    wait_idle(page)
    expect(page.get_by_role("heading", name="Joint Work Plan Tracker")).to_be_visible()
    expect(page.get_by_text("demo-commission-2026").first).to_be_visible()


def test_overview_in_english_then_spanish(page: Page, app_url: str):
    sign_in(page, app_url, "observador@demo.example")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_text("Plan progress")).to_be_visible()
    chart = page.locator("[data-testid=stPlotlyChart]").first
    expect(chart.get_by_text("Progress by lead institution, Q4 2026")).to_be_visible()
    page.locator("[data-testid=stSidebar]").get_by_text("Español").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Resumen")).to_be_visible()
    expect(page.get_by_text("Avance del plan")).to_be_visible()
    expect(chart.get_by_text("Avance por institución responsable, T4 2026")).to_be_visible()
    assert "lang=es" in page.url


def test_wrong_password_says_so_and_stays_on_sign_in(page: Page, app_url: str):
    page.goto(app_url)
    wait_idle(page)
    page.get_by_label("E-mail").fill("coordinacion@demo.example")
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page)
    expect(page.get_by_text("The e-mail or the password is not right.")).to_be_visible()


def test_a_refresh_keeps_the_user_signed_in_until_sign_out(page: Page, app_url: str):
    sign_in(page, app_url, "observador@demo.example")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    cookie = wait_for_cookie(page, "tracker_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.reload()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    other_tab = page.context.new_page()
    other_tab.goto(app_url + "/?lang=en")
    wait_idle(other_tab)
    expect(other_tab.get_by_role("heading", name="Overview")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.reload()
    wait_idle(page)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    other_tab.reload()  # the session was revoked on the server, not just forgotten here
    wait_idle(other_tab)
    expect(other_tab.get_by_role("button", name="Sign in")).to_be_visible()


def _shown(page: Page, label: str) -> str:
    return page.get_by_role("combobox", name=label).input_value()


def _choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).click()
    wait_idle(page)


def test_back_shows_what_the_address_says(page: Page, app_url: str):
    """Issue 26, item 4: plan A, plan B, another quarter, then Back twice: at each step the
    address and the page name the same plan and quarter."""
    from urllib.parse import parse_qs, urlsplit

    from tracker.demo import ECUADOR_PLAN, TRINATIONAL_PLAN

    def asked() -> dict[str, list[str]]:
        return parse_qs(urlsplit(page.url).query)

    chart = page.locator("[data-testid=stPlotlyChart]").first
    sign_in(page, app_url, "observador@demo.example")
    expect(chart.get_by_text("Progress by lead institution, Q4 2026")).to_be_visible()
    plan_a = asked()["plan"]  # the address always names the plan shown
    assert _shown(page, "Plan") == ECUADOR_PLAN and "quarter" not in asked()
    _choose(page, "Plan", TRINATIONAL_PLAN)
    plan_b = asked()["plan"]
    assert _shown(page, "Plan") == TRINATIONAL_PLAN and plan_b != plan_a
    _choose(page, "Quarter", "Q2 2026")
    expect(chart.get_by_text("Progress by lead institution, Q2 2026")).to_be_visible()
    assert asked()["plan"] == plan_b and asked()["quarter"] == ["2026-Q2"]

    page.go_back()  # plan B, its default quarter
    wait_idle(page)
    expect(chart.get_by_text("Progress by lead institution, Q4 2026")).to_be_visible()
    assert asked()["plan"] == plan_b and "quarter" not in asked()
    assert _shown(page, "Plan") == TRINATIONAL_PLAN
    assert _shown(page, "Quarter") == "Q4 2026"

    page.go_back()  # plan A, as first shown
    wait_idle(page)
    expect(page.get_by_role("combobox", name="Plan")).to_have_value(ECUADOR_PLAN)
    assert asked()["plan"] == plan_a and "quarter" not in asked()
    assert _shown(page, "Quarter") == "Q4 2026"
    expect(chart.get_by_text("Progress by lead institution, Q4 2026")).to_be_visible()


def test_a_page_opened_from_the_navigation_shows_the_plan_shown_last(page: Page,
                                                                     app_url: str):
    """Streamlit's navigation drops the address: the next page shows the plan the person
    was looking at, and its address says so."""
    from urllib.parse import parse_qs, urlsplit

    from tracker.demo import TRINATIONAL_PLAN

    sign_in(page, app_url, "observador@demo.example")
    _choose(page, "Plan", TRINATIONAL_PLAN)
    plan = parse_qs(urlsplit(page.url).query)["plan"]
    page.locator("[data-testid=stSidebarNav]").get_by_text("Action items", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("combobox", name="Plan")).to_have_value(TRINATIONAL_PLAN)
    assert urlsplit(page.url).path.endswith("/item")
    assert parse_qs(urlsplit(page.url).query)["plan"] == plan
