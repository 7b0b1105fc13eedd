"""The web server's own rules: cookie routes refuse other sites, forwarded headers are believed
only from a trusted proxy, and no other site may frame the app."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from tracker import web
from tracker.models import User
from tracker.services import auth
from tracker.services.accounts import add_user
from tracker.services.permissions import SYSTEM

PAGE_TOKEN = "victim page token"


async def _page(request):
    return HTMLResponse("<html><body>app</body></html>")


def _client(peer: tuple[str, int] = ("127.0.0.1", 40000), token: str | None = PAGE_TOKEN):
    import server

    app = Starlette(routes=[*server.ROUTES, Route("/", _page)], middleware=server.MIDDLEWARE)
    return TestClient(app, client=peer, base_url="http://app.example",
                      cookies={web.CSRF_COOKIE: token} if token else None)


@pytest.fixture
def code_for(engine, database_url, monkeypatch, session):
    """A one-time code for a fresh account, bound to the anti-forgery cookie given."""
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    user = add_user(session, SYSTEM, email="attacker@example.org", display_name="Attacker",
                    role="observer", password="correct horse battery", plans=[])
    session.commit()

    def make(binding: str) -> str:
        with Session(engine) as other:
            _, code = auth.start_session(other, other.get(User, user.id), binding=binding)
            other.commit()
        return code

    return make


def test_a_cross_site_form_cannot_sign_a_browser_in(code_for):
    """Login CSRF: another site's auto-submitted form with a valid code is refused."""
    code = code_for(PAGE_TOKEN)
    client = _client()
    for headers in ({"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"},
                    {"Sec-Fetch-Site": "same-site", "Origin": "http://www.app.example"},
                    {"Origin": "http://evil.example"}):
        response = client.post("/api/session", data={"code": code, "csrf": PAGE_TOKEN},
                               headers=headers)
        assert response.status_code == 403
        assert auth.COOKIE_NAME not in response.headers.get("set-cookie", "")
    same = client.post("/api/session", data={"code": code, "csrf": PAGE_TOKEN},
                       headers={"Sec-Fetch-Site": "same-origin",
                                "Origin": "http://app.example"})
    assert same.status_code == 200 and auth.COOKIE_NAME in same.headers["set-cookie"]


def test_a_code_works_only_with_the_page_token_it_was_given_to(code_for):
    """The attacker's own code, fetched in the attacker's browser, is bound to the attacker's
    page token: it cannot sign in a browser that holds another token."""
    attackers_code = code_for("attacker page token")
    client = _client()
    refused = client.post("/api/session", data={"code": attackers_code, "csrf": PAGE_TOKEN},
                          headers={"Sec-Fetch-Site": "same-origin"})
    assert refused.status_code == 400
    no_token = _client(token=None).post("/api/session", data={"code": code_for("")},
                                        headers={"Sec-Fetch-Site": "same-origin"})
    assert no_token.status_code == 403


def test_another_site_cannot_sign_the_user_out(code_for):
    code = code_for(PAGE_TOKEN)
    client = _client()
    client.post("/api/session", data={"code": code, "csrf": PAGE_TOKEN},
                headers={"Sec-Fetch-Site": "same-origin"})
    session_cookie = client.cookies[auth.COOKIE_NAME]
    for data, headers in (({"csrf": PAGE_TOKEN}, {"Sec-Fetch-Site": "cross-site"}),
                          ({}, {"Sec-Fetch-Site": "same-origin"}),
                          ({"csrf": "guessed"}, {})):
        response = client.post("/api/sign-out", data=data, headers=headers)
        assert response.status_code == 403
        assert client.cookies[auth.COOKIE_NAME] == session_cookie
    signed_out = client.post("/api/sign-out", data={"csrf": PAGE_TOKEN},
                             headers={"Sec-Fetch-Site": "same-origin"})
    assert signed_out.status_code == 200 and "Max-Age=0" in signed_out.headers["set-cookie"]


@pytest.mark.parametrize(("trusted", "peer", "secure"), [
    ("", ("127.0.0.1", 40000), False),            # no proxy configured: the header is a lie
    ("127.0.0.1", ("127.0.0.1", 40000), True),    # our proxy says the browser used HTTPS
    ("127.0.0.1", ("127.0.0.1", 0), True),        # ... after uvicorn applied it already
    ("", ("127.0.0.1", 0), False),                # uvicorn believed loopback: undone
    ("10.0.0.0/8", ("203.0.113.5", 40000), False),  # a client pretending to be a proxy
    ("10.0.0.0/8", ("10.1.2.3", 40000), True),
    # Streamlit bound to all addresses (its default) sees nginx on 127.0.0.1 like this
    ("127.0.0.1", ("::ffff:127.0.0.1", 40000), True),
    ("::ffff:10.0.0.0/104", ("10.1.2.3", 40000), True),
    ("10.0.0.0/8", ("::ffff:10.1.2.3", 40000), True),
    ("::ffff:10.0.0.0/104", ("::ffff:203.0.113.5", 40000), False),
    ("", ("::ffff:127.0.0.1", 40000), False),
])
def test_the_cookie_is_secure_behind_a_trusted_tls_proxy_only(code_for, monkeypatch, trusted,
                                                               peer, secure):
    monkeypatch.setenv("TRACKER_TRUSTED_PROXIES", trusted)
    response = _client(peer).post(
        "/api/session", data={"code": code_for(PAGE_TOKEN), "csrf": PAGE_TOKEN},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7",
                 "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200
    assert ("; secure" in response.headers["set-cookie"].lower()) is secure
    assert ("strict-transport-security" in response.headers) is secure


def test_the_browser_address_comes_from_a_trusted_proxy_only():
    networks = web.parse_networks("127.0.0.1, 10.0.0.0/8")
    assert web.forwarded_client("127.0.0.1", "198.51.100.7", networks) == "198.51.100.7"
    # what the browser wrote itself (on the left) is not believed
    assert web.forwarded_client("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2",
                                networks) == "198.51.100.7"
    assert not web.is_trusted("203.0.113.5", networks)
    assert web.parse_networks("not an address, ::1") == web.parse_networks("::1")


def test_ipv4_mapped_addresses_are_the_addresses_they_map():
    """A dual-stack socket shows IPv4 peers as ``::ffff:a.b.c.d``: the same proxy, the same
    client, whichever way the address or the trusted network is written."""
    loopback = web.parse_networks("127.0.0.1")
    assert web.is_trusted("::ffff:127.0.0.1", loopback)
    assert web.is_trusted("[::ffff:127.0.0.1]", loopback)
    assert not web.is_trusted("::ffff:127.0.0.2", loopback)
    assert not web.is_trusted("::1", loopback)  # IPv6's own loopback is another address
    mapped = web.parse_networks("::ffff:10.0.0.0/104")
    assert mapped == web.parse_networks("10.0.0.0/8")
    assert web.is_trusted("10.0.0.1", mapped) and web.is_trusted("::ffff:10.0.0.1", mapped)
    assert not web.is_trusted("11.0.0.1", mapped)
    assert web.is_trusted("::ffff:10.0.0.1", web.parse_networks("::ffff:0:0/96"))  # all IPv4
    # the browser's address is one sign-in bucket, however a hop wrote it
    assert web.forwarded_client("::ffff:127.0.0.1", "::ffff:198.51.100.7",
                                loopback) == "198.51.100.7"
    assert web.forwarded_client("::ffff:127.0.0.1", "198.51.100.7, ::ffff:127.0.0.1",
                                loopback) == "198.51.100.7"
    assert web.canonical("not an address") == "not an address"
    assert web.is_loopback("::ffff:127.0.0.1") and web.is_loopback("::1")
    assert not web.is_loopback("::ffff:10.0.0.1")


def test_a_mapped_peer_counts_its_forwarded_client_for_sign_in(monkeypatch):
    """The address the sign-in limits count (what ``st.context.ip_address`` reads) is the
    browser's, not the proxy's, when nginx arrives as ``::ffff:127.0.0.1``."""
    monkeypatch.setenv("TRACKER_TRUSTED_PROXIES", "127.0.0.1")
    seen: list[tuple[str, int]] = []

    async def client_of(request):
        seen.append(request.scope["client"])
        return HTMLResponse("ok")

    import server

    app = Starlette(routes=[Route("/who", client_of)], middleware=server.MIDDLEWARE)
    for peer, forwarded in ((("::ffff:127.0.0.1", 40000), "198.51.100.7"),
                            (("::ffff:203.0.113.5", 40000), "198.51.100.7")):
        TestClient(app, client=peer).get("/who", headers={"X-Forwarded-For": forwarded})
    assert seen == [("198.51.100.7", 0), ("203.0.113.5", 40000)]


def test_media_addresses_and_saved_file_names():
    assert web.media_file_id("/media/abc.pptx") == "abc.pptx"
    assert web.media_file_id("/tracker/media/abc", "/tracker/") == "abc"
    assert web.media_file_id("/media/a/b") == "" and web.media_file_id("/media/") == ""
    assert web.media_file_id("/mediax/a") is None and web.media_file_id("/") is None
    assert web.attachment("Plan Q4 2026 es.pdf") == 'attachment; filename="Plan Q4 2026 es.pdf"'
    assert web.attachment("Año\r\nSet-Cookie: x") == (
        "attachment; filename*=utf-8''A%C3%B1o%0D%0ASet-Cookie%3A%20x")


def test_no_other_site_may_frame_the_app():
    response = _client(token=None).get("/")
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert f"{web.CSRF_COOKIE}=" in response.headers["set-cookie"]  # the page's token
    assert "httponly" in response.headers["set-cookie"].lower()
    again = _client().get("/")  # a browser that has one keeps it
    assert web.CSRF_COOKIE not in again.headers.get("set-cookie", "")


def test_a_download_goes_once_to_the_live_session_it_was_made_for(code_for, monkeypatch,
                                                                  engine, session):
    """The /media/ route through the middleware (Streamlit's storage stood in for)."""
    import server
    from tracker.downloads import TICKETS

    client = _client()
    client.post("/api/session", data={"code": code_for(PAGE_TOKEN), "csrf": PAGE_TOKEN},
                headers={"Sec-Fetch-Site": "same-origin"})
    with Session(engine) as db:
        session_id = auth.signed_in_cookie(db, client.cookies[auth.COOKIE_NAME])
    stored = {"mine": TICKETS.issue(session_id, b"the deck", 'plan "Q4".pptx', "x/y"),
              "theirs": TICKETS.issue(session_id + 1000, b"other", "other.pptx", "x/y")}
    monkeypatch.setattr(server, "_stored", lambda file_id: stored.get(file_id, b""))

    assert _client(token=None).get("/media/mine").status_code == 403  # no cookie
    assert client.get("/media/theirs").status_code == 404
    assert client.get("/media/image.png").status_code == 404  # anything not a ticket
    check = client.get("/media/mine", headers={"Sec-Fetch-Mode": "cors"})  # the page's check
    assert (check.status_code, check.content) == (204, b"")
    served = client.get("/media/mine", headers={"Sec-Fetch-Mode": "navigate"})
    assert (served.status_code, served.content) == (200, b"the deck")
    assert served.headers["content-disposition"] == (
        "attachment; filename*=utf-8''plan%20%22Q4%22.pptx")
    assert served.headers["cache-control"] == "no-store"
    again = client.get("/media/mine")
    assert (again.status_code, again.content) == (404, b"")  # forgotten once served


STREAMLIT_INDEX = Path(streamlit.__file__).parent / "static" / "index.html"


def _index_client():
    """The server's middleware around Streamlit's own page, as Streamlit serves it (with an
    ETag, and a 304 to a browser that has it)."""
    import server

    page = STREAMLIT_INDEX.read_bytes()

    async def index(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Response(status_code=304)
        return Response(page, media_type="text/html", headers={"ETag": '"v1"'})

    app = Starlette(routes=[Route("/", index), Route("/{page}", index)],
                    middleware=server.MIDDLEWARE)
    return TestClient(app, base_url="http://app.example")


@pytest.mark.parametrize("address, default, lang, title", [
    ("/?lang=es", "en", "es", "Seguimiento del plan de trabajo conjunto"),
    ("/my-institution", "es", "es", "Seguimiento del plan de trabajo conjunto"),
    ("/?lang=en", "es", "en", "Joint Work Plan Tracker"),
    ("/?lang=xx", "en", "en", "Joint Work Plan Tracker"),
])
def test_the_served_page_has_the_readers_language_and_the_products_name(monkeypatch, address,
                                                                       default, lang, title):
    """From the first byte, before the script runs: not Streamlit's lang="en" and
    "Streamlit"; never answered from a cached copy in another language."""
    monkeypatch.setenv("TRACKER_DEFAULT_LANG", default)
    assert b'<html lang="en">' in STREAMLIT_INDEX.read_bytes()
    response = _index_client().get(address, headers={
        "Accept": "text/html,application/xhtml+xml", "Accept-Encoding": "gzip",
        "If-None-Match": '"v1"'})
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text
    assert f"<title>{title}</title>" in response.text
    assert "<title>Streamlit</title>" not in response.text
    assert int(response.headers["content-length"]) == len(response.content)
    assert "etag" not in response.headers
    assert response.headers["X-Frame-Options"]  # the security headers stay
    # Streamlit's own list of the pages/ files ("accounts_page"…) never shows
    assert '[data-testid="stSidebarNav"]:has(a[href$="_page"]){display:none}' in response.text
