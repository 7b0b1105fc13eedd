"""The ``tracker`` command as outside tools use it: exit codes, messages, nothing half-done."""

from __future__ import annotations

import ast
import copy
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from tests.helpers import MINIMAL, read_workbook, row_counts, write_workbook
from tracker.demo import ECUADOR_PLAN, TRINATIONAL_PLAN
from tracker.models import Plan, RoleGrant, User
from tracker.services.accounts import password_matches
from tracker.services.permissions import SYSTEM
from tracker.services.plan_names import plan_names
from tracker.services.plans import list_plans


def test_demo_load_is_safe_to_repeat_and_plan_list_names_both(cli, engine):
    assert cli("demo", "load")[0] == 0
    with Session(engine) as session:
        before = row_counts(session)
    assert cli("demo", "load")[0] == 0
    with Session(engine) as session:
        assert row_counts(session) == before
    code, out, _ = cli("plan", "list")
    assert code == 0
    assert out.splitlines() == sorted([ECUADOR_PLAN, TRINATIONAL_PLAN])
    code, out, _ = cli("demo", "load", "--if-empty")
    assert code == 0 and "already holds plans" in out


def test_plan_list_names_what_list_plans_gives_the_operator_without_archived_plans(
        cli, engine):
    """``plan list`` reads the names in SQLAlchemy Core (``plan_names``): the same answer as
    the service's ``list_plans`` for the operator, an archived plan left out."""
    cli("demo", "load")
    with Session(engine) as session:
        plan = session.exec(select(Plan).where(Plan.name == TRINATIONAL_PLAN)).one()
        plan.archived = True
        session.add(plan)
        session.commit()
        expected = [plan.name for plan in list_plans(session, SYSTEM)]
    assert expected == [ECUADOR_PLAN]
    assert plan_names(engine) == expected
    assert cli("plan", "list")[1].splitlines() == expected


def _modules_loaded(arguments: list[str], database_url: str, packages: set[str],
                    modules: set[str]) -> list[str]:
    """The modules of ``packages`` (top-level names) or in ``modules`` that ``tracker
    *arguments`` loaded, run in a fresh process as someone types it; it must succeed."""
    script = ("import sys; from tracker.cli import main; "
              f"code = main({arguments!r}); "
              f"print(sorted(m for m in sys.modules if m.split('.')[0] in {packages!r} "
              f"or m in {modules!r})); sys.exit(code)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**os.environ, "TRACKER_DATABASE_URL": database_url},
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.splitlines()[-1])


def test_plan_list_imports_neither_the_orm_nor_the_models(database_url):
    """What keeps ``tracker plan list`` quick (bench/commands.py times it): on a database at
    the head it loads SQLAlchemy's core, not the ORM, SQLModel, the tables, Alembic, pandas."""
    assert _modules_loaded(
        ["plan", "list"], database_url,
        {"sqlmodel", "pydantic", "alembic", "pandas", "plotly", "streamlit"},
        {"sqlalchemy.orm", "tracker.models", "tracker.services.plans"}) == []


def test_deck_imports_neither_pandas_nor_the_orm(cli, database_url, tmp_path):
    """What keeps ``tracker deck`` quick (bench/commands.py times it against python-pptx
    alone): the meeting's figures are read in Core as plain rows, so the command loads no
    pandas, numpy, pyarrow, plotly or Streamlit, and neither the ORM nor the models."""
    assert cli("plan", "import", str(write_workbook(tmp_path / "plan.xlsx", MINIMAL)))[0] == 0
    out = tmp_path / "x.pptx"
    assert _modules_loaded(
        ["deck", "2026-Q2", "--out", str(out), "--plan", "Small plan", "--lang", "es"],
        database_url, {"pandas", "numpy", "pyarrow", "plotly", "streamlit", "sqlmodel",
                       "pydantic"}, {"sqlalchemy.orm", "tracker.models"}) == []
    assert out.stat().st_size > 0


def test_deck_names_the_plans_when_the_plan_is_unknown_or_the_quarter_outside(cli, tmp_path):
    assert cli("plan", "import", str(write_workbook(tmp_path / "plan.xlsx", MINIMAL)))[0] == 0
    out = str(tmp_path / "x.pptx")
    code, _, err = cli("deck", "2026-Q2", "--out", out, "--plan", "No such plan")
    assert code == 2
    assert err.splitlines()[-1] == "  Small plan"
    code, _, err = cli("deck", "2030-Q1", "--out", out)  # the only plan, without --plan
    assert code == 2
    assert "2030-Q1" in err
    assert not Path(out).exists()
    assert cli("deck", "2026-Q2", "--out", out)[0] == 0


def test_import_refuses_a_bad_workbook_with_exit_2_and_writes_nothing(cli, engine, tmp_path):
    sheets = copy.deepcopy(MINIMAL)
    sheets["items"][2][3] = "UNKNOWN"
    sheets["reports"][2][4] = 140
    path = write_workbook(tmp_path / "bad.xlsx", sheets)
    code, out, err = cli("plan", "import", str(path))
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == (f"{path}: sheet items, row 3, column lead_institution: unknown "
                        "institution UNKNOWN: add it to the institutions sheet")
    assert lines[1] == (f"{path}: sheet reports, row 3, column percent_complete: "
                        "140 is outside 0–100")
    assert "Nothing was written" in lines[-1]
    with Session(engine) as session:
        assert sum(row_counts(session).values()) == 0
    assert cli("plan", "list")[1] == ""


def test_export_then_import_into_an_empty_database_gives_the_same_workbook(
        cli, tmp_path, monkeypatch):
    cli("demo", "load")
    first = tmp_path / "first.xlsx"
    code, _, err = cli("plan", "export", str(first))
    assert code == 2 and ECUADOR_PLAN in err  # two plans: --plan is needed, and listed
    assert cli("plan", "export", str(first), "--plan", ECUADOR_PLAN)[0] == 0
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    code, out, _ = cli("plan", "import", str(first))
    assert code == 0 and "Items added: 28;" in out
    second = tmp_path / "second.xlsx"
    assert cli("plan", "export", str(second))[0] == 0  # one plan: --plan may be left out
    assert read_workbook(first) == read_workbook(second)


def test_dry_run_reports_and_writes_nothing(cli, tmp_path):
    path = write_workbook(tmp_path / "plan.xlsx", MINIMAL)
    code, out, _ = cli("plan", "import", str(path), "--dry-run")
    assert code == 0 and "nothing written" in out
    assert cli("plan", "list")[1] == ""


def test_user_add_with_password_on_stdin_and_role_on_every_plan(cli, engine):
    cli("demo", "load")
    code, _, err = cli("user", "add", "New@Example.org", "--name", "Nueva Persona",
                       "--role", "coordinator", "--password-stdin",
                       stdin="a long enough secret\n")
    assert code == 0, err
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == "new@example.org")).one()
        assert password_matches(user.password_hash, "a long enough secret")
        grants = session.exec(select(RoleGrant).where(RoleGrant.user_id == user.id)).all()
        assert len(grants) == 2 and {g.role for g in grants} == {"coordinator"}
    code, _, err = cli("user", "add", "new@example.org", "--name", "X", "--role", "observer",
                       "--password-stdin", stdin="a long enough secret\n")
    assert code == 2 and "already exists" in err


def test_user_add_without_a_terminal_or_institution_exits_2(cli):
    code, _, err = cli("user", "add", "a@example.org", "--name", "A", "--role", "observer")
    assert code == 2 and "--password-stdin" in err
    code, _, err = cli("user", "add", "b@example.org", "--name", "B", "--role", "member",
                       "--password-stdin", stdin="a long enough secret\n")
    assert code == 2 and "needs an institution" in err


def test_template_in_spanish(cli, tmp_path):
    path = tmp_path / "plantilla.xlsx"
    assert cli("plan", "template", str(path), "--lang", "es")[0] == 0
    assert "acciones" in read_workbook(path)


def _run_tracker(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    tracker = Path(sys.executable).with_name("tracker")
    return subprocess.run([str(tracker), *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=60)


def test_a_database_that_is_down_is_a_sentence_not_a_traceback():
    result = _run_tracker("plan", "list", env={
        "TRACKER_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert result.returncode == 1
    assert "Cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_file_is_bad_input(tmp_path):
    result = _run_tracker("plan", "import", str(tmp_path / "nope.xlsx"),
                          env={"TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}"})
    assert result.returncode == 2
    assert result.stderr.strip() == f"{tmp_path / 'nope.xlsx'}: no such file or folder"


def test_plan_import_opens_the_chosen_quarter_and_keeps_shared_institutions(cli, tmp_path):
    assert cli("plan", "import", str(write_workbook(tmp_path / "a.xlsx", MINIMAL)))[0] == 0
    other = copy.deepcopy(MINIMAL)
    other["plan"][1][0] = "Second plan"
    other["institutions"][1][1] = "OIM — Misión en Ecuador"
    path = str(write_workbook(tmp_path / "b.xlsx", other))
    code, out, _ = cli("plan", "import", path, "--dry-run", "--open", "T2 2026")
    assert code == 0 and "Quarter open for reports: 2026-Q2" in out
    assert "OIM: name would change from" in out and "also used by Small plan" in out
    code, out, _ = cli("plan", "import", path, "--open", "2026-Q2")
    assert code == 0 and "kept as it is" in out
    code, out, _ = cli("plan", "import", path, "--rename-institutions")
    assert code == 0 and "kept as it is" not in out
    code, _, err = cli("plan", "export", str(tmp_path / "out.xlsx"), "--plan", "Small plan")
    names = {row[0]: row[1] for row in read_workbook(tmp_path / "out.xlsx")["institutions"]}
    assert names["OIM"] == "OIM — Misión en Ecuador"
    code, _, err = cli("plan", "import", path, "--open", "2031-Q1")
    assert code == 2 and "is outside the plan" in err


def test_the_command_line_refuses_line_breaks_in_single_line_fields(cli, engine, tmp_path):
    """Issue 25: a plan's name or a person's name with a line break, through the CLI."""
    sheets = copy.deepcopy(MINIMAL)
    sheets["plan"][1][0] = "Small plan\r\nBcc: intruso@example.org"
    path = write_workbook(tmp_path / "plan.xlsx", sheets)
    code, _, err = cli("plan", "import", str(path))
    assert code == 2
    assert (f"{path}: sheet plan, row 2, column name: the cell takes one line: remove the line "
            "breaks (Alt+Enter), tabs and other invisible control characters.") in err.splitlines()
    code, _, err = cli("user", "add", "zoe@example.org", "--name", "Zoe\nBcc: x@example.org",
                       "--role", "observer", "--password-stdin",
                       stdin="marimba tortuga volcán 77\n")
    assert code == 2 and err.startswith("Name: one line only")
    with Session(engine) as session:
        assert sum(row_counts(session).values()) == 0


def test_deck_of_a_plan_with_every_field_at_its_longest(cli, engine, tmp_path):
    """Issue 25, item 7: `tracker deck` ended in a traceback on a 300-character commission."""
    from pptx import Presentation

    from tests.factories import longest_plan

    with Session(engine) as session:
        name = longest_plan(session).plan.name
        session.commit()
    out = tmp_path / "deck.pptx"
    code, printed, err = cli("deck", "2026-Q3", "--plan", name, "--out", str(out))
    assert code == 0, err
    assert "2026" in printed
    assert Presentation(str(out)).slides[0].shapes.title.text_frame.text == name
