"""The import template: every form it accepts, every refusal, and the export round trip."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import SQLModel, select

from tests.helpers import MINIMAL, item_frame, read_workbook, row_counts, write_workbook
from tracker import metrics
from tracker.demo import ECUADOR_PLAN, load_demo
from tracker.io.exporter import write_template
from tracker.models import ActionItem, PeriodState, ReportingPeriod, ReportRevision
from tracker.quarters import Quarter
from tracker.services import plans
from tracker.services.exports import export_csv_zip, export_workbook
from tracker.services.imports import ImportRejected, import_path
from tracker.services.permissions import SYSTEM


def _import(session, path, **kwargs):
    summary = import_path(session, SYSTEM, Path(path), **kwargs)
    session.flush()
    return summary


def _problems(session, path, **kwargs) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        import_path(session, SYSTEM, Path(path), **kwargs)
    return [problem.render() for problem in caught.value.problems]


def test_minimal_workbook_imports_with_both_languages_words(session, tmp_path):
    summary = _import(session, write_workbook(tmp_path / "plan.xlsx", MINIMAL))
    assert (summary.items_added, summary.reports_added, summary.lines_added) == (2, 4, 1)
    plan = plans.get_plan(session, "Small plan")
    items = item_frame(session, plan.id, Quarter(2026, 2))
    assert dict(zip(items["code"], items["progress"], strict=True)) == {"1.1": 45, "1.2": 100}
    # the DINAPEN "sí" row is a nothing-to-report report of the supporting institution
    head = metrics.headline(session, plan.id, Quarter(2026, 2))
    assert (head.received_reports, head.expected_reports) == (3, 3)


def test_periods_of_a_new_plan_follow_today(session, tmp_path):
    _import(session, write_workbook(tmp_path / "plan.xlsx", MINIMAL))
    plan = plans.get_plan(session, "Small plan")
    states = {str(p.quarter): p.state for p in plans.periods(session, plan.id)}
    assert states == {"2026-Q1": "closed", "2026-Q2": "closed", "2026-Q3": "closed",
                      "2026-Q4": "open"}  # today is fixed at 2027-01-10


def test_unknown_institution_and_percent_140_are_refused_with_the_place(session, tmp_path):
    sheets = copy.deepcopy(MINIMAL)
    sheets["items"][2][3] = "UNKNOWN"
    sheets["reports"][2][4] = 140
    before = row_counts(session)
    problems = _problems(session, write_workbook(tmp_path / "bad.xlsx", sheets))
    path = tmp_path / "bad.xlsx"
    assert problems == [
        f"{path}: sheet items, row 3, column lead_institution: unknown institution UNKNOWN: "
        "add it to the institutions sheet",
        f"{path}: sheet reports, row 3, column percent_complete: 140 is outside 0–100",
    ]
    assert row_counts(session) == before


def test_spanish_csv_folder_with_semicolons_bom_and_accented_headers(session, tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "instituciones.csv").write_text(
        "\ufeffSigla;Nombre;País;Tipo\nMREMH;Ministerio de Relaciones Exteriores;ec;ministerio\n",
        encoding="utf-8")
    (folder / "acciones.csv").write_text(
        "Código;Línea estratégica;Título;Institución responsable;Trimestre inicio;"
        "Trimestre fin;Peso\n2.10;Sensibilización;Campaña;MREMH;T1 2026;2026T4;1,5\n",
        encoding="utf-8")
    (folder / "reportes.csv").write_text(
        "codigo;trimestre;estado;porcentaje_avance\n2.10;Q2 2026;En Curso;30%\n",
        encoding="utf-8")
    summary = _import(session, folder, plan_name="Plan nacional")
    assert summary.plan_created and summary.items_added == 1
    item = session.exec(select(ActionItem)).one()
    assert (item.code, item.weight, item.start_quarter, item.due_quarter) == (
        "2.10", 1.5, Quarter(2026, 1), Quarter(2026, 4))
    figures = item_frame(session, item.plan_id, Quarter(2026, 2))
    assert figures["progress"].tolist() == [30]


def test_zip_of_csvs(session, tmp_path):
    archive = tmp_path / "plan.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("plan/institutions.csv", "acronym,name,country\nPN,Policía,EC\n")
        handle.writestr("plan/items.csv", "code,strategic_line,title,lead_institution,"
                        "start_quarter,due_quarter\n1,Line,Patrols,PN,2026-Q1,2026-Q2\n")
    assert _import(session, archive, plan_name="Zip plan").items_added == 1


def test_percent_cells_and_numeric_codes(session, tmp_path):
    path = write_workbook(tmp_path / "plan.xlsx", MINIMAL)
    workbook = load_workbook(path)
    workbook["items"]["A2"] = 1.1  # a numeric code
    workbook["reports"]["A2"] = 1.1
    workbook["reports"]["A3"] = 1.1
    workbook["reports"]["A4"] = 1.1
    cell = workbook["reports"]["E3"]
    cell.value, cell.number_format = 0.45, "0%"
    workbook.save(path)
    _import(session, path)
    item = session.exec(select(ActionItem).where(ActionItem.code == "1.1")).one()
    figures = item_frame(session, item.plan_id, Quarter(2026, 2))
    assert figures.set_index("code").loc["1.1", "progress"] == 45


def test_duplicate_codes_missing_columns_and_bad_values_are_all_listed(session, tmp_path):
    sheets = copy.deepcopy(MINIMAL)
    sheets["items"].append(["1.1", "Capacity", "Again", "OIM", "", "2026-Q1", "2026-Q2",
                            "", "", "", "", 0])
    sheets["reports"][1][1] = "2026-Q9"
    sheets["reports"][2][3] = "finished?"
    sheets["institutions"][1][2] = "Ecuador"
    problems = _problems(session, write_workbook(tmp_path / "bad.xlsx", sheets))
    text = "\n".join(problems)
    assert "sheet institutions, row 2, column country: Ecuador is not a two-letter" in text
    assert "sheet items, row 4, column weight: 0 must be more than 0" in text
    assert "sheet items, row 4, column code: the code 1.1 is used again (first at row 2)" in text
    assert "sheet reports, row 2, column quarter: 2026-Q9 is not a quarter" in text
    assert "sheet reports, row 3, column status: unknown status finished?" in text


def test_missing_sheet_and_column_are_named(session, tmp_path):
    sheets = {"institutions": MINIMAL["institutions"],
              "acciones": [row[:3] for row in MINIMAL["items"]]}
    problems = _problems(session, write_workbook(tmp_path / "bad.xlsx", sheets),
                         plan_name="X")
    assert any("sheet acciones, row 1, column lead_institution: the required column is "
               "missing" in p for p in problems)
    problems = _problems(session, write_workbook(tmp_path / "none.xlsx",
                                                 {"Hoja1": [["a"]]}), plan_name="X")
    assert any("the sheet items (or acciones) is missing; sheets found: Hoja1" in p
               for p in problems)


def test_reports_before_start_outside_plan_or_from_outsiders_are_refused(session, tmp_path):
    sheets = copy.deepcopy(MINIMAL)
    sheets["reports"].append(["1.2", "2026-Q1", "", "in progress", 5, "", ""])
    sheets["reports"].append(["1.1", "2027-Q1", "", "in progress", 5, "", ""])
    sheets["reports"].append(["1.2", "2026-Q2", "OIM", "in progress", 5, "", ""])
    text = "\n".join(_problems(session, write_workbook(tmp_path / "bad.xlsx", sheets)))
    assert "row 6, column quarter: the report for 2026-Q1 is before the item starts" in text
    assert "row 7, column quarter: 2027-Q1 is outside the plan (2026-Q1 to 2026-Q4)" in text
    assert "row 8, column institution: OIM does not take part in item 1.2" in text


def test_plan_name_must_match_the_plan_sheet(session, tmp_path):
    problems = _problems(session, write_workbook(tmp_path / "p.xlsx", MINIMAL),
                         plan_name="Other")
    assert "the plan sheet names Small plan but the import was asked for Other" in problems[0]


def test_reimport_updates_by_code_adds_versions_and_never_deletes(session, tmp_path):
    _import(session, write_workbook(tmp_path / "a.xlsx", MINIMAL))
    sheets = copy.deepcopy(MINIMAL)
    sheets["items"][1][2] = "Train more officials"
    del sheets["items"][2]  # 1.2 left out: it stays
    header, first_report = sheets["reports"][:2]
    sheets["reports"] = [header, first_report, ["1.1", "2026-Q2", "", "in progress", 60, 60, ""]]
    summary = _import(session, write_workbook(tmp_path / "b.xlsx", sheets))
    assert (summary.items_updated, summary.items_added) == (1, 0)
    assert (summary.reports_added, summary.reports_unchanged) == (1, 1)
    codes = session.exec(select(ActionItem.code).order_by(ActionItem.code)).all()
    assert codes == ["1.1", "1.2"]
    versions = session.exec(select(ReportRevision.percent_complete)
                            .order_by(ReportRevision.id)).all()
    assert versions[-1] == 60 and 45 in versions  # the earlier version is kept


def test_a_changed_report_in_a_locked_quarter_is_refused_naming_the_cell(session, tmp_path):
    _import(session, write_workbook(tmp_path / "a.xlsx", MINIMAL))
    _lock(session, "2026-Q1")
    _lock(session, "2026-Q2")
    unchanged = _import(session, tmp_path / "a.xlsx")  # the same rows again: welcome
    assert (unchanged.reports_added, unchanged.items_updated) == (0, 0)
    changed = copy.deepcopy(MINIMAL)
    changed["reports"][2][4] = 50  # 1.1 in 2026-Q2: 45 -> 50
    changed["reports"].append(["1.1", "2026-Q1", "DINAPEN", "", "", "", "sí"])  # new
    problems = _problems(session, write_workbook(tmp_path / "b.xlsx", changed))
    assert [p.split(": ", 1)[1] for p in problems] == [
        "sheet reports, row 3, column percent_complete: the quarter 2026-Q2 was locked at its "
        "evaluation meeting: its reports cannot change",
        "sheet reports, row 6, column quarter: the quarter 2026-Q1 was locked at its "
        "evaluation meeting: its reports cannot change"]  # rows 2, 4, 5, unchanged, are fine


def _lock(session, quarter):
    for period in session.exec(select(ReportingPeriod).where(
            ReportingPeriod.quarter == quarter)):
        period.state = PeriodState.LOCKED
        session.add(period)
    session.flush()


def test_an_unchanged_export_imports_after_a_lock_with_no_problem_and_no_change(session,
                                                                               tmp_path):
    load_demo(session)
    plan = plans.get_plan(session, ECUADOR_PLAN)
    export = tmp_path / "export.xlsx"
    export.write_bytes(export_workbook(session, SYSTEM, plan))
    _lock(session, "2026-Q3")
    checked = _import(session, export, dry_run=True)
    summary = _import(session, export)
    assert (summary.items_added, summary.items_updated, summary.reports_added) == (0, 0, 0)
    assert summary.reports_unchanged > 100
    assert (checked.items_updated, checked.reports_added) == (0, 0)


def _counts(summary):
    return (summary.plan_created, summary.institutions_added, summary.lines_added,
            summary.items_added, summary.items_updated, summary.reports_added,
            summary.reports_unchanged)


def test_the_dry_run_counts_are_what_the_import_then_does(session, tmp_path):
    load_demo(session)
    export = tmp_path / "export.xlsx"
    export.write_bytes(export_workbook(session, SYSTEM, plans.get_plan(session, ECUADOR_PLAN)))
    edited = read_workbook(export)
    sheets = {name: [list(row) for row in rows] for name, rows in edited.items()}
    sheets["items"][1][2] = "A new title for the first item"
    sheets["items"].append(["9.1", sheets["items"][1][1], "A new item", "", "OIM", "",
                            "2026-Q3", "2027-Q2", "", "", None, None, 1])
    sheets["reports"][1][4] = 12.5 if sheets["reports"][1][4] != 12.5 else 13.5
    workbooks = [write_workbook(tmp_path / "minimal.xlsx", MINIMAL), export,
                 write_workbook(tmp_path / "edited.xlsx", sheets),
                 write_workbook(tmp_path / "minimal.xlsx", MINIMAL)]
    for path in workbooks:
        checked = _import(session, path, dry_run=True)
        done = _import(session, path)
        assert _counts(checked) == _counts(done), path.name


def test_dry_run_checks_but_writes_nothing(session, tmp_path):
    before = row_counts(session)
    summary = _import(session, write_workbook(tmp_path / "a.xlsx", MINIMAL), dry_run=True)
    assert summary.items_added == 2
    assert row_counts(session) == before


def test_demo_export_import_export_round_trip(session, tmp_path):
    load_demo(session)
    plan = plans.get_plan(session, ECUADOR_PLAN)
    first = tmp_path / "first.xlsx"
    first.write_bytes(export_workbook(session, SYSTEM, plan))
    items_before = session.exec(select(ActionItem.code).where(
        ActionItem.plan_id == plan.id)).all()
    figures_before = item_frame(session, plan.id, Quarter(2026, 3))
    _wipe(session)  # an empty database, then only the export comes back
    _import(session, first)
    plan = plans.get_plan(session, ECUADOR_PLAN)
    second = tmp_path / "second.xlsx"
    second.write_bytes(export_workbook(session, SYSTEM, plan))
    assert read_workbook(first) == read_workbook(second)
    assert sorted(session.exec(select(ActionItem.code)).all()) == sorted(items_before)
    figures_after = item_frame(session, plan.id, Quarter(2026, 3))
    assert figures_after["progress"].tolist() == figures_before["progress"].tolist()


def test_a_spanish_export_is_in_spanish_and_imports_back_exactly(session, tmp_path):
    """The export a Spanish session downloads: the template's Spanish sheets and headers,
    statuses and yes words in Spanish; wiped and imported, it exports the same workbook and
    gives the same figures (the workbook and the CSVs)."""
    load_demo(session)
    plan = plans.get_plan(session, ECUADOR_PLAN)
    plan.time_zone = "America/Lima"
    session.add(plan)
    session.flush()
    first = tmp_path / "primero.xlsx"
    first.write_bytes(export_workbook(session, SYSTEM, plan, "es"))
    archive = tmp_path / "primero.zip"
    archive.write_bytes(export_csv_zip(session, SYSTEM, plan, "es"))
    figures_before = item_frame(session, plan.id, Quarter(2026, 3))
    workbook = read_workbook(first)
    assert list(workbook) == ["plan", "lineas_estrategicas", "instituciones", "acciones",
                              "reportes"]
    assert workbook["plan"][0] == ("nombre", "comision", "trimestre_inicial", "trimestre_final",
                                   "mes_inicio_ano_fiscal", "zona_horaria")
    assert workbook["plan"][1][-1] == "America/Lima"
    assert workbook["reportes"][0][:4] == ("codigo", "trimestre", "institucion", "estado")
    statuses = {row[3] for row in workbook["reportes"][1:]} - {None, ""}
    assert statuses and statuses <= {"no iniciado", "en curso", "completado", "bloqueado",
                                     "cancelado"}
    assert {row[-1] for row in workbook["reportes"][1:]} <= {None, "", "sí"}
    with zipfile.ZipFile(archive) as handle:
        assert sorted(handle.namelist()) == ["acciones.csv", "instituciones.csv",
                                             "lineas_estrategicas.csv", "plan.csv",
                                             "reportes.csv"]
    for source in (first, archive):
        _wipe(session)
        _import(session, source)
        plan = plans.get_plan(session, ECUADOR_PLAN)
        assert plan.time_zone == "America/Lima"
        again = tmp_path / "segundo.xlsx"
        again.write_bytes(export_workbook(session, SYSTEM, plan, "es"))
        assert read_workbook(again) == workbook, source.name
        after = item_frame(session, plan.id, Quarter(2026, 3))
        assert after["progress"].tolist() == figures_before["progress"].tolist()


def test_a_plan_sheets_time_zone_must_be_a_known_zone(session, tmp_path):
    sheets = copy.deepcopy(MINIMAL)
    sheets["plan"] = [list(sheets["plan"][0]) + ["zona_horaria"],
                      list(sheets["plan"][1]) + ["Quito"]]
    [problem] = _problems(session, write_workbook(tmp_path / "plan.xlsx", sheets))
    assert "sheet plan, row 2, column zona_horaria: \"Quito\" is not a time zone" in problem


def test_a_plan_without_a_time_zone_takes_the_setting(session, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_TIME_ZONE", "America/Bogota")
    _import(session, write_workbook(tmp_path / "plan.xlsx", MINIMAL))
    assert plans.get_plan(session, "Small plan").time_zone == "America/Bogota"


def _wipe(session):
    for table in reversed(SQLModel.metadata.sorted_tables):
        session.execute(table.delete())
    session.flush()
    session.expunge_all()


def test_csv_export_has_every_sheet(session, tmp_path):
    _import(session, write_workbook(tmp_path / "a.xlsx", MINIMAL))
    data = export_csv_zip(session, SYSTEM, plans.get_plan(session, "Small plan"))
    archive = tmp_path / "export.zip"
    archive.write_bytes(data)
    with zipfile.ZipFile(archive) as handle:
        assert sorted(handle.namelist()) == ["institutions.csv", "items.csv", "plan.csv",
                                             "reports.csv", "strategic_lines.csv"]
    _wipe(session)
    assert _import(session, archive).items_added == 2  # the CSV export imports back


@pytest.mark.parametrize("lang, sheets", [
    ("en", ["instructions", "plan", "strategic_lines", "institutions", "items", "reports"]),
    ("es", ["instrucciones", "plan", "lineas_estrategicas", "instituciones", "acciones",
            "reportes"]),
])
def test_template_has_instructions_and_the_sheets(tmp_path, lang, sheets):
    path = tmp_path / "template.xlsx"
    write_template(path, lang)
    workbook = read_workbook(path)
    assert list(workbook) == sheets
    assert workbook[sheets[4]][0][0] == ("code" if lang == "en" else "codigo")
