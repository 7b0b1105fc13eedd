"""The web server: Streamlit's app plus the two routes that keep a sign-in across refreshes.

    streamlit run server.py

``POST /api/session`` trades a one-time code (see ``tracker.services.auth``) for an HttpOnly,
SameSite=Lax session cookie; ``POST /api/sign-out`` revokes the cookie's session and clears
it. Identity never travels in a URL. Both routes refuse requests from other sites (see
``tracker.web``): the page's anti-forgery cookie must come back as a form field, and a code
is good only with the anti-forgery cookie of the page that asked for it.

``SecurityMiddleware`` believes forwarded headers only from ``TRACKER_TRUSTED_PROXIES``, adds
the security headers (no framing by other sites) to every response, and answers Streamlit's
``/media/`` route itself: a download (``tracker.downloads``) goes once, and only to the live
session of an active account it was made for; everything else there is refused.

``DocumentMiddleware`` serves the page itself in the reader's language from the first byte:
Streamlit's ``index.html`` says ``lang="en"`` and "Streamlit" until the script runs; the page
is rewritten with the ``lang`` URL parameter (else ``TRACKER_DEFAULT_LANG``) and the product's
name, and never shows Streamlit's own list of the pages/ files before the app's navigation.
"""

from __future__ import annotations

import re
import secrets
from functools import cache
from urllib.parse import parse_qs

import streamlit as st
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import config
from streamlit.runtime import Runtime

from tracker import downloads, web
from tracker.db import make_engine, session_scope
from tracker.i18n import choose_language, t
from tracker.services import auth
from tracker.settings import get_settings
from ui.incident import on_script_error


@cache
def _engine(url: str) -> Engine:
    return make_engine(url)


def _redeem(code: str, binding: str) -> str | None:
    with session_scope(_engine(get_settings().database_url)) as session:
        return auth.redeem_code(session, code, binding=binding)


def _revoke(token: str) -> None:
    with session_scope(_engine(get_settings().database_url)) as session:
        auth.revoke_cookie(session, token)


def _signed_in(token: str) -> int | None:
    with session_scope(_engine(get_settings().database_url)) as session:
        return auth.signed_in_cookie(session, token)


def _stored(file_id: str) -> bytes:
    """What Streamlit stored as file ``file_id`` (for a download: its ticket); b"" if none."""
    if not file_id or not Runtime.exists():
        return b""
    found = Runtime.instance().media_file_mgr.read_file(file_id)
    return found.content if found is not None else b""


async def media(request: Request, file_id: str) -> Response:
    """Streamlit's ``/media/<id>``, checked at the moment of the request.

    No live session of an active account in the cookie: 403. Not a download made for that
    very session (an image, a stray ``st.download_button``, a file already taken, another
    session's): 404. The browser's download (a navigation; any request without
    ``Sec-Fetch-Mode``) takes the file, which is then forgotten; the check Streamlit's page
    makes with ``fetch`` just before (``Sec-Fetch-Mode: cors``) and ``HEAD`` get 204 and
    leave it. Never cached, by the browser or a proxy.
    """
    token = request.cookies.get(auth.COOKIE_NAME)
    session_id = await run_in_threadpool(_signed_in, token) if token else None
    if session_id is None:
        return Response(status_code=403, headers={"Cache-Control": "no-store"})
    stored = _stored(file_id)
    taking = (request.method == "GET"
              and request.headers.get("sec-fetch-mode", "navigate") == "navigate")
    found = (downloads.TICKETS.take if taking else downloads.TICKETS.find)(stored, session_id)
    if found is None:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    if not taking:
        return Response(status_code=204, headers={"Cache-Control": "no-store"})
    return Response(found.content, media_type=found.mimetype, headers={
        "Content-Disposition": web.attachment(found.file_name), "Cache-Control": "no-store"})


def _refused() -> JSONResponse:
    return JSONResponse({"ok": False}, status_code=403)


async def _checked_token(request: Request) -> tuple[str, dict] | None:
    """The page's anti-forgery cookie and the form, when the request is same-origin and the
    form repeats the cookie; ``None`` for anything else."""
    if not web.same_origin(request.headers):
        return None
    form = await request.form()
    cookie = request.cookies.get(web.CSRF_COOKIE) or ""
    sent = str(form.get("csrf") or "")
    if not cookie or not secrets.compare_digest(cookie.encode(), sent.encode()):
        return None
    return cookie, dict(form)


async def create_session(request: Request) -> JSONResponse:
    checked = await _checked_token(request)
    if checked is None:
        return _refused()
    binding, form = checked
    code = str(form.get("code") or "")[:100]
    token = await run_in_threadpool(_redeem, code, binding) if code else None
    if token is None:
        return JSONResponse({"ok": False}, status_code=400)
    response = JSONResponse({"ok": True})
    response.set_cookie(
        auth.COOKIE_NAME, token, max_age=int(auth.SESSION_LIFETIME.total_seconds()),
        httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")
    return response


async def end_session(request: Request) -> JSONResponse:
    if await _checked_token(request) is None:
        return _refused()
    token = request.cookies.get(auth.COOKIE_NAME)
    if token:
        await run_in_threadpool(_revoke, token)
    response = JSONResponse({"ok": True})
    response.delete_cookie(auth.COOKIE_NAME, path="/", httponly=True, samesite="lax",
                           secure=request.url.scheme == "https")
    return response


class SecurityMiddleware:
    """Forwarded headers from trusted proxies only; security headers; the anti-forgery cookie.

    uvicorn (which ``streamlit run`` starts) already applies forwarded headers from
    ``127.0.0.1`` on its own (not from ``::ffff:127.0.0.1``, which is how a proxy on the
    loopback arrives when Streamlit binds to all addresses, its default); this middleware
    decides again with ``TRACKER_TRUSTED_PROXIES``, comparing addresses as addresses, and
    undoes uvicorn's choice when loopback is not trusted (uvicorn marks a rewritten client
    with port 0, which no real TCP peer has).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def _forwarding(self, scope: Scope) -> None:
        headers = {k.decode("latin1"): v.decode("latin1") for k, v in scope["headers"]}
        forwarded_for = headers.get("x-forwarded-for", "")
        proto = headers.get("x-forwarded-proto", "").strip().lower()
        host, port = scope.get("client") or ("", 0)
        rewritten = bool(forwarded_for) and port == 0
        peer = "127.0.0.1" if rewritten else host
        networks = web.parse_networks(get_settings().trusted_proxies)
        websocket = scope["type"] == "websocket"
        if web.is_trusted(peer, networks):
            if proto in ("http", "https"):
                scope["scheme"] = proto.replace("http", "ws") if websocket else proto
            if forwarded_for:
                scope["client"] = (web.forwarded_client(peer, forwarded_for, networks), 0)
                return
        elif proto and web.is_loopback(peer):  # uvicorn may have believed it: undo
            scope["scheme"] = "ws" if websocket else "http"
        if scope.get("client"):  # one client is one sign-in bucket, however its socket sees it
            scope["client"] = (web.canonical(peer), 0 if rewritten else port)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        self._forwarding(scope)
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        has_token = web.CSRF_COOKIE in Request(scope).cookies
        secure = scope["scheme"] == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in web.SECURITY_HEADERS.items():
                    headers[name] = value
                if secure:
                    headers["Strict-Transport-Security"] = web.HSTS
                if not has_token and headers.get("content-type", "").startswith("text/html"):
                    # the page's anti-forgery token: its scripts send it back to the routes
                    headers.append("Set-Cookie", (
                        f"{web.CSRF_COOKIE}={secrets.token_urlsafe(32)}; Path=/; HttpOnly; "
                        f"SameSite=Lax{'; Secure' if secure else ''}"))
            await send(message)

        file_id = web.media_file_id(scope["path"], config.get_option("server.baseUrlPath") or "")
        if file_id is not None:  # Streamlit's own route never sees these
            request = Request(scope, receive)
            await (await media(request, file_id))(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


HTML_LANG = re.compile(rb"<html([^>]*?)\slang=\"[^\"]*\"")
TITLE = re.compile(rb"<title>[^<]*</title>")
# Until the script's st.navigation draws the app's pages, Streamlit lists the files of pages/
# (English file names: "accounts page"…); those links, and only those, end in "_page"
# (the app's own addresses are "accounts", "my-institution"…): that list is never shown.
LEGACY_NAV_STYLE = (b'<style>[data-testid="stSidebarNav"]:has(a[href$="_page"])'
                    b"{display:none}</style>")
# what a rewritten page must not be answered from: compressed, or a cached copy in another
# language (the browser's conditional request would get a 304 for the English page)
UNREWRITABLE = {b"accept-encoding", b"if-none-match", b"if-modified-since"}


def document(html: bytes, lang: str) -> bytes:
    """Streamlit's page with the reader's language and the product's name as its title."""
    name = t("app.title", lang).replace("&", "&amp;").replace("<", "&lt;").encode()
    html = HTML_LANG.sub(lambda found: b"<html" + found[1] + b' lang="' + lang.encode() + b'"',
                         html, count=1)
    html = TITLE.sub(lambda _found: b"<title>" + name + b"</title>", html, count=1)
    return html.replace(b"</head>", LEGACY_NAV_STYLE + b"</head>", 1)


def _query_language(scope: Scope) -> str:
    values = parse_qs(scope.get("query_string", b"").decode("latin1")).get("lang") or [None]
    return choose_language(values[0])


class DocumentMiddleware:
    """The served page (a browser's GET that accepts HTML) rewritten by ``document``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        if (scope["type"] != "http" or scope["method"] != "GET"
                or b"text/html" not in headers.get(b"accept", b"")):
            await self.app(scope, receive, send)
            return
        lang = _query_language(scope)
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"]
                                      if k.lower() not in UNREWRITABLE]}
        started: list[Message] = []  # the held start of an HTML response
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                kind = MutableHeaders(scope=message).get("content-type", "")
                if kind.startswith("text/html"):
                    started.append(message)
                    return
            elif message["type"] == "http.response.body" and started:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = document(b"".join(chunks), lang)
                start = started.pop()
                head = MutableHeaders(scope=start)
                head["content-length"] = str(len(body))
                head["cache-control"] = "no-cache"
                for name in ("etag", "last-modified"):
                    if name in head:
                        del head[name]
                await send(start)
                await send({"type": "http.response.body", "body": body, "more_body": False})
                return
            await send(message)

        await self.app(scope, receive, rewrite)


ROUTES = [
    Route("/api/session", create_session, methods=["POST"]),
    Route("/api/sign-out", end_session, methods=["POST"]),
]
MIDDLEWARE = [Middleware(SecurityMiddleware), Middleware(DocumentMiddleware)]

app = st.App("dashboard.py", routes=ROUTES, middleware=MIDDLEWARE,
             on_script_error=on_script_error)
