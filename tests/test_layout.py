"""The layout's arrows, as the README and each package's docstring draw them.

- ``rules`` and ``channels`` import nothing of ``inbox``, Flask or SQLAlchemy.
- Inside ``inbox``, feature packages (intake, cases, handovers, outbox, reports, jobs,
  people, settings) import only the features their docstring names, and never the thin
  layers that compose them (``web``, ``api``, ``commands``, ``app``, ``cli``).
- No import cycle between the parts of ``inbox``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "rules": {"inbox", "channels", "flask", "sqlalchemy"},
    "channels": {"inbox", "rules", "flask", "sqlalchemy"},
}
THIN_LAYERS = {"web", "api", "commands", "app", "cli"}
# Shared infrastructure: every part may use it; it uses no feature and no thin layer.
INFRASTRUCTURE = {
    "blobs",
    "clock",
    "columns",
    "database",
    "errors",
    "extensions",
    "health",
    "i18n",
    "logs",
    "models",
    "outside_json",
    "paths",
    "roles",
    "routing",
}
# Which features each feature may import (besides itself and the infrastructure).
FEATURES = {
    "settings": set(),
    "people": {"settings"},
    "outbox": {"settings"},
    "reports": {"settings"},
    "cases": {"settings", "outbox", "reports", "people"},
    "handovers": {"settings", "cases", "outbox", "reports", "people"},
    "intake": {"settings", "cases", "outbox", "reports", "people"},
    "suggestions": {"settings", "cases", "people"},
    # The worker composes the periodic work of every feature.
    "jobs": {
        "settings",
        "intake",
        "cases",
        "handovers",
        "outbox",
        "reports",
        "people",
        "suggestions",
    },
}
# The demo goes through the real services, as staff and citizens would.
COMPOSERS = {
    "demo": set(FEATURES),
    "web": set(FEATURES),
    "api": set(FEATURES),
    "commands": set(FEATURES) | {"demo"},
    "app": set(FEATURES) | {"web", "api", "commands"},
    "cli": set(FEATURES) | {"app", "commands"},
    # Old import paths, each re-exporting one feature's names for code outside Svarfrist (the
    # side-by-side benchmark's adapter); nothing inside imports them (test below).
    "turn_days": {"reports"},
    "users": {"people"},
}
OLD_PATHS = {"turn_days", "users"}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module an ``import`` names, with ``from inbox import x`` as ``inbox.x``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def part_of(module: str) -> str | None:
    """The part of ``inbox`` a dotted name belongs to (``inbox.cases.queue`` -> ``cases``)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "inbox" and len(parts) > 1 else None


def inbox_imports() -> dict[str, dict[str, set[str]]]:
    """part -> imported part -> the modules of the first part that import it."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted((ROOT / "inbox").rglob("*.py")):
        relative = path.relative_to(ROOT)
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        source = part_of(module)
        if source is None:
            continue
        for name in imported_modules(path):
            target = part_of(name)
            if target is not None and target != source:
                graph[source][target].add(str(relative))
    return graph


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_what_it_must_not(package):
    modules = sorted((ROOT / package).rglob("*.py"))
    assert modules, f"{package}/ has no modules"
    offending = {
        str(path.relative_to(ROOT)): sorted(
            {name.split(".")[0] for name in imported_modules(path)} & FORBIDDEN[package]
        )
        for path in modules
    }
    assert not any(offending.values()), offending


def test_every_part_of_inbox_is_placed():
    parts = {
        path.stem if path.is_file() else path.name
        for path in (ROOT / "inbox").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    placed = INFRASTRUCTURE | set(FEATURES) | set(COMPOSERS) | {"migrations"}
    assert parts - placed == set(), "parts of inbox/ the layout test does not know"


@pytest.mark.parametrize("part", sorted(INFRASTRUCTURE | set(FEATURES) | set(COMPOSERS)))
def test_part_imports_only_what_its_docstring_allows(part):
    allowed = INFRASTRUCTURE | FEATURES.get(part, set()) | COMPOSERS.get(part, set())
    wrong = {
        target: sorted(modules)
        for target, modules in inbox_imports()[part].items()
        if target not in allowed and target != "migrations"
    }
    assert wrong == {}, f"inbox/{part} imports parts it must not (part: modules)"


def test_only_code_outside_svarfrist_uses_the_old_import_paths():
    users = {
        part: sorted(set(targets) & OLD_PATHS)
        for part, targets in inbox_imports().items()
        if set(targets) & OLD_PATHS
    }
    assert users == {}, "inbox/ imports an old path; import the feature's module itself"


def test_feature_packages_know_no_request_layer():
    for part in set(FEATURES) | INFRASTRUCTURE:
        layers = set(inbox_imports()[part]) & THIN_LAYERS
        assert layers == set(), f"inbox/{part} imports the thin layer(s) {sorted(layers)}"


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle in a directed graph as a list of nodes (first == last), or ``None``."""
    finished: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in finished:
            return None
        path.append(node)
        for target in sorted(graph.get(node, ())):
            cycle = visit(target)
            if cycle:
                return cycle
        path.pop()
        finished.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle:
            return cycle
    return None


def test_find_cycle_names_the_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None


def test_no_import_cycle_between_parts_of_inbox():
    graph = {source: set(targets) for source, targets in inbox_imports().items()}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
