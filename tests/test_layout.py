"""The house rules, read from the source: dependencies point one way and no modules import each other.

Imports are read with `ast` (module level and inside functions alike), so a lazy import that closes a
circle counts as one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import narrative

PKG = Path(narrative.__file__).resolve().parent


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PKG.rglob("*.py"):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                found.add(mod)
                found.update(f"{mod}.{a.name}" for a in node.names)  # `from . import x` names a module
        graph[name] = found
    return graph


GRAPH = _imports()
MODULES = set(GRAPH)


def _internal(targets: set[str]) -> set[str]:
    return {t for t in targets if t in MODULES}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_import_circles_between_modules():
    edges = {m: _internal(t) - {m} for m, t in GRAPH.items()}
    # a package's __init__ re-exporting its own modules is not a circle of jobs; leave those edges out
    edges = {m: {t for t in ts if not (m.startswith(t + ".") and t in MODULES)} for m, ts in edges.items()}
    cycles, state, stack = [], {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in sorted(edges.get(m, ())):
            if state.get(t) == 1:
                cycles.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    assert not cycles, "import circles: " + "; ".join(" -> ".join(c) for c in cycles)


# what each room may not import (DESIGN.md: cli → flows → extractors, models, warehouse, digest)
FORBIDDEN = {
    "extractors": {"models", "flows", "cli", "warehouse", "digest", "training", "prefect", "duckdb"},
    "models": {"extractors", "flows", "cli", "warehouse", "digest", "training", "prefect", "duckdb"},
    "warehouse": {"flows", "cli", "digest", "training", "prefect"},
    "digest": {"flows", "cli", "training", "prefect"},
    "training": {"flows", "cli", "warehouse", "digest", "prefect"},
    "flows": {"cli"},
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_dependencies_point_one_way(layer):
    bad = []
    for module, targets in GRAPH.items():
        if _layer(module) != layer:
            continue
        for t in targets:
            top = t.split(".")[0]
            target_layer = _layer(t) if top == "narrative" else top
            if target_layer in FORBIDDEN[layer]:
                bad.append(f"{module} imports {t}")
    assert not bad, "\n".join(sorted(set(bad)))


def test_every_command_group_lives_in_cli():
    """The command line is one room: no argparse outside cli/ (training scripts keep their own __main__)."""
    offenders = [m for m, t in GRAPH.items() if "argparse" in t and _layer(m) not in {"cli", "training", "demo"}]
    assert not offenders, offenders
