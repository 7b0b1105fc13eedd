"""Query parameters fuzzed with hypothesis: whatever a link carries, the page shows itself or
a message (never a traceback), and no parameter changes who you are or what you may see."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.apptest import dashboard, pages_in_navigation, sign_in

KEYS = ["plan", "quarter", "country", "institution", "line", "lang", "item", "drill", "user",
        "user_id", "role", "admin", "page", "signin_session_id", "embed"]
VALUES = st.one_of(
    st.sampled_from(["1", "2", "999999", "-1", "0", "2026-Q3", "2026-Q9", "T3 2026", "EC",
                     "OIM", "es", "en", "fr", "true", "admin", "coordinator", "<script>",
                     "' OR 1=1 --", "1.1", "", "%00", "x" * 5000]),
    st.text(max_size=20))
PARAMS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5)


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(params=PARAMS)
def test_any_link_shows_the_page_to_the_same_member_with_the_same_rights(demo_url, monkeypatch,
                                                                        params):
    monkeypatch.setenv("TRACKER_DATABASE_URL", demo_url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    at = dashboard()
    for key, value in params.items():
        at.query_params[key] = value
    sign_in(at, "oim@demo.example")
    assert not at.exception
    assert any("Punto focal OIM" in caption.value for caption in at.sidebar.caption)
    assert set(pages_in_navigation(at)) <= {"", "overview", "my-institution", "item",
                                             "presentation", "my-account"}
