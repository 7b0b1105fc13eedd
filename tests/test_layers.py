"""The layers: imports run downwards only and never in a loop, over the whole tree.

From the top: the entry points (``server.py``, which serves ``dashboard.py``), the pages
(``pages/``), the app's Streamlit layer (``ui/``), the tracker itself (``tracker/``).

- Nothing imports an entry point, and neither imports the other (``server.py`` names
  ``dashboard.py`` as the script it runs).
- A page imports ``ui`` and ``tracker``, never another page (what two pages share lives in
  ``ui``), and opens no database session of its own: no ``sqlmodel`` or ``sqlalchemy`` (its
  reads go through ``ui.data``, its writes through ``ui.actions``).
- ``ui`` imports ``tracker``, never a page.
- Nothing in ``tracker`` imports the app (``ui``, ``pages``) or Streamlit; ``tracker/io``
  reads and writes formats and never reaches into the services; a service never imports the
  demo or the command line.
- No module imports one that imports it back, directly or through others.

An import inside a function, or under ``TYPE_CHECKING``, counts too: it is the same dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ENTRY_POINTS = ("server", "dashboard")
LAYERS = ("tracker", "ui", "pages")

# (importer prefix, imported prefix): what may not import what.
UPWARD = [
    ("tracker.io", "tracker.services"),
    ("tracker.io", "tracker.cli"),
    ("tracker.io", "tracker.demo"),
    ("tracker.services", "tracker.cli"),
    ("tracker.services", "tracker.demo"),
    ("tracker.rules", "tracker."),  # the field rules stand on nothing
    ("tracker", "ui"),
    ("tracker", "pages"),
    ("tracker", "streamlit"),
    ("ui", "pages"),
    ("pages", "pages"),  # sideways rather than upward: no page imports another
    ("pages", "sqlmodel"),
    ("pages", "sqlalchemy"),
    *((importer, entry) for importer in (*LAYERS, *ENTRY_POINTS) for entry in ENTRY_POINTS
      if importer != entry),
]
# Upward imports tolerated until their owner removes them, listed so that no other one slips
# in: none today.
KNOWN: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    """Every module of the tree: the layers' packages and the entry points."""
    paths = [*(path for layer in LAYERS for path in (ROOT / layer).rglob("*.py")),
             *(ROOT / f"{entry}.py" for entry in ENTRY_POINTS)]
    return {_module_name(path): path for path in paths}


def _imports(path: Path, known: set[str]) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in known else node.module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, set(modules)) for name, path in modules.items()}


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix if prefix.endswith(".") else prefix + ".")


def upward_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {(module, imported) for module, imports in graph.items() for imported in imports
            for low, high in UPWARD if _within(module, low) and _within(imported, high)}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import loops among the graph's modules (strongly connected components, Tarjan)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = lowlink[module] = len(index)
        stack.append(module)
        for imported in graph[module]:
            if imported not in graph:
                continue
            if imported not in index:
                visit(imported)
                lowlink[module] = min(lowlink[module], lowlink[imported])
            elif imported in stack:
                lowlink[module] = min(lowlink[module], index[imported])
        if lowlink[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in graph[module]:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_a_layer_above_it():
    assert upward_imports(_graph()) - KNOWN == set()


def test_the_walk_covers_the_whole_tree():
    graph = _graph()
    assert {"server", "dashboard", "pages.overview_page", "ui.state", "tracker.models"} <= set(
        graph)
    assert "pages.overview_page" in graph["dashboard"]  # ``from pages import overview_page``


def test_no_import_loops_among_the_modules():
    assert cycles(_graph()) == []


def test_the_demo_password_lives_with_the_settings_not_in_a_service_import_of_the_demo():
    graph = _graph()
    assert "tracker.settings" in graph["tracker.services.auth"]
    assert not any(_within(imported, "tracker.demo") for imported in graph["tracker.services.auth"])


def test_the_checks_catch_an_upward_import_and_a_loop():
    """The walk itself: a made-up graph with an upward import and a loop is caught."""
    graph = {"tracker.io.x": {"tracker.services.y"}, "tracker.services.y": {"tracker.io.x"},
             "tracker.services.z": {"ui.data"}}
    assert upward_imports(graph) == {("tracker.io.x", "tracker.services.y"),
                                     ("tracker.services.z", "ui.data")}
    assert cycles(graph) == [["tracker.io.x", "tracker.services.y"]]


def test_the_checks_catch_what_the_app_may_not_import():
    """A made-up app: a page importing another page, the database, an entry point; ``ui``
    importing a page or an entry point; an entry point importing the other. What each layer
    may import (``tracker`` and ``ui`` from a page, Streamlit from ``ui``) is not caught."""
    graph = {
        "pages.a_page": {"pages.b_page", "sqlmodel", "sqlalchemy.orm", "server", "ui.data",
                         "tracker.models", "streamlit"},
        "pages.b_page": {"ui.widgets"},
        "ui.data": {"pages.a_page", "dashboard", "tracker.services.x", "streamlit"},
        "server": {"dashboard", "ui.incident"},
        "dashboard": {"pages.a_page", "ui.state"},
        "tracker.services.x": {"server"},
    }
    assert upward_imports(graph) == {
        ("pages.a_page", "pages.b_page"), ("pages.a_page", "sqlmodel"),
        ("pages.a_page", "sqlalchemy.orm"), ("pages.a_page", "server"),
        ("ui.data", "pages.a_page"), ("ui.data", "dashboard"), ("server", "dashboard"),
        ("tracker.services.x", "server"),
    }
