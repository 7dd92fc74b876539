"""The layout holds: imports run one way, no circles, no private names across modules, SQL only
in storage/. Read from the code itself (ast), so a new import against the grain fails here."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "complaintctl"

# What each part of the package may import from the project (besides itself). cli/ is the
# composition root: it may open the store and render, and nothing imports it.
ALLOWED = {
    "errors": set(),
    "clock": set(),
    "domain": {"errors"},
    "services": {"domain", "errors"},
    "storage": {"domain", "errors"},
    "reports": {"domain", "errors", "services.context"},
    "output": {"domain", "errors"},
    "cli": {"domain", "errors", "clock", "services", "storage", "reports", "output", "__init__"},
    "__init__": set(),
    "__main__": {"cli"},
}

# Libraries that talk to a database belong to storage/ alone.
DATABASE_LIBRARIES = ("sqlalchemy", "sqlmodel", "sqlite3", "psycopg")
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(UNIQUE\s+)?(TABLE|INDEX)|PRAGMA\s)", re.S)


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. complaintctl.services.steps
    target: str  # the imported module, e.g. complaintctl.domain.case
    names: tuple[str, ...]
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, ast.Module]:
    return {module_name(path): ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, tree: ast.Module, known: set[str]) -> list[Import]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, (), node.lineno) for alias in node.names if alias.name.startswith("complaintctl")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("complaintctl") and node.level == 0:
            for alias in node.names:
                # `from complaintctl.cli import runtime` imports a module, not a name.
                submodule = f"{node.module}.{alias.name}"
                if submodule in known:
                    found.append(Import(name, submodule, (), node.lineno))
                else:
                    found.append(Import(name, node.module, (alias.name,), node.lineno))
    return found


def part_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def allowed(source: str, target: str) -> bool:
    home, there = part_of(source), part_of(target)
    if home == there:
        return True
    permitted = ALLOWED[home]
    return there in permitted or target.removeprefix("complaintctl.") in permitted


@pytest.fixture(scope="module")
def graph() -> tuple[dict[str, ast.Module], list[Import]]:
    trees = modules()
    known = set(trees)
    edges = [edge for name, tree in trees.items() for edge in imports_of(name, tree, known)]
    return trees, edges


def test_every_part_of_the_package_is_known_to_these_rules(graph):
    trees, _ = graph
    assert {part_of(name) for name in trees} <= set(ALLOWED)


def test_imports_run_one_way(graph):
    _, edges = graph
    against = [f"{edge.source}:{edge.line} imports {edge.target}" for edge in edges if not allowed(edge.source, edge.target)]
    assert against == []


def test_nothing_imports_the_command_line(graph):
    _, edges = graph
    into_cli = [
        f"{edge.source}:{edge.line}" for edge in edges if part_of(edge.target) == "cli" and part_of(edge.source) not in ("cli", "__main__")
    ]
    assert into_cli == []


def test_no_circles(graph):
    trees, edges = graph
    # A package's __init__ that re-exports its modules is where they are found, not a circle.
    follows: dict[str, set[str]] = {name: set() for name in trees}
    for edge in edges:
        target = edge.target if edge.target in trees else edge.target.rsplit(".", 1)[0]
        if target in trees and target != edge.source and not edge.source.startswith(target + "."):
            follows[edge.source].add(target)
    circles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(follows[node]):
            if state.get(nxt) == 1:
                circles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(trees):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_no_private_name_crosses_a_module(graph):
    trees, edges = graph
    crossing = [
        f"{edge.source}:{edge.line} imports {name} from {edge.target}"
        for edge in edges
        for name in edge.names
        if name.startswith("_") and not name.startswith("__") and edge.target != edge.source
    ]
    # `module._name` on an imported project module is the same thing in another spelling.
    for name, tree in trees.items():
        project_modules = {
            (alias.asname or alias.name): alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("complaintctl")
            for alias in node.names
            if f"{node.module}.{alias.name}" in trees
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in project_modules
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                crossing.append(f"{name}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert crossing == []


def test_sql_and_database_libraries_live_in_storage_only(graph):
    trees, _ = graph
    outside = []
    for name, tree in trees.items():
        if part_of(name) == "storage":
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules_named = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                outside += [f"{name}:{node.lineno} imports {found}" for found in modules_named if found.split(".")[0] in DATABASE_LIBRARIES]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                outside.append(f"{name}:{node.lineno} has SQL: {node.value.strip()[:60]!r}")
    assert outside == []


def test_the_domain_asks_no_clock(graph):
    trees, _ = graph
    asking = []
    for name, tree in trees.items():
        if part_of(name) not in ("domain", "services", "reports", "output"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("today", "now", "utcnow") and isinstance(node.value, ast.Name):
                if node.value.id in ("date", "datetime"):
                    asking.append(f"{name}:{node.lineno} calls {node.value.id}.{node.attr}()")
    assert asking == []


def test_the_rules_catch_what_they_guard(tmp_path):
    """The checks above can fail: a domain module importing storage, a private import, SQL."""
    tree = ast.parse("from complaintctl.storage.store import _secret\nQUERY = 'SELECT id FROM cases'\n")
    edges = imports_of("complaintctl.domain.bad", tree, {"complaintctl.storage.store"})
    assert [edge.target for edge in edges] == ["complaintctl.storage.store"]
    assert not allowed("complaintctl.domain.bad", "complaintctl.storage.store")
    assert edges[0].names == ("_secret",)
    assert any(isinstance(node, ast.Constant) and SQL.search(str(node.value)) for node in ast.walk(tree))
    assert allowed("complaintctl.cli.runtime", "complaintctl.storage.store")
    assert not allowed("complaintctl.services.steps", "complaintctl.storage.store")
