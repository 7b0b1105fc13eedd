"""Every dependency pyproject.toml declares is used: a package installed and never imported is
download, install time and attack surface for nothing (kaleido was, until issue 28).

A runtime dependency is imported by the app (``tracker/``, ``ui/``, ``pages/``, ``server.py``,
``dashboard.py``); a test dependency by anything in the tree (``tests/``, ``bench/`` and
``devtools/`` too). The few used without an import are listed in ``USED_WITHOUT_IMPORT``, each
with the reason. Which modules a package provides is read from the installed distributions.
"""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ("tracker", "ui", "pages", "server.py", "dashboard.py")
TREE = (*APP, "tests", "bench", "devtools")

# Declared, used, never imported: each entry says how it is used.
USED_WITHOUT_IMPORT = {
    # SQLAlchemy's driver for postgresql+psycopg:// URLs (TRACKER_DATABASE_URL)
    "psycopg": "runtime",
    # a pytest plugin, loaded by its entry point: tests/browser's page and browser fixtures
    "pytest-playwright": "test",
    # commands that `make test` and `make lint` run
    "ruff": "test",
    "mypy": "test",
}


def _canonical(name: str) -> str:
    """A distribution's name as pip compares it (PEP 503): ``Babel`` and ``babel`` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _name(requirement: str) -> str:
    """``psycopg[binary]>=3.2`` → ``psycopg``."""
    found = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert found, requirement
    return _canonical(found.group(1))


def declared() -> dict[str, list[str]]:
    """The names pyproject.toml declares: ``runtime`` (dependencies) and ``test`` (extra)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {"runtime": [_name(r) for r in project["dependencies"]],
            "test": [_name(r) for r in project["optional-dependencies"]["test"]]}


def imported(places: tuple[str, ...]) -> set[str]:
    """The top-level modules the Python files under ``places`` import (absolute imports, at
    the top or inside a function)."""
    paths = [path for place in places for path in (
        [ROOT / place] if place.endswith(".py") else (ROOT / place).rglob("*.py"))]
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def providers() -> dict[str, set[str]]:
    """The installed distributions (canonical names) and the top-level modules each provides."""
    found: dict[str, set[str]] = {}
    for module, distributions in packages_distributions().items():
        for distribution in distributions:
            found.setdefault(_canonical(distribution), set()).add(module)
    return found


def unused(names: list[str], modules: set[str], provided: dict[str, set[str]],
           without_import: set[str]) -> list[str]:
    """The names of ``names`` none of whose modules is among ``modules`` (a name not installed
    provides none), leaving out those used without an import."""
    return [name for name in names
            if name not in without_import and not provided.get(name, set()) & modules]


def _without_import(kind: str) -> set[str]:
    return {name for name, used in USED_WITHOUT_IMPORT.items() if used == kind}


def test_every_runtime_dependency_is_imported_by_the_app():
    assert unused(declared()["runtime"], imported(APP), providers(),
                  _without_import("runtime")) == []


def test_every_test_dependency_is_imported_somewhere_in_the_tree():
    assert unused(declared()["test"], imported(TREE), providers(), _without_import("test")) == []


def test_what_is_used_without_an_import_is_declared_and_really_not_imported():
    """An entry of ``USED_WITHOUT_IMPORT`` that the tree does import, or that is no longer
    declared, is stale: remove it, so that the list keeps saying something true."""
    names = declared()
    provided = providers()
    modules = imported(TREE)
    for name, kind in USED_WITHOUT_IMPORT.items():
        assert name in names[kind], f"{name} is not a declared {kind} dependency"
        assert not provided.get(name, set()) & modules, f"{name} is imported: not an exception"


def test_the_check_catches_a_dependency_nothing_imports():
    provided = {"kaleido": {"kaleido"}, "python-pptx": {"pptx"}, "psycopg": {"psycopg"}}
    assert unused(["python-pptx", "kaleido", "psycopg", "not-installed"], {"pptx"}, provided,
                  {"psycopg"}) == ["kaleido", "not-installed"]
    assert _name("streamlit[auth]>=1.67") == "streamlit"
    assert _name("Babel>=2.15") == _name("babel") == "babel"
