"""The documentation in ``docs/`` keeps up with the code, in the spirit of datasette's
documentation tests: every setting (each field of ``tracker.settings.Settings`` and the
environment variable that sets it, and every ``TRACKER_*`` variable read anywhere), every
``tracker`` subcommand and its arguments (walked from ``tracker.cli``'s parser), every page
(each module of ``pages/`` and each entry of ``dashboard.py``'s navigation, with who sees
it) and every sheet and column of the import template is its own test, which fails when the
docs leave it out; and no link in ``docs/`` or the README points to a missing file or
heading.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import re
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker import settings as settings_module
from tracker.cli import build_parser
from tracker.i18n import t
from tracker.io.template import SHEETS
from tracker.models import Role
from tracker.services.permissions import Actor, PageName, visible_pages

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
VARIABLE = re.compile(r"(?<![A-Za-z0-9_])TRACKER_[A-Z0-9_]*[A-Z0-9](?![A-Za-z0-9_])")


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _spans(text: str) -> set[str]:
    """The Markdown code spans of ``text`` (what is written between backticks)."""
    return set(re.findall(r"`([^`\n]+)`", text))


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def _rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row of ``text`` (separator rows left out)."""
    return [_cells(line) for line in text.splitlines()
            if line.startswith("|") and not re.fullmatch(r"[|\s:-]+", line)]


def _headings(text: str) -> list[tuple[int, str, int]]:
    """(level, title without backticks, offset) of each heading outside code blocks."""
    found, fenced, offset = [], False, 0
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"(#{1,6})\s+(.*)", line)):
            found.append((len(match[1]), match[2].replace("`", "").strip(), offset))
        offset += len(line)
    return found


def _section(text: str, title: str) -> str | None:
    """The text under the heading whose title (backticks aside) is ``title``, up to the next
    heading of the same or a higher level; None when there is no such heading."""
    headings = _headings(text)
    for index, (level, found, start) in enumerate(headings):
        if found == title:
            end = next((offset for deeper, _, offset in headings[index + 1:] if deeper <= level),
                       len(text))
            return text[start:end]
    return None


def _slug(title: str) -> str:
    """A heading's anchor as GitHub writes it."""
    plain = re.sub(r"[^\w\- ]", "", title.replace("`", "").strip().lower())
    return plain.replace(" ", "-")


# -- settings --------------------------------------------------------------------------------


def _fields(cls: type, prefix: str = "") -> list[str]:
    """The fields of a settings dataclass, a nested one's as ``smtp.host``."""
    hints = typing.get_type_hints(cls)
    names = []
    for field in dataclasses.fields(cls):
        kinds = typing.get_args(hints[field.name]) or (hints[field.name],)
        nested = [kind for kind in kinds if dataclasses.is_dataclass(kind)]
        if nested:
            names += _fields(nested[0], f"{prefix}{field.name}.")
        else:
            names.append(prefix + field.name)
    return names


def _settings_variables() -> list[str]:
    """The variables ``tracker/settings.py`` reads (its string constants that name one)."""
    tree = ast.parse((ROOT / "tracker" / "settings.py").read_text(encoding="utf-8"))
    return sorted({node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                   and isinstance(node.value, str) and VARIABLE.fullmatch(node.value)})


def _sources() -> Iterator[Path]:
    """Every file that may read a variable: the code, the tests, the bench, the build."""
    for folder in ("tracker", "ui", "pages", "devtools", "bench", "tests"):
        yield from (ROOT / folder).rglob("*.py")
    yield from (ROOT / name for name in ("server.py", "dashboard.py", "Makefile"))
    yield from (path for path in (ROOT / ".ci").iterdir() if path.is_file())


def _variables_read_anywhere() -> list[str]:
    found: set[str] = set()
    for path in _sources():
        if path != Path(__file__).resolve():
            found.update(VARIABLE.findall(path.read_text(encoding="utf-8")))
    return sorted(found)


SETTINGS_FIELDS = _fields(settings_module.Settings)
SETTINGS_VARIABLES = _settings_variables()
ALL_VARIABLES = sorted(set(SETTINGS_VARIABLES) | set(_variables_read_anywhere()))

# Every setting is read with these in its source; the SMTP fields exist only with a host.
BASE_SOURCE = {"TRACKER_SMTP_HOST": "mail.example.org"}
TRIES = ("7", "1", "0", "es", "2030-01-02", "America/Bogota")


def _flat(value: object, prefix: str = "") -> dict[str, object]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        flat: dict[str, object] = {}
        for field in dataclasses.fields(value):
            flat |= _flat(getattr(value, field.name), f"{prefix}{field.name}.")
        return flat
    return {prefix.rstrip("."): value}


def _read(source: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.setattr(settings_module, "_source", lambda: dict(source))
    return _flat(settings_module.get_settings())


def fields_set_by(variable: str, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The settings fields that ``variable`` changes: the first value of ``TRIES`` that the
    setting accepts and that reads differently from its default says which."""
    default = _read(BASE_SOURCE, monkeypatch)
    for value in TRIES:
        try:
            changed = _read({**BASE_SOURCE, variable: value}, monkeypatch)
        except ValueError:
            continue
        moved = {name for name in default if name in changed and default[name] != changed[name]}
        if moved:
            return moved
    return set()


def settings_row(doc: str, variable: str) -> list[str] | None:
    """The row of the settings table whose first cell is ``variable``."""
    return next((row for row in _rows(doc) if row[0] == f"`{variable}`"), None)


@pytest.mark.parametrize("variable", ALL_VARIABLES)
def test_every_tracker_variable_is_in_the_settings_page(variable):
    assert variable in _spans(_doc("settings.md")), f"docs/settings.md does not name {variable}"


@pytest.mark.parametrize("field", SETTINGS_FIELDS)
def test_every_settings_field_is_in_the_settings_page(field):
    assert field in _spans(_doc("settings.md")), f"docs/settings.md does not name {field}"


@pytest.mark.parametrize("variable", SETTINGS_VARIABLES)
def test_each_settings_row_names_the_field_its_variable_sets(variable, monkeypatch):
    moved = fields_set_by(variable, monkeypatch)
    assert moved, f"{variable} changes no field of Settings"
    row = settings_row(_doc("settings.md"), variable)
    assert row is not None, f"docs/settings.md has no table row for {variable}"
    assert {f"`{field}`" for field in moved} <= set(row), (variable, moved, row)


# -- the tracker command ---------------------------------------------------------------------


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ("tracker",)
             ) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Each subcommand the parser runs (``tracker plan import``), however deep."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield from commands(subparser, (*path, name))
            return
    yield " ".join(path), parser


def arguments(parser: argparse.ArgumentParser) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each argument of a subcommand as its documentation names it (``--dry-run``, ``FILE``),
    with its choices."""
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = (max(action.option_strings, key=len) if action.option_strings
                else (action.metavar or action.dest).upper())
        yield name, tuple(str(choice) for choice in action.choices or ())


COMMANDS = dict(commands(build_parser()))
ARGUMENTS = [(command, name, choices) for command, parser in COMMANDS.items()
             for name, choices in arguments(parser)]


def argument_documented(section: str, name: str, choices: tuple[str, ...]) -> bool:
    """A row of the section's argument table starts with the argument and names each of its
    choices."""
    row = next((row for row in _rows(section) if row[0] == f"`{name}`"), None)
    return row is not None and all(f"`{choice}`" in " | ".join(row[1:]) for choice in choices)


def in_synopsis(doc: str, command: str) -> bool:
    """A line of the page's opening code block starts with ``command``."""
    synopsis = doc.split("```", 2)[1] if doc.count("```") >= 2 else ""
    return re.search(rf"^{re.escape(command)}(?![\w-])", synopsis, re.MULTILINE) is not None


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_its_section_in_the_cli_page(command):
    doc = _doc("cli.md")
    assert _section(doc, command) is not None, f"docs/cli.md has no section `{command}`"
    assert in_synopsis(doc, command), f"the synopsis of docs/cli.md lacks {command}"


@pytest.mark.parametrize(("command", "argument", "choices"), ARGUMENTS,
                         ids=[f"{command} {argument}" for command, argument, _ in ARGUMENTS])
def test_every_argument_is_in_its_subcommands_section(command, argument, choices):
    section = _section(_doc("cli.md"), command) or ""
    assert argument_documented(section, argument, choices), (
        f"docs/cli.md, section `{command}`: no table row for {argument} "
        f"(choices {', '.join(choices) or 'none'})")


# -- pages -----------------------------------------------------------------------------------


PAGE_MODULES = sorted(path.stem for path in (ROOT / "pages").glob("*.py")
                      if path.stem != "__init__")


def navigation() -> dict[str, tuple[str, str]]:
    """``dashboard.py``'s navigation: page name -> (address, module), read from its source
    (importing it would run the app)."""
    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    table = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and any(isinstance(target, ast.Name) and target.id == "PAGES"
                         for target in node.targets))
    assert isinstance(table, ast.Dict)
    found = {}
    for key, value in zip(table.keys, table.values, strict=True):
        assert isinstance(key, ast.Attribute) and isinstance(value, ast.Tuple)
        render, address = value.elts[0], value.elts[-1]
        assert isinstance(render, ast.Attribute) and isinstance(render.value, ast.Name)
        assert isinstance(address, ast.Constant)
        found[PageName[key.attr].value] = (str(address.value), render.value.id)
    return found


NAVIGATION = navigation()
ROLES = {  # the table's columns, each as an actor holding that role alone
    "member": Actor(1, institution_id=1, roles={1: frozenset({Role.MEMBER})}),
    "coordinator": Actor(1, roles={1: frozenset({Role.COORDINATOR})}),
    "observer": Actor(1, roles={1: frozenset({Role.OBSERVER})}),
    "admin": Actor(1, is_admin=True),
}


def page_row(doc: str, module: str) -> dict[str, str] | None:
    """The pages table's row of ``module``, by column title."""
    rows = _rows(doc)
    header = next(row for row in rows if "module" in row)
    for row in rows:
        if f"`pages/{module}.py`" in row:
            return dict(zip(header, row, strict=False))
    return None


@pytest.mark.parametrize("module", PAGE_MODULES)
def test_every_page_module_is_in_the_pages_page(module):
    assert f"pages/{module}.py" in _spans(_doc("pages.md")), f"docs/pages.md lacks {module}"


# (``name``, not ``page``: pytest-playwright owns a fixture called ``page``)
@pytest.mark.parametrize("name", NAVIGATION)
def test_every_page_of_the_navigation_has_its_row(name):
    address, module = NAVIGATION[name]
    row = page_row(_doc("pages.md"), module)
    assert row is not None, f"docs/pages.md has no row for pages/{module}.py"
    assert row["address"] == f"`{address}`", (name, row["address"])
    for lang in ("en", "es"):
        assert t(f"nav.{name}", lang) in row["page (English · Spanish)"], (name, lang)


@pytest.mark.parametrize("name", NAVIGATION)
def test_each_page_row_says_which_roles_see_it(name):
    row = page_row(_doc("pages.md"), NAVIGATION[name][1]) or {}
    for role, actor in ROLES.items():
        sees = PageName(name) in visible_pages(actor)
        assert (row.get(role, "—") not in ("—", "")) == sees, (name, role, row.get(role))


# -- the import template ---------------------------------------------------------------------


def sheet_section(doc: str, name: str) -> str | None:
    return next((_section(doc, title) for _, title, _ in _headings(doc)
                 if title.startswith(f"{name} (")), None)


COLUMNS = [(sheet, column) for sheet in SHEETS for column in sheet.columns]


@pytest.mark.parametrize("sheet", SHEETS, ids=[sheet.name for sheet in SHEETS])
def test_every_template_sheet_has_its_section(sheet):
    section = sheet_section(_doc("template.md"), sheet.name)
    assert section is not None, f"docs/template.md has no section for the sheet {sheet.name}"
    assert f"({sheet.spanish})" in _headings(section)[0][1]
    assert ("— required" in section.splitlines()[0]) == sheet.required, sheet.name


@pytest.mark.parametrize(("sheet", "column"), COLUMNS,
                         ids=[f"{sheet.name}.{column.name}" for sheet, column in COLUMNS])
def test_every_template_column_is_in_its_sheets_table(sheet, column):
    section = sheet_section(_doc("template.md"), sheet.name) or ""
    row = next((row for row in _rows(section) if row[0] == f"`{column.name}`"), None)
    assert row is not None, f"docs/template.md, sheet {sheet.name}: no row for {column.name}"
    assert row[1] == f"`{column.spanish}`", (column.name, row[1])
    assert (row[2] == "yes") == column.required, (column.name, row[2])


# -- links -----------------------------------------------------------------------------------


def links() -> list[tuple[Path, str]]:
    """Each relative link of the docs and the README: (the file it is in, the link)."""
    sources = [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]
    return [(source, target) for source in sources
            for target in re.findall(r"\]\(([^)\s]+)\)", source.read_text(encoding="utf-8"))
            if not re.match(r"[a-z]+:", target)]


LINKS = list(dict.fromkeys(links()))  # a link given twice is one test


def link_problem(source: Path, target: str) -> str | None:
    """What is wrong with the link ``target`` in the file ``source``, or None."""
    path, _, anchor = target.partition("#")
    file = (source.parent / path).resolve() if path else source
    if not file.exists():
        return f"{file.relative_to(ROOT) if file.is_relative_to(ROOT) else file} is missing"
    if anchor and file.suffix == ".md":
        slugs = {_slug(title) for _, title, _ in _headings(file.read_text(encoding="utf-8"))}
        if anchor not in slugs:
            return f"{file.name} has no heading #{anchor}"
    return None


@pytest.mark.parametrize(("source", "target"), LINKS,
                         ids=[f"{source.relative_to(ROOT)}->{target}" for source, target in LINKS])
def test_every_link_points_to_a_file_and_heading_that_exist(source, target):
    assert link_problem(source, target) is None, (str(source.relative_to(ROOT)),
                                                  link_problem(source, target))


@pytest.mark.parametrize("name", sorted(p.name for p in DOCS.glob("*.md") if p.name != "README.md"))
def test_every_docs_page_is_in_the_index(name):
    assert f"]({name})" in _doc("README.md"), f"docs/README.md does not link {name}"


# -- the checks themselves -------------------------------------------------------------------


def test_the_checks_catch_what_is_left_out(tmp_path, monkeypatch):
    """The walks find names, and an empty page documents none of them."""
    assert {"TRACKER_DATABASE_URL", "TRACKER_SMTP_HOST"} <= set(SETTINGS_VARIABLES)
    assert {"smtp.host", "database_url"} <= set(SETTINGS_FIELDS)
    assert {"TRACKER_TEST_DATABASE_URL", "TRACKER_CHROMIUM"} <= set(ALL_VARIABLES)
    assert fields_set_by("TRACKER_SMTP_STARTTLS", monkeypatch) == {"smtp.starttls"}
    assert settings_row("| `TRACKER_DEMO` | `demo_mode` |", "TRACKER_SMTP_HOST") is None
    assert {"tracker db upgrade", "tracker plan import", "tracker deck"} <= set(COMMANDS)
    assert ("tracker plan import", "--dry-run", ()) in ARGUMENTS
    assert ("tracker deck", "--lang", ("es", "en")) in ARGUMENTS
    assert not argument_documented("| `--lang` | the language |", "--lang", ("es", "en"))
    assert argument_documented("| `--lang` | `en` or `es` |", "--lang", ("es", "en"))
    assert not in_synopsis("```\ntracker remindx\n```", "tracker remind")
    assert NAVIGATION["plan_files"] == ("plan-files", "plan_files_page")
    assert page_row("| page | module |\n| x | `pages/a.py` |", "b") is None
    assert _section("# a\n## b\ntext\n## c\n", "b") == "## b\ntext\n"
    assert _slug("`tracker plan import`") == "tracker-plan-import"
    source = tmp_path / "source.md"
    source.write_text("# Here\n", encoding="utf-8")
    assert link_problem(source, "missing.md") is not None
    assert link_problem(source, "#elsewhere") == "source.md has no heading #elsewhere"
    assert link_problem(source, "#here") is None
