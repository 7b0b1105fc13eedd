"""One set of field rules: the report form's service and the import give the same verdict on
the same value (``tracker.rules``), and the columns are as wide as the rules."""

from __future__ import annotations

import math

import pytest

from tracker import rules
from tracker.errors import InvalidInput
from tracker.io.plan_workbook import parse_sheets
from tracker.io.reader import RawSheet
from tracker.models import ActionItem, Institution, Meeting, Plan, ReportRevision, StrategicLine
from tracker.quarters import Quarter
from tracker.services import plan_admin, reporting
from tracker.services.permissions import SYSTEM
from tracker.services.reports import ReportContent

GOOD = {"status": "in_progress", "percent_complete": 40.0, "indicator_value": None,
        "narrative": "", "obstacles": "", "next_steps": "", "evidence_link": None}

CASES = [  # (field, value, accepted)
    ("narrative", "x" * 5_000, True),
    ("narrative", "x" * 5_001, False),
    ("obstacles", "x" * 5_001, False),
    ("next_steps", "x" * 5_000, True),
    ("narrative", "acta\x00", False),
    ("narrative", "primera línea\nsegunda línea\r\ntercera\tcon tabulador", True),
    ("obstacles", "a\x1b[31m rojo", True),  # multi-line: only NUL is refused
    ("evidence_link", "https://example.org/a\x1b[31m", False),  # single-line
    ("evidence_link", "https://example.org/a\u2028b", False),
    ("evidence_link", "https://example.org/evidence", True),
    ("evidence_link", "http://ministerio.gob.ec/informe.pdf", True),
    ("evidence_link", "http://localhost/report", False),  # a host without a dot
    ("evidence_link", "javascript:alert(1)", False),
    ("evidence_link", "ftp://example.org/file", False),
    ("evidence_link", "https://example.org/" + "a" * 1_000, False),
    ("percent_complete", 0.0, True),
    ("percent_complete", 100.0, True),
    ("percent_complete", 100.5, False),
    ("percent_complete", -1.0, False),
    ("percent_complete", math.nan, False),
    ("indicator_value", 0.0, True),
    ("indicator_value", 12.5, True),
    ("indicator_value", -3.0, False),
    ("indicator_value", math.inf, False),
]


def _form_accepts(field: str, value: object) -> bool:
    values = GOOD | {field: value}
    content = ReportContent(status=reporting.Status(values.pop("status")), **values)
    try:
        reporting.validate(content)
    except InvalidInput:
        return False
    return True


def _import_accepts(field: str, value: object) -> bool:
    row = GOOD | {field: value}
    headers = ["code", "quarter", *row]
    sheets = [
        RawSheet("plan.xlsx", "institutions", ["acronym", "name", "country"],
                 [(2, ["OIM", "Organización Internacional para las Migraciones", "EC"])]),
        RawSheet("plan.xlsx", "items", ["code", "strategic_line", "title", "lead_institution",
                                        "start_quarter", "due_quarter"],
                 [(2, ["1.1", "1", "Protocolo", "OIM", "2026-Q1", "2026-Q4"])]),
        RawSheet("plan.xlsx", "reports", headers, [(2, ["1.1", "2026-Q3", *row.values()])]),
    ]
    _parsed, validator = parse_sheets(sheets, "plan.xlsx")
    return not validator.problems


@pytest.mark.parametrize(("field", "value", "accepted"), CASES,
                         ids=[f"{f}-{i}" for i, (f, _v, _a) in enumerate(CASES)])
def test_the_form_and_the_import_give_the_same_verdict(field, value, accepted):
    assert _form_accepts(field, value) is accepted
    assert _import_accepts(field, value) is accepted


@pytest.mark.parametrize(("model", "column", "entity", "field"), [
    (Institution, "acronym", "institution", "acronym"),
    (Institution, "name", "institution", "name"),
    (Institution, "kind", "institution", "kind"),
    (Plan, "name", "plan", "name"),
    (StrategicLine, "code", "strategic_line", "code"),
    (ActionItem, "title", "action_item", "title"),
    (ActionItem, "unit", "action_item", "unit"),
    (ReportRevision, "evidence_link", "report", "evidence_link"),
    (Meeting, "place", "meeting", "place"),
])
def test_each_column_is_as_wide_as_its_rule(model, column, entity, field):
    assert model.__table__.c[column].type.length == rules.limit(entity, field)


def test_single_line_fields_are_every_field_but_the_listed_texts():
    assert rules.single_line("plan", "name") and rules.single_line("plan", "commission")
    assert rules.single_line("user", "display_name")
    assert not rules.single_line("report", "narrative")
    assert not rules.single_line("meeting", "minutes")
    assert rules.bad_characters("plan", "name", "Plan\nBcc: x@example.org")
    assert not rules.bad_characters("plan", "name", "Plan de acción — año 2026 (Ecuador)")
    assert not rules.bad_characters("decision", "text", "uno\ndos")
    assert rules.bad_characters("decision", "text", "uno\x00")


def test_one_line_folds_every_control_character_and_run_of_spaces():
    assert rules.one_line("Plan\r\nBcc: x@example.org\t\x1b fin\u2028") == (
        "Plan Bcc: x@example.org fin")


def test_a_decision_on_several_lines_titles_its_item_on_one():
    assert rules.shortened("Crear\r\nuna mesa\ttécnica", "action_item", "title") == (
        "Crear una mesa técnica")


def test_a_long_decision_titles_its_item_cut_to_the_title_rule():
    title = rules.shortened("decision " * 100, "action_item", "title")
    assert len(title) <= rules.limit("action_item", "title")
    assert title.startswith("decision decision") and title.endswith("…")


# An action item: plan management's service and the import, field by field. A cell that
# starts with "=" is left out: it is a workbook formula (a format rule of the reader), while
# the same text typed in the form is a title like any other.
ITEM = {"code": "9.9", "title": "Protocolo de atención", "description": "", "indicator": None,
        "unit": None, "baseline": None, "target": None, "weight": 1.0}

ITEM_CASES = [  # (field, value, accepted)
    ("code", "x" * 20, True),
    ("code", "x" * 21, False),
    ("code", "", False),
    ("title", "x" * 300, True),
    ("title", "x" * 301, False),
    ("title", "  ", False),
    ("title", "Protocolo\x00", False),
    ("description", "x" * 10_000, True),
    ("description", "x" * 10_001, False),
    ("description", "acta\x00", False),
    ("indicator", "x" * 300, True),
    ("indicator", "x" * 301, False),
    ("unit", "x" * 60, True),
    ("unit", "x" * 61, False),
    ("unit", "casos\x00", False),
    # Single-line fields refuse control characters (a line feed in a header, a file name…)
    ("code", "9.\n9", False),
    ("title", "Protocolo\r\nBcc: victima@example.org", False),
    ("title", "Protocolo\tde atención", False),
    ("title", "Protocolo\u2028de atención", False),
    ("title", "Protocolo\x85de atención", False),
    ("indicator", "casos\ratendidos", False),
    ("unit", "ca\x1bsos", False),
    ("description", "línea 1\nlínea 2\r\n\tlínea 3", True),
    ("weight", 0.0, False),
    ("weight", 0.5, True),
    ("weight", 1000.0, True),
    ("weight", 1000.5, False),
    ("weight", math.nan, False),
    ("baseline", 0.0, True),
    ("baseline", -1.0, False),
    ("target", 250.0, True),
    ("target", math.inf, False),
]


def _plan_admin_accepts(session, plan, field: str, value: object) -> bool:
    values = ITEM | {field: value}
    fields = plan_admin.ItemFields(line="1", lead="A", supporters=("B",),
                                   start_quarter=Quarter(2026, 1),
                                   due_quarter=Quarter(2026, 4), **values)
    try:
        plan_admin.save_item(session, SYSTEM, plan.plan.id, fields)
    except InvalidInput:
        return False
    return True


def _import_accepts_item(field: str, value: object) -> bool:
    row = ITEM | {field: value}
    sheets = [
        RawSheet("plan.xlsx", "institutions", ["acronym", "name", "country"],
                 [(2, ["A", "A institution", "EC"]), (3, ["B", "B institution", "CO"])]),
        RawSheet("plan.xlsx", "items",
                 ["strategic_line", "lead_institution", "supporting_institutions",
                  "start_quarter", "due_quarter", *row],
                 [(2, ["1", "A", "B", "2026-Q1", "2026-Q4", *row.values()])]),
    ]
    _parsed, validator = parse_sheets(sheets, "plan.xlsx")
    return not validator.problems


@pytest.mark.parametrize(("field", "value", "accepted"), ITEM_CASES,
                         ids=[f"{f}-{i}" for i, (f, _v, _a) in enumerate(ITEM_CASES)])
def test_plan_management_and_the_import_give_an_item_the_same_verdict(
        session, plan, field, value, accepted):
    assert _plan_admin_accepts(session, plan, field, value) is accepted
    assert _import_accepts_item(field, value) is accepted


# ---- single-line fields, through each entry way (issue 25, item 6) --------------------------

BROKEN = "Plan\r\nBcc: intruso@example.org"


def _form_refusal(session, plan, field: str) -> str:
    """What the form-level service says when ``field`` holds a line break."""
    from datetime import date

    from tracker.services import accounts, meetings, plans

    calls = {
        "plan.name": lambda: plans.new_plan(session, SYSTEM, name=BROKEN, commission="C",
                                            first="2026-Q1", last="2026-Q4"),
        "plan.commission": lambda: plans.new_plan(session, SYSTEM, name="Plan nuevo",
                                                  commission=BROKEN, first="2026-Q1",
                                                  last="2026-Q4"),
        "strategic_line.name": lambda: plan_admin.save_line(session, SYSTEM, plan.plan.id, "9",
                                                            BROKEN),
        "institution.name": lambda: plan_admin.save_institution(
            session, SYSTEM, plan.plan.id, "Z", BROKEN, "EC"),
        "institution.kind": lambda: plan_admin.save_institution(
            session, SYSTEM, plan.plan.id, "Z", "Zeta", "EC", "minis\nterio"),
        "meeting.place": lambda: meetings.record_meeting(
            session, SYSTEM, plan.plan.id, Quarter(2026, 3), date(2026, 10, 15), ["A"],
            place="Quito\nLima"),
        "user.display_name": lambda: accounts.add_user(
            session, SYSTEM, email="z@example.org", display_name="Zoe\r\nBcc: x@example.org",
            role="observer", password="marimba tortuga volcán 77", plans=[plan.plan]),
    }
    with pytest.raises(InvalidInput) as caught:
        calls[field]()
    return caught.value.key


@pytest.mark.parametrize("field", ["plan.name", "plan.commission", "strategic_line.name",
                                   "institution.name", "institution.kind", "meeting.place",
                                   "user.display_name"])
def test_each_form_refuses_a_line_break_in_a_single_line_field_naming_it(session, plan, field):
    from tracker.i18n import t

    key = _form_refusal(session, plan, field)
    assert key == f"error.characters.{field}"
    assert ": una sola línea; quite los saltos de línea" in t(key, "es")
    assert ": one line only; remove the line breaks" in t(key, "en")


def test_the_import_refuses_a_line_break_naming_the_cell(session, tmp_path):
    import copy

    from tests.helpers import MINIMAL, write_workbook
    from tracker.services.imports import ImportRejected, import_path

    sheets = copy.deepcopy(MINIMAL)
    sheets["plan"][1][1] = "Comisión\nBcc: intruso@example.org"
    sheets["institutions"][2][1] = "Policía\tespecializada"
    path = write_workbook(tmp_path / "plan.xlsx", sheets)
    with pytest.raises(ImportRejected) as caught:
        import_path(session, SYSTEM, path)
    rendered = str(caught.value).splitlines()
    assert rendered[:2] == [
        f"{path}: sheet plan, row 2, column commission: the cell takes one line: remove the "
        "line breaks (Alt+Enter), tabs and other invisible control characters.",
        f"{path}: sheet institutions, row 3, column name: the cell takes one line: remove the "
        "line breaks (Alt+Enter), tabs and other invisible control characters."]
