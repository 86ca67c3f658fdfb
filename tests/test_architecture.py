"""Architecture rules, checked on the source (no app, no database).

* The domain packages of ``wid_events`` (its subpackages, found by listing the directories)
  import each other without a cycle. Only top-of-file imports count: imports under
  ``if TYPE_CHECKING:`` and imports inside functions or methods are left out of the graph.
* No module is over 600 lines, the demo content aside.
* Services never commit: the one write path commits in ``core`` (see ``core/uow.py``).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "wid_events"
SOURCE = ROOT / PACKAGE

MAX_LINES = 600
#: Modules allowed over MAX_LINES, with the reason.
LONG_MODULES = {
    "wid_events/demo/data.py": "the demo content (events, people, sessions), not code",
}


def domain_packages() -> list[str]:
    """The subpackages of wid_events: every directory with an ``__init__.py``."""
    return sorted(p.parent.name for p in SOURCE.glob("*/__init__.py"))


def python_files(directory: Path = SOURCE) -> list[Path]:
    return sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.parts)


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# --------------------------------------------------------------------------- import graph


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    target: str  # the absolute dotted name that is imported


def _is_type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:``."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_time_statements(body: list[ast.stmt]):
    """The statements that run when the module is imported: the module body, including
    ``if``/``try``/``with`` blocks and class bodies, but neither function bodies (they run
    when called) nor ``if TYPE_CHECKING:`` blocks (they never run)."""
    for node in body:
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _import_time_statements(node.orelse)
            continue
        for field in ("body", "orelse", "finalbody", "handlers"):
            children = getattr(node, field, None)
            if isinstance(children, list):
                yield from _import_time_statements(
                    [child for child in children if isinstance(child, ast.stmt | ast.excepthandler)]
                )


def _resolve(path: Path, node: ast.ImportFrom, root: Path) -> str:
    """The absolute module a ``from … import`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package.pop()  # a module's own package
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def top_level_imports(path: Path, root: Path = ROOT) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []
    for node in _import_time_statements(tree.body):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(path, node, root)
            # ``from wid_events import jobday`` imports the subpackage ``wid_events.jobday``.
            found += [Import(path, node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def package_of(dotted: str, packages: set[str]) -> str | None:
    """The domain package a dotted name lies in (``wid_events.jobday.services`` → jobday)."""
    parts = dotted.split(".")
    if len(parts) >= 2 and parts[0] == PACKAGE and parts[1] in packages:
        return parts[1]
    return None


def import_graph() -> dict[str, dict[str, list[Import]]]:
    """``graph[a][b]``: the top-of-file imports by which package ``a`` imports package ``b``."""
    packages = set(domain_packages())
    graph: dict[str, dict[str, list[Import]]] = {name: defaultdict(list) for name in packages}
    for package in packages:
        for path in python_files(SOURCE / package):
            for imp in top_level_imports(path):
                target = package_of(imp.target, packages)
                if target and target != package:
                    graph[package][target].append(imp)
    return graph


def strongly_connected(graph: dict[str, dict[str, list[Import]]]) -> list[list[str]]:
    """The groups of packages that import each other in a cycle (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components)


def shortest_cycle(graph, component: list[str]) -> list[str]:
    """A shortest cycle through the component's first package (breadth-first)."""
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for succ in sorted(graph[node]):
            if succ == start:
                return [*paths[node], start]
            if succ in component and succ not in paths:
                paths[succ] = [*paths[node], succ]
                queue.append(succ)
    raise AssertionError(f"no cycle through {start} in {component}")  # pragma: no cover


def describe(graph, component: list[str]) -> str:
    """The packages of one cycle group, a shortest cycle, and every import inside the group."""
    lines = [
        f"{len(component)} packages import each other: {', '.join(component)}",
        f"  for example: {' -> '.join(shortest_cycle(graph, component))}",
        "  imports inside the group (one example each):",
    ]
    for a in component:
        for b in sorted(set(graph[a]) & set(component)):
            imp = graph[a][b][0]
            more = f" (+{len(graph[a][b]) - 1} more)" if len(graph[a][b]) > 1 else ""
            lines.append(f"    {a} -> {b}: {relative(imp.path)}:{imp.line} imports {imp.target}{more}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the tests


def test_the_domain_packages_are_found():
    packages = domain_packages()
    for expected in ("accounts", "agenda", "core", "events", "registration", "speakers"):
        assert expected in packages
    assert "static" not in packages and "templates" not in packages


def test_the_import_graph_reader_sees_what_runs_at_import_time(tmp_path):
    source = tmp_path / PACKAGE / "alpha" / "views.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from wid_events.beta import services\n"
        "from wid_events import gamma\n"
        "from ..delta.models import Thing\n"
        "from . import forms\n"
        "if TYPE_CHECKING:\n"
        "    from wid_events.epsilon import models\n"
        "else:\n"
        "    import wid_events.zeta.cli\n"
        "try:\n"
        "    from wid_events.eta import x\n"
        "except ImportError:\n"
        "    pass\n"
        "def view():\n"
        "    from wid_events.theta import services\n"
        "class Form:\n"
        "    from wid_events.iota import y\n"
        "    def method(self):\n"
        "        import wid_events.kappa\n",
        encoding="utf-8",
    )
    targets = [imp.target for imp in top_level_imports(source, root=tmp_path)]
    packages = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"}
    assert {package_of(t, packages) for t in targets} - {None} == {
        "alpha",  # its own `from . import forms`, ignored by the graph
        "beta",
        "gamma",
        "delta",
        "zeta",
        "eta",
        "iota",
    }


def test_cycles_are_found_and_printed():
    imp = Import(Path(__file__), 1, "x")
    graph = {
        "a": {"b": [imp]},
        "b": {"c": [imp]},
        "c": {"a": [imp], "d": [imp]},
        "d": {},
    }
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert shortest_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    assert "c -> a:" in describe(graph, ["a", "b", "c"])
    assert "c -> d" not in describe(graph, ["a", "b", "c"])
    assert strongly_connected({"a": {"b": [imp]}, "b": {}}) == []


def test_no_import_cycle_between_domain_packages():
    graph = import_graph()
    found = strongly_connected(graph)
    assert not found, "import cycles between domain packages (top-of-file imports):\n" + "\n".join(
        describe(graph, component) for component in found
    )


def test_no_module_over_600_lines():
    too_long = {
        relative(path): n
        for path in python_files()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and relative(path) not in LONG_MODULES
    }
    assert not too_long, f"modules over {MAX_LINES} lines (split them along their seams): " + ", ".join(
        f"{path} ({n})" for path, n in sorted(too_long.items(), key=lambda item: -item[1])
    )


def is_service_module(path: Path) -> bool:
    """``services.py``, any module inside a ``services/`` package, ``package*.py``, ``rules.py``."""
    return (
        path.name in ("services.py", "rules.py")
        or path.name.startswith("package")
        or "services" in path.relative_to(SOURCE).parts[:-1]
    )


def commit_calls(path: Path) -> list[int]:
    """Lines that call ``<anything>.commit(…)``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
    )


def test_services_never_commit():
    """Services change the session; the caller's unit of work commits once (``core/uow.py``).
    ``core.database.write_transaction`` is the one documented exception, and it is not a service."""
    modules = [path for path in python_files() if is_service_module(path)]
    assert any(path.name == "services.py" for path in modules)
    offenders = [f"{relative(path)}:{line}" for path in modules for line in commit_calls(path)]
    assert not offenders, (
        "services must not commit (use run_action / unit_of_work in the caller): " + ", ".join(offenders)
    )
