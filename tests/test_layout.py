"""The layout's promises: no import cycles, a core that opens no files, one way to build and run a model, lever
declarations that say truly where each lever acts, and no retyped choice lists."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

import ctsim
from ctsim.declarations.levers import LEVERS

SRC = Path(ctsim.__file__).parent
MODULES = sorted(p for p in SRC.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """ctsim modules imported by a file anywhere (top level or inside functions), except under TYPE_CHECKING."""
    tree = ast.parse(path.read_text())
    skip = {id(node) for n in ast.walk(tree) if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)
            for node in ast.walk(n)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ctsim"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("ctsim"))
    return found


# The floors of the house (DESIGN.md s6): a package imports only packages on its own floor or below, never above.
# Imports inside functions count as well (only those under TYPE_CHECKING, for annotations, do not).
FLOORS = {
    "ctsim.provenance": 0, "ctsim.inputs": 0, "ctsim.storage": 0, "ctsim.data": 0,
    "ctsim.declarations": 1,
    "ctsim.model": 2, "ctsim.calibration": 2, "ctsim.verdicts": 2,
    "ctsim.scenarios": 3,
    "ctsim.experiments": 4,
    "ctsim.analysis": 5,
    "ctsim.figures": 6,
    "ctsim.report": 7, "ctsim.dashboard": 7, "ctsim.docs": 7,
    "ctsim.commands": 8,
    "ctsim.cli": 9, "ctsim.__main__": 9, "ctsim": 9,  # `ctsim` itself: the package's facade (ctsim.run, ...)
}


def _package(module: str) -> str:
    """The floor-holding package of a module: the longest prefix named in FLOORS."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in FLOORS:
            return ".".join(parts[:n])
    raise AssertionError(f"{module}: a package with no floor; add it to FLOORS in tests/test_layout.py")


def _targets(path: Path) -> set[str]:
    """The ctsim modules a file imports, anywhere but under TYPE_CHECKING: ``from ctsim.x import y`` imports the
    module ``ctsim.x.y`` when there is one, else ``ctsim.x``; ``import ctsim`` imports the facade."""
    names = {_module_name(p) for p in MODULES}
    tree = ast.parse(path.read_text())
    skip = {id(node) for n in ast.walk(tree) if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)
            for node in ast.walk(n)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "ctsim":
            found.update(f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in names else node.module
                         for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "ctsim")
    return found


def test_every_import_points_down_the_floors():
    upward = []
    for path in MODULES:
        here = _package(_module_name(path))
        for target in _targets(path):
            there = _package(target)
            if FLOORS[there] > FLOORS[here]:
                upward.append(f"{path.relative_to(SRC.parent)} ({here}, floor {FLOORS[here]}) imports {target} "
                              f"(floor {FLOORS[there]})")
    assert not upward, "imports must point down the floors:\n" + "\n".join(sorted(upward))


def test_no_import_cycles_between_packages():
    """Packages, and the studies of ctsim.analysis, import each other in one direction only."""
    def unit(module: str) -> str:
        parts = module.split(".")
        return ".".join(parts[:3]) if parts[:2] == ["ctsim", "analysis"] and len(parts) > 2 else _package(module)

    graph = nx.DiGraph()
    for path in MODULES:
        here = unit(_module_name(path))
        for target in _targets(path):
            if unit(target) != here:
                graph.add_edge(here, unit(target))
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, f"import cycles between packages: {cycles[:5]}"


def test_no_import_cycles_between_modules():
    names = {_module_name(p): p for p in MODULES}
    graph = nx.DiGraph()
    for name, path in names.items():
        graph.add_node(name)
        for target in _imports(path):
            if target in names and target != name:
                graph.add_edge(name, target)
    # A package's __init__ importing its own modules is how packages re-export; only module-to-module cycles count.
    cycles = [c for c in nx.simple_cycles(graph) if not any(names[m].name == "__init__.py" for m in c)]
    assert not cycles, f"import cycles between modules: {cycles[:5]}"


FILE_CALLS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "read_csv", "read_parquet",
              "to_csv", "to_parquet", "savefig", "mkdir", "unlink", "glob", "iterdir"}


def test_the_model_core_opens_no_files():
    offenders = []
    for path in (SRC / "model").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in FILE_CALLS:
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno} {name}()")
    assert not offenders, f"the model core must open no files: {offenders}"


def test_models_are_built_and_released_only_by_the_runner():
    """Outside the model core and ctsim.scenarios.runner, nothing constructs CTModel or releases one by hand. The
    dashboard builds its models with build_model too, but holds one per browser session and steps it month by month
    for the trainer, so it releases the model it replaces itself."""
    allowed = {SRC / "scenarios" / "runner.py", SRC / "dashboard" / "state.py"}
    offenders = []
    for path in MODULES:
        if path in allowed or (SRC / "model") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                if (isinstance(func, ast.Name) and func.id == "CTModel") or (
                        isinstance(func, ast.Attribute) and func.attr in ("release", "CTModel")):
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not offenders, f"build and run models through ctsim.scenarios.runner, not by hand: {offenders}"


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.name)
def test_each_lever_acts_where_its_declaration_says(lever):
    for module in lever.acts_in:
        path = SRC / "model" / module
        assert path.is_file(), f"{lever.name}: declared to act in {module}, which does not exist"
        text = path.read_text()
        names = (lever.name, *lever.via)
        assert any(name in text for name in names), f"{lever.name}: {module} reads none of {names}"


def test_the_model_never_retypes_a_choice():
    """Choice levers act through their declared settings, so no choice value appears as a string in the model."""
    texts = {path: path.read_text() for path in (SRC / "model").rglob("*.py")}
    found = [f"{path.relative_to(SRC)}: '{choice}'" for lever in LEVERS if lever.kind == "choice"
             for choice in lever.choices for path, text in texts.items()
             if f'"{choice}"' in text or f"'{choice}'" in text]
    assert not found, f"choice values typed in the model (use the lever's choice_settings): {found}"


def test_tests_mirror_the_package_layout():
    """Every package of ctsim has its tests in the same place under tests/."""
    tests = Path(__file__).parent
    for init in sorted(SRC.rglob("__init__.py")):
        package = init.parent.relative_to(SRC)
        if package == Path("."):
            continue
        assert any((tests / package).rglob("test_*.py")), \
            f"tests/{package}/ should hold the tests of ctsim.{'.'.join(package.parts)}"
