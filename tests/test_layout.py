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
    tests = Path(__file__).parent
    for package in ("declarations", "model", "scenarios", "experiments", "analysis", "data"):
        assert (SRC / package).is_dir()
        assert any((tests / package).glob("test_*.py")), f"tests/{package}/ should hold the tests of ctsim.{package}"
