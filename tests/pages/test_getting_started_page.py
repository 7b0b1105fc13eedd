"""The getting-started page (pages/getting_started_page.py)."""

from __future__ import annotations

from sqlmodel import select

from tests.apptest import app_as, go_to
from tracker.db import make_engine
from tracker.models import User


def test_the_getting_started_checklist_shows_live_state_and_links_each_missing_focal_point(
        db_url):
    from tracker.db import session_scope
    from tracker.models import RoleGrant

    engine = make_engine(db_url)
    with session_scope(engine) as session:  # DINAPEN's focal point leaves the plan
        dinapen = session.exec(select(User).where(User.email == "dinapen@demo.example")).one()
        for grant in session.exec(select(RoleGrant).where(RoleGrant.user_id == dinapen.id)):
            session.delete(grant)
    engine.dispose()
    at = go_to(app_as("coordinacion@demo.example", "es"), "getting-started")
    assert at.title[0].value == "Primeros pasos"
    steps = [m.value for m in at.markdown if m.value.startswith(":material/")]
    assert len(steps) == 7
    assert steps[0].startswith(":material/check_circle: **1. Plan importado (")
    assert "**2. Un punto focal por institución (1 sin punto focal)** · pendiente" in steps[1]
    assert "T4 2026 abierto para reportes, plazo" in steps[2] and "hecho" in steps[2]
    assert "Reportes recibidos:" in steps[3] and "pendiente" in steps[3]
    links = [link.proto.label for link in at.get("page_link")]
    assert any(label.startswith("Crear el punto focal de DINAPEN") for label in links)
    [link] = [x for x in at.get("page_link") if x.proto.label.startswith("Crear el punto focal")]
    assert "institution=DINAPEN" in str(link.proto)  # the account form opens prefilled
