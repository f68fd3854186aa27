"""The import graph keeps the layout the README describes (section "Layout").

Read from the source with `ast`, so a rule broken anywhere fails here, not at start-up:
- no cycle between the project's modules;
- no import inside a function, unless the line (or the one above) says why with `local:`;
- Flask, flask-smorest and werkzeug only in `locator.app`, `locator.http` and `views` modules;
- nothing under `locator` imports `indexer` (its command groups plug into `locator` as entry points).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("locator", "indexer")
WEB = ("flask", "flask_smorest", "werkzeug")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _resolve(target: str) -> str | None:
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """Return (imported name, line, at module level) for every import of a file."""
    tree = ast.parse(path.read_text())
    top = {id(node) for node in tree.body}
    for node in tree.body:  # `if TYPE_CHECKING:` blocks count as module level
        if isinstance(node, ast.If):
            top.update(id(child) for child in node.body)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [(name, node.lineno, id(node) in top) for name in names]
    return found


def _edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for target, _line, _top in _imports(path):
            resolved = _resolve(target) if target.split(".")[0] in PACKAGES else None
            if resolved and resolved != name:
                graph[name].add(resolved)
        # Importing a module runs its packages' __init__ first.
        parent = name.rpartition(".")[0]
        if parent:
            graph[name].add(parent)
    return graph


def _is_web_side(name: str) -> bool:
    return name == "locator.app" or name.startswith("locator.http") or name.endswith(".views")


def test_no_import_cycle():
    graph = _edges()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, cycles


def test_imports_inside_functions_say_why():
    unexplained = []
    for name, path in MODULES.items():
        lines = path.read_text().splitlines()
        for target, line, at_top in _imports(path):
            if at_top:
                continue
            context = lines[line - 1] + (lines[line - 2] if line > 1 else "")
            if target.split(".")[0] in PACKAGES or "local:" not in context:
                unexplained.append(f"{name}:{line} imports {target}")
    assert not unexplained, unexplained


def test_only_the_web_layer_imports_flask():
    misplaced = [f"{name} imports {target}" for name, path in MODULES.items()
                 for target, _line, _top in _imports(path)
                 if target.split(".")[0] in WEB and not _is_web_side(name)]
    assert not misplaced, misplaced


def test_the_service_never_imports_the_indexer():
    edges = [f"{name} -> {target}" for name, targets in _edges().items() for target in targets
             if name.startswith("locator") and target.startswith("indexer")]
    assert not edges, edges


def test_the_indexer_runs_without_the_web_stack():
    code = ("import sys, indexer.cli, indexer.loader, indexer.rollback, locator.cli.main; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB!r}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=ROOT).stdout.strip()
    assert loaded == "[]"
