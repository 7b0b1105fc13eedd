"""The web server: Streamlit's app plus the two routes that keep a sign-in across refreshes.

    streamlit run server.py

``POST /api/session`` trades a one-time code (see ``tracker.services.auth``) for an HttpOnly,
SameSite=Lax session cookie; ``POST /api/sign-out`` revokes the cookie's session and clears
it. Identity never travels in a URL.
"""

from __future__ import annotations

from functools import cache

import streamlit as st
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tracker.db import make_engine, session_scope
from tracker.services import auth
from tracker.settings import get_settings


@cache
def _engine(url: str) -> Engine:
    return make_engine(url)


def _redeem(code: str) -> str | None:
    with session_scope(_engine(get_settings().database_url)) as session:
        return auth.redeem_code(session, code)


def _revoke(token: str) -> None:
    with session_scope(_engine(get_settings().database_url)) as session:
        auth.revoke_cookie(session, token)


async def create_session(request: Request) -> JSONResponse:
    form = await request.form()
    code = str(form.get("code") or "")[:100]
    token = await run_in_threadpool(_redeem, code) if code else None
    if token is None:
        return JSONResponse({"ok": False}, status_code=400)
    response = JSONResponse({"ok": True})
    response.set_cookie(
        auth.COOKIE_NAME, token, max_age=int(auth.SESSION_LIFETIME.total_seconds()),
        httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")
    return response


async def end_session(request: Request) -> JSONResponse:
    token = request.cookies.get(auth.COOKIE_NAME)
    if token:
        await run_in_threadpool(_revoke, token)
    response = JSONResponse({"ok": True})
    response.delete_cookie(auth.COOKIE_NAME, path="/", httponly=True, samesite="lax")
    return response


ROUTES = [
    Route("/api/session", create_session, methods=["POST"]),
    Route("/api/sign-out", end_session, methods=["POST"]),
]

app = st.App("dashboard.py", routes=ROUTES)
