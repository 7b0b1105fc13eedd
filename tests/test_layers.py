"""The layers: imports run downwards only and never in a loop.

``tracker/io`` reads and writes formats and never reaches into the services; nothing in
``tracker`` imports the app (``ui``, ``pages``) or Streamlit; a service never imports the demo
or the command line; and no ``tracker`` module imports one that imports it back, directly
or through others (an import inside a function counts too: it is the same dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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
]
# The exporter still checks the reader's permission itself; its owner moves that check into
# ``services.plan_files`` (issue 15). Listed here so that no other upward import slips in.
KNOWN: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in (ROOT / "tracker").rglob("*.py")}


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


def test_no_import_loops_among_tracker_modules():
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
