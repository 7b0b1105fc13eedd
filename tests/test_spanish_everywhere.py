"""Spanish everywhere: every page for every role, rendered in Spanish (AppTest), shows no
English catalog text and no raw field name (``due_quarter``, ``percent_complete``…).

What the product writes comes from the catalogs; Streamlit's own widget texts are not in the
element tree AppTest sees (they are listed in the README's known limitations).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlmodel import SQLModel, select

import tracker.models  # noqa: F401  (the tables whose column names must never show)
from tests.apptest import dashboard, go_to, overview_tabs, pages_in_navigation, shown, sign_in
from tests.conftest import FIXED_TODAY
from tracker.i18n import catalog

ACCOUNTS = ["innfa@demo.example", "coordinacion@demo.example", "observador@demo.example",
            "admin@demo.example"]
TEXT_FIELDS = {"body", "label", "value", "options", "help", "placeholder", "text", "caption",
               "default_value"}


def _english_only() -> tuple[set[str], list[re.Pattern]]:
    """English catalog values that differ from the Spanish one: literal, or as a pattern when
    they hold values (``{quarter}``)."""
    english, spanish = catalog("en"), catalog("es")
    literal, patterns = set(), []
    for key, value in english.items():
        if not isinstance(value, str) or value == spanish.get(key) or len(value) < 4:
            continue
        if not re.search(r"[A-Za-z]{3}", value):
            continue
        if "{" in value:
            parts = re.split(r"\{[^}]*\}", value)
            if sum(len(p.strip()) for p in parts) >= 12:
                patterns.append(re.compile(".+?".join(re.escape(p) for p in parts)))
        else:
            literal.add(value)
    return literal, patterns


def _field_names() -> set[str]:
    """Column names of the schema that read as code (with an underscore)."""
    return {column.name for table in SQLModel.metadata.tables.values()
            for column in table.columns if "_" in column.name}


def _repeated(field) -> bool:
    return getattr(field, "is_repeated", None) or getattr(field, "label", None) == 3


def _strings(message, names=TEXT_FIELDS) -> Iterator[str]:
    for field, value in message.ListFields():
        if field.type == field.TYPE_MESSAGE:
            items = value if _repeated(field) else [value]
            for item in items:
                yield from _strings(item, names)
        elif field.type == field.TYPE_STRING and field.name in names:
            items = value if _repeated(field) else [value]
            yield from (str(item) for item in items)


def _chart_texts(spec: dict) -> Iterator[str]:
    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, k)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v, key)
        elif isinstance(node, str) and key in ("text", "name", "ticktext", "title"):
            yield node
    yield from walk(spec)


def visible_texts(at) -> Iterator[str]:
    """Every text the page shows: Markdown, labels, options, help, tables, chart texts."""
    def nodes(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from nodes(child)

    for node in nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if node.type == "plotly_chart":
            yield from _chart_texts(json.loads(proto.spec))
        elif node.type in ("arrow_data_frame", "dataframe", "table"):
            frame = node.value
            if isinstance(frame, pd.DataFrame):
                yield from (str(c) for c in frame.columns)
                for column in frame.columns:  # cells: statuses, roles, states
                    yield from (v for v in frame[column] if isinstance(v, str))
        elif node.type not in ("html",):
            yield from (shown(s) for s in _strings(proto))


@pytest.mark.parametrize("email", ACCOUNTS)
def test_every_page_in_spanish_shows_no_english_and_no_field_name(demo_url, email,
                                                                  monkeypatch):
    monkeypatch.setenv("TRACKER_DATABASE_URL", demo_url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    monkeypatch.setenv("TRACKER_TODAY", FIXED_TODAY)
    english, patterns = _english_only()
    fields = _field_names()
    at = dashboard()
    at.query_params["lang"] = "es"
    sign_in(at, email)
    found = []
    for path in pages_in_navigation(at):
        go_to(at, path)
        assert not at.exception, (path, at.exception)
        for text in set(visible_texts(at)):
            words = set(re.findall(r"[a-z]+(?:_[a-z]+)+", text))
            if text.strip() in english or any(p.fullmatch(text.strip()) for p in patterns):
                found.append(f"/{path}: English {text!r}")
            elif words & fields:
                found.append(f"/{path}: field name {sorted(words & fields)} in {text!r}")
    assert not found, "\n".join(sorted(set(found)))


def test_roles_and_chart_data_files_are_in_the_language():
    from tracker.charts import csv_table
    from tracker.services.accounts import AccountRow

    row = AccountRow(1, "a@b.example", "A", None, ("coordinator@Plan X", "observer@Plan Y"),
                     True, False)
    assert row.roles_text("es") == "coordinación de Plan X, observador de Plan Y"
    frame = pd.DataFrame({"key": [5], "label": ["DINAPEN"], "progress": [83.33333333333334],
                          "bucket": ["behind"], "in_scope": [True], "quarter": ["2026-Q3"]})
    table = csv_table(frame, "es")
    assert list(table.columns) == ["Grupo", "Avance (%)", "Cronograma", "En alcance",
                                   "Trimestre"]
    assert table.iloc[0].tolist() == ["DINAPEN", 83.3, "Atrasadas", "sí", "2026-Q3"]


def test_a_percent_out_of_range_is_refused_in_spanish_by_the_product(demo_url, tmp_path,
                                                                     monkeypatch):
    from tests.apptest import copy_database

    monkeypatch.setenv("TRACKER_DATABASE_URL", copy_database(demo_url, tmp_path))
    monkeypatch.setenv("TRACKER_DEMO", "1")
    monkeypatch.setenv("TRACKER_TODAY", FIXED_TODAY)
    at = dashboard()
    at.query_params["lang"] = "es"
    at = go_to(sign_in(at, "dinapen@demo.example"), "my-institution")
    expander = next(e for e in at.expander if "pendiente" in e.label)
    [status] = [w for w in expander.selectbox if ":status" in w.key]
    [percent] = [w for w in expander.number_input if w.key.endswith(":percent")]
    status.select("in_progress")
    percent.set_value(150.0)  # Streamlit would have refused it with an English tooltip
    [submit] = [b for b in expander.button if b.label == "Enviar"]
    submit.click()
    at.run()
    assert not at.exception
    shown_errors = [e.value for e in at.error]
    assert any("El porcentaje de avance debe estar entre 0 y 100." in e for e in shown_errors), \
        shown_errors


ENGLISH_FILE_WORDS = ("by_institution", "status_mix", "by_line", "trend", "heat_", "timeline",
                      "indicators", "by_country", "template", "history", "accounts")


def test_every_file_offered_in_spanish_is_named_in_spanish(demo_url, monkeypatch):
    """The names the browser saves ("cronograma.csv", "plantilla español.xlsx"), never
    "timeline.csv" or "template-es.xlsx"."""
    import streamlit

    names: list[str] = []
    offer = streamlit.download_button

    def recording(label, data, *args, file_name=None, **kwargs):
        names.append(file_name)
        return offer(label, data, *args, file_name=file_name, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    monkeypatch.setenv("TRACKER_DATABASE_URL", demo_url)
    monkeypatch.setenv("TRACKER_DEMO", "1")
    monkeypatch.setenv("TRACKER_TODAY", FIXED_TODAY)
    at = dashboard()
    at.query_params["lang"] = "es"
    sign_in(at, "coordinacion@demo.example")
    for path in pages_in_navigation(at):
        go_to(at, path)
        if path == "":
            list(overview_tabs(at))
    assert "cronograma.csv" in names and "plantilla español.xlsx" in names, names
    english = [n for n in names if any(word in n.lower() for word in ENGLISH_FILE_WORDS)]
    assert english == [], english


def test_a_plan_export_from_a_spanish_session_is_in_spanish(demo_url):
    """Sheets, headers, statuses and yes words of the template's Spanish side."""
    import io

    from openpyxl import load_workbook

    from tracker.db import make_engine, session_scope
    from tracker.demo import ECUADOR_PLAN
    from tracker.services import plan_files, plans
    from tracker.services.permissions import SYSTEM

    engine = make_engine(demo_url)
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        data = plan_files.export_xlsx(session, SYSTEM, plan.id, "es")
    engine.dispose()
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    texts = {str(cell) for sheet in workbook.worksheets
             for row in sheet.iter_rows(values_only=True) for cell in row if cell}
    assert workbook.sheetnames == ["plan", "lineas_estrategicas", "instituciones", "acciones",
                                   "reportes"]
    english = {"code", "status", "percent_complete", "in_progress", "completed", "not_started",
               "yes", "ministry", "police", "institutions", "items"}
    assert texts & english == set()
    assert {"codigo", "estado", "en curso", "sí"} <= texts


def test_messages_name_quarters_and_dates_in_spanish(demo_url, tmp_path):
    """A member writing into a closed quarter, and a coordinator opening a quarter that
    closes another, read "T2 2026" — never "2026-Q2" — in the services' own refusals."""
    import pytest

    from tests.apptest import copy_database
    from tracker.db import make_engine, session_scope
    from tracker.demo import ECUADOR_PLAN
    from tracker.errors import TrackerError
    from tracker.i18n import t
    from tracker.models import ActionItem, PeriodState, User
    from tracker.quarters import Quarter
    from tracker.services import lifecycle, plans, reporting
    from tracker.services.permissions import actor_for
    from tracker.services.reporting import Target
    from tracker.services.reports import ReportContent

    engine = make_engine(copy_database(demo_url, tmp_path))
    texts = []
    with session_scope(engine) as session:
        plan = plans.get_plan(session, ECUADOR_PLAN)
        member = session.exec(select(User).where(User.email == "innfa@demo.example")).one()
        coordinator = session.exec(select(User).where(
            User.email == "coordinacion@demo.example")).one()
        item = session.exec(select(ActionItem).where(
            ActionItem.plan_id == plan.id,
            ActionItem.lead_institution_id == member.institution_id)).first()
        with pytest.raises(TrackerError) as closed:
            reporting.save_report(
                session, actor_for(session, member),
                Target(item.id, Quarter(2026, 2), member.institution_id),
                ReportContent(status="in_progress", percent_complete=10), expected_version=0)
        texts.append(t(closed.value.key, "es", **closed.value.values))
        with pytest.raises(TrackerError) as opening:
            lifecycle.set_period_state(session, actor_for(session, coordinator), plan.id,
                                       Quarter(2027, 1), PeriodState.OPEN)
        texts.append(t(opening.value.key, "es", **opening.value.values))
    engine.dispose()
    assert "T2 2026" in texts[0] and "T1 2027" in texts[1] and "T4 2026" in texts[1], texts
    assert not any(re.search(r"\d{4}-Q\d|\d{4}-\d{2}-\d{2}", text) for text in texts), texts
