"""The apps of src/wegwijzer import each other without a cycle (issue 8: no import cycles between apps).

Every `import wegwijzer.<app>…` / `from wegwijzer.<app>… import` anywhere in an app's modules (also inside
functions: a lazy import is still a dependency) is an edge app -> other app. `conf` is the composition root:
it may import every app and is left out of the graph; no app may import it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "wegwijzer"
ROOT = "conf"


def app_imports(src: Path = SRC) -> dict[str, dict[str, list[str]]]:
    """app -> {imported app: ["file:line", ...]} for imports between different apps."""
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(src.rglob("*.py")):
        parts = path.relative_to(src).parts
        if len(parts) < 2:  # wegwijzer/cli.py, wegwijzer/__init__.py: entry points, not an app
            continue
        app = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                bits = name.split(".")
                if bits[0] == "wegwijzer" and len(bits) > 1 and bits[1] != app:
                    edges[app][bits[1]].append(f"{path.relative_to(src)}:{node.lineno}")
    return edges


def find_cycle(edges: dict[str, dict[str, list[str]]]) -> list[str]:
    """One cycle as [a, b, ..., a], or [] when the graph is acyclic (depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, {})):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_find_cycle_sees_a_cycle_and_its_absence():
    assert find_cycle({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": []}, "b": {"c": []}, "c": {}}) == []


def test_no_import_cycle_between_apps():
    edges = app_imports()
    graph = {app: targets for app, targets in edges.items() if app != ROOT}
    cycle = find_cycle(graph)
    where = [f"{a} -> {b}: {', '.join(graph[a][b][:3])}" for a, b in zip(cycle, cycle[1:], strict=False)]
    assert cycle == [], "import cycle between apps:\n" + "\n".join(where)


def test_no_app_imports_the_composition_root():
    offenders = {app: targets[ROOT] for app, targets in app_imports().items() if app != ROOT and ROOT in targets}
    assert offenders == {}
