"""Entry point: page config, sign-in gate, language switch, navigation by role."""

import streamlit as st

from pages import (
    accounts_page,
    activity_page,
    getting_started_page,
    item_page,
    meetings_page,
    my_account_page,
    my_institution_page,
    overview_page,
    plan_admin_page,
    plan_files_page,
    presentation_page,
    review_page,
    sign_in_page,
)
from tracker.i18n import t
from tracker.services.permissions import PageName, visible_pages
from ui import accessibility, data, incident, navigation, state
from ui.text import md_t
from ui.widgets import language_switch

# an emoji: Streamlit draws it as an inline SVG; a ":material/…:" favicon made every viewer's
# browser fetch it from fonts.gstatic.com (issue 25: no request leaves for another host)
st.set_page_config(page_title="Joint Work Plan Tracker", page_icon="📊", layout="wide")

# Pages are functions, not scripts: Streamlit's legacy pages/ discovery runs scripts found in
# pages/ directly (skipping this gate) on a server's first run; a module that only defines
# render() runs nothing there, and the url paths below differ from the file names.
PAGES = {
    PageName.OVERVIEW: (overview_page.render, ":material/bar_chart:", "overview"),
    PageName.GETTING_STARTED: (getting_started_page.render, ":material/checklist:",
                               "getting-started"),
    PageName.MY_INSTITUTION: (my_institution_page.render, ":material/edit_note:",
                              "my-institution"),
    PageName.REVIEW: (review_page.render, ":material/fact_check:", "review"),
    PageName.ITEM: (item_page.render, ":material/list_alt:", "item"),
    PageName.PRESENTATION: (presentation_page.render, ":material/co_present:", "presentation"),
    PageName.MEETINGS: (meetings_page.render, ":material/groups:", "meetings"),
    PageName.ACTIVITY: (activity_page.render, ":material/history:", "activity"),
    PageName.PLAN_ADMIN: (plan_admin_page.render, ":material/tune:", "plan"),
    PageName.PLAN_FILES: (plan_files_page.render, ":material/upload_file:", "plan-files"),
    PageName.ACCOUNTS: (accounts_page.render, ":material/group:", "accounts"),
    PageName.MY_ACCOUNT: (my_account_page.render, ":material/person:", "my-account"),
}

SIGN_OUT_SHORTCUT = "Alt+Shift+S"  # one chord from anywhere (WCAG 2.1.1, the keyboard test)

user = state.current_user()
lang = state.language(user)
if user is not None:
    data.begin_run()  # the store's change generations, which every cached read is keyed on

with st.sidebar:
    state.deliver_cookie()
    language_switch(lang)
    if user is not None:
        st.caption(md_t("app.signed_in_as", lang, name=user.name))
        st.button(t("app.sign_out", lang), key="sign_out", on_click=state.sign_out,
                  shortcut=SIGN_OUT_SHORTCUT)

if user is None:
    # a link to a page opens the sign-in form at that address, and signing in lands there
    pages = [st.Page(sign_in_page.render, title=t("nav.sign_in", lang), icon=":material/login:",
                     url_path=path, default=path == "sign-in",
                     visibility="visible" if path == "sign-in" else "hidden")
             for path in ["sign-in", *(page[2] for page in PAGES.values())]]
    pages = navigation.with_unknown_path(pages, sign_in_page.render, t("nav.sign_in", lang),
                                         lang)
else:
    # a password someone else chose is changed before anything else
    names = ([PageName.MY_ACCOUNT] if user.must_change_password
             else visible_pages(user.actor))
    by_name = {name: st.Page(PAGES[name][0], title=t(f"nav.{name}", lang), icon=PAGES[name][1],
                             # the default page is served at "/": its typed name is an
                             # unknown address like any other (ui.navigation)
                             url_path=("home-" if name is names[0] else "") + PAGES[name][2],
                             default=name is names[0])
               for name in names}
    navigation.remember(by_name)
    pages = navigation.with_unknown_path(list(by_name.values()), PAGES[names[0]][0],
                                         t(f"nav.{names[0]}", lang), lang)

try:
    page = st.navigation(pages)
    accessibility.set_page(lang, page.title)
    with st.sidebar:
        accessibility.page_semantics(lang, (page.url_path or "/") if user is not None else None)
    page.run()
except Exception as error:  # never a traceback on screen: an incident id, the log has it all
    incident.report(error)
