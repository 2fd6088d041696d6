"""The house rules that keep the package readable: imports point down, no cycles, small modules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "docgen"

# Lower layers never import higher ones; a layer may import its own and every lower layer.
LAYERS = (
    {"errors", "dates", "ru", "text", "typography", "safezip", "paging", "codes", "forms"},
    {"migrations"},
    {"db", "processes"},
    {"accounts", "registry", "surveys"},
    {"rendering"},
    {"kinds"},
    {"checking"},
    {"documents"},
    {"jobs"},
    {"web", "cli", "demo", "__init__"},
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
WEB = {"web", "cli", "__init__", "jobs"}
MAX_LINES = 620


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """docgen modules imported anywhere in the module, function bodies included."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If)
        and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:  # annotations only: no import at run time
            continue
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names if alias.name.startswith("docgen")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            if not base.startswith("docgen"):
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in known else base)
    out.discard(name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_import_points_down():
    upward = [
        f"{name} -> {target}"
        for name, targets in _graph().items()
        for target in targets
        if target != "docgen" and RANK[_top(target)] > RANK[_top(name)]
    ]
    assert upward == []


def test_no_import_cycle():
    graph = _graph()
    # Package __init__ modules that only re-export are edges of their package; cycles through
    # them are still cycles, so every module is a node.
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycles.append(" -> ".join(stack[stack.index(target) :] + [target]))
            elif target not in state:
                visit(target, stack + [target])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize("name", sorted(n for n in _modules() if _top(n) not in WEB))
def test_domain_modules_do_not_import_flask(name):
    tree = ast.parse(_modules()[name].read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and not node.level
    }
    # werkzeug.security is a password-hashing helper, not the web layer.
    web = {m for m in imported if m.split(".")[0] in ("flask", "flask_wtf", "werkzeug")}
    assert web - {"werkzeug.security"} == set()


def test_no_module_is_a_god_module():
    long = {
        name: lines
        for name, path in _modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
