"""The plan files page (pages/plan_files_page.py): checking and importing workbooks,
creating a plan."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.apptest import (
    app_as,
    focuses_its_message,
    go_to,
    pages_in_navigation,
    plan_id_of,
    said_at,
    shown,
)
from tracker.db import make_engine
from tracker.quarters import Quarter


def _workbook_bytes(tmp_path, sheets) -> bytes:
    from tests.helpers import write_workbook

    return write_workbook(tmp_path / "upload.xlsx", sheets).read_bytes()


def test_coordinator_checks_then_imports_a_workbook(db_url, tmp_path):
    import copy

    from tests.helpers import MINIMAL

    at = go_to(app_as("admin@demo.example"), "plan-files")
    assert at.title[0].value == "Plan files"
    labels = [b.label for b in at.get("download_button")]
    assert "Template in Spanish" in labels and "Plan and reports (Excel)" in labels
    bad = copy.deepcopy(MINIMAL)
    bad["reports"][2][4] = 140
    at.file_uploader(key="upload").set_value(
        ("plan.xlsx", _workbook_bytes(tmp_path, bad), "application/octet-stream"))
    at.run()
    at.button(key="import:check").click()
    at.run()
    [(kind, text)] = said_at(at, "import:outcome")  # under the buttons, with the focus
    assert kind == "error" and text.startswith("The file was not imported: 1 problem.")
    assert focuses_its_message(at, "import:outcome")
    problems = at.dataframe[0].value
    assert problems.iloc[0].tolist()[1:] == [3, "percent_complete", "140 is outside 0–100"]
    at.file_uploader(key="upload").set_value(
        ("plan.xlsx", _workbook_bytes(tmp_path, MINIMAL), "application/octet-stream"))
    at.run()
    at.button(key="import:run").click()
    at.run()
    [(kind, text)] = said_at(at, "import:outcome")
    assert kind == "success" and text.startswith("Imported into Small plan. Items added: 2;")
    assert focuses_its_message(at, "import:outcome")
    assert "Small plan" in [c.name for c in _plans(db_url)]


def _plans(db_url):
    from tracker.models import Plan

    engine = make_engine(db_url)
    with Session(engine) as session:
        rows = session.exec(select(Plan)).all()
    engine.dispose()
    return rows


def test_members_and_observers_have_no_plan_files_page(db_url):
    for email in ("dinapen@demo.example", "observador@demo.example"):
        assert "plan-files" not in pages_in_navigation(app_as(email))


def test_a_coordinator_checks_a_new_plan_chooses_its_open_quarter_and_sees_shared_changes(
        db_url, tmp_path):
    import copy

    from tests.helpers import MINIMAL

    sheets = copy.deepcopy(MINIMAL)
    sheets["plan"][1][0] = "Plan nuevo"
    sheets["institutions"][1][1] = "Organización Internacional para las Migraciones — Quito"
    at = go_to(app_as("coordinacion@demo.example"), "plan-files")
    at.file_uploader(key="upload").set_value(
        ("plan.xlsx", _workbook_bytes(tmp_path, sheets), "application/octet-stream"))
    at.run()
    at.button(key="import:check").click().run()
    assert any("Quarter open for reports: Q4 2026" in i.value for i in at.info)
    # a list in the warning, wrapped, never cut at the right (issue 26, item 11)
    [changes] = [w.value for w in at.warning if "Changes to existing" in w.value]
    [change] = [line for line in changes.splitlines() if line.startswith("- OIM")]
    assert "also used by" in change and "kept as it is" in change
    assert not at.dataframe
    at.selectbox(key="import:open").select(Quarter(2026, 3)).run()
    at.button(key="import:run").click().run()
    assert any(s.value.startswith("Imported into Plan nuevo") for s in at.success)
    assert any("Quarter open for reports: Q3 2026" in i.value for i in at.info)
    [plan] = [p for p in _plans(db_url) if p.name == "Plan nuevo"]
    from tracker.models import Institution, ReportingPeriod

    engine = make_engine(db_url)
    with Session(engine) as session:
        opened = session.exec(select(ReportingPeriod.quarter).where(
            ReportingPeriod.plan_id == plan.id, ReportingPeriod.state == "open")).all()
        oim = session.exec(select(Institution.name).where(Institution.acronym == "OIM")).one()
    engine.dispose()
    assert opened == [Quarter(2026, 3)] and "Quito" not in oim  # the shared name stayed


def test_a_coordinator_creates_an_empty_plan_from_the_form(db_url):
    at = go_to(app_as("coordinacion@demo.example", "es"), "plan-files")
    at.text_input(key="newplan:name").input("Plan fronterizo 2027")
    at.text_input(key="newplan:first").input("2027-Q1")
    at.text_input(key="newplan:last").input("2026-Q4")  # before the first: refused
    next(b for b in at.button if b.label == "Crear el plan").click()
    at.run()
    assert said_at(at, "flash:no:plan_files:new_plan")  # under the form, with the focus
    assert focuses_its_message(at, "flash:no:plan_files:new_plan")
    assert at.text_input(key="newplan:name").value == "Plan fronterizo 2027"
    at.text_input(key="newplan:last").input("2028-Q4")
    next(b for b in at.button if b.label == "Crear el plan").click()
    at.run()
    assert said_at(at, "newplan:created") == [
        ("success", "Se creó el plan Plan fronterizo 2027; usted lo coordina.")]
    assert focuses_its_message(at, "newplan:created")
    assert plan_id_of(db_url, "Plan fronterizo 2027")


ENGLISH_KINDS = ("international organisation", "international organization", "ministry",
                 "police", "prosecution", "child protection")


def test_the_check_names_institution_kinds_in_spanish_in_a_spanish_session(db_url, tmp_path):
    """Issue 26, item 9: the import's check showed the kinds of shared institutions in English
    ('ministry', 'international organisation') in a Spanish session."""
    import copy

    from tests.helpers import MINIMAL
    from tracker.demo import INSTITUTION_ROWS

    sheets = copy.deepcopy(MINIMAL)
    sheets["plan"][1][0] = "Plan nuevo"
    sheets["institutions"][1][1] = next(r[1] for r in INSTITUTION_ROWS if r[0] == "OIM")
    sheets["institutions"][1][3] = "agencia de las Naciones Unidas"  # OIM's kind changes
    sheets["institutions"][2][1] = next(r[1] for r in INSTITUTION_ROWS if r[0] == "DINAPEN")
    sheets["institutions"][2][3] = "policía especializada"  # DINAPEN stays as it is
    at = go_to(app_as("coordinacion@demo.example", "es"), "plan-files")
    at.file_uploader(key="upload").set_value(
        ("plan.xlsx", _workbook_bytes(tmp_path, sheets), "application/octet-stream"))
    at.run()
    at.button(key="import:check").click().run()
    [changes] = [w.value for w in at.warning if "Cambios en instituciones" in w.value]
    [change] = [shown(line) for line in changes.splitlines() if line.startswith("- OIM")]
    assert change.startswith("- OIM: tipo cambiaría de «organismo internacional» a «agencia de "
                             "las Naciones Unidas»")
    assert not any(line.startswith("- DINAPEN") for line in changes.splitlines())
    checked = " ".join(node.value for node in at.main if hasattr(node, "value")
                       and isinstance(node.value, str)).lower()
    assert "organismo internacional" in checked  # the page's text is read
    assert not [kind for kind in ENGLISH_KINDS if kind in checked]
