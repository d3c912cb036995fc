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
    "ctsim.provenance": 0, "ctsim.inputs": 0, "ctsim.storage": 0, "ctsim.data": 0, "ctsim.compiling": 0,
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


MODEL = SRC / "model"
# Programme levels derived from levers (ctsim.model.institutions.Programmes): reading one reads these levers.
DERIVED_LEVELS = {"coordination": ("nacta_placement", "central_ctd"),
                  "narrative_effect": ("counter_narrative", "narrative_kind")}
LEVER_NAMES = {lever.name for lever in LEVERS}


def _lever_reads(node: ast.AST) -> set[str]:
    """Levers a piece of code reads: ``<...>policy.<lever>`` (the levers in force), ``<...>.level("<lever>")`` (a
    programme's level, derived levels included) and ``LEVERS_BY_NAME["<lever>"]`` (its declaration)."""
    reads = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in LEVER_NAMES and ast.unparse(sub.value).endswith("policy"):
            reads.add(sub.attr)
        elif (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr == "level"
              and sub.args and isinstance(sub.args[0], ast.Constant)):
            key = sub.args[0].value
            reads.update(DERIVED_LEVELS.get(key, (key,) if key in LEVER_NAMES else ()))
        elif (isinstance(sub, ast.Subscript) and ast.unparse(sub.value) == "LEVERS_BY_NAME"
              and isinstance(sub.slice, ast.Constant)):
            reads.add(sub.slice.value)
    return reads


def _model_code() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[str]]]:
    """Per model module (path under src/ctsim/model/): the levers its code reads, and the functions it calls; per
    function name defined in the model: the levers it reads itself."""
    reads, calls, function_reads = {}, {}, {}
    for path in sorted(MODEL.rglob("*.py")):
        module = path.relative_to(MODEL).as_posix()
        tree = ast.parse(path.read_text())
        reads[module] = _lever_reads(tree)
        calls[module] = {n.func.id if isinstance(n.func, ast.Name) else n.func.attr for n in ast.walk(tree)
                         if isinstance(n, ast.Call) and isinstance(n.func, ast.Name | ast.Attribute)}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                function_reads.setdefault(node.name, set()).update(_lever_reads(node))
    return reads, calls, function_reads


MODEL_READS, MODEL_CALLS, FUNCTION_READS = _model_code()


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.name)
def test_each_lever_acts_where_its_declaration_says(lever):
    """The modules whose code reads the lever (the lever in force or its programme's level), directly or through a
    function its declaration names in ``via``, are exactly the ones it declares in ``acts_in`` (read from the code,
    not from comments or docstrings)."""
    accessors = [name for name in lever.via if name not in DERIVED_LEVELS]
    for name in accessors:
        assert lever.name in FUNCTION_READS.get(name, set()), \
            f"{lever.name}: via names {name}(), which does not read the lever in the model"
    reached = {module for module, levers in MODEL_READS.items() if lever.name in levers}
    reached |= {module for module, called in MODEL_CALLS.items() if called & set(accessors)}
    assert reached == set(lever.acts_in), (
        f"{lever.name}: the code reaches {sorted(reached)}, the declaration says {sorted(lever.acts_in)}")


def test_the_wiring_check_sees_a_lever_read_in_code_only():
    """A lever named in a docstring or comment is no read; one read as policy.<lever> or level("<lever>") is."""
    code = ast.parse('"""uses dialogue"""\n# dialogue\n'
                     'def f(s):\n    return s.policy.dialogue + p.level("border_management")\n')
    assert _lever_reads(code) == {"dialogue", "border_management"}
    assert _lever_reads(ast.parse('"""dialogue and border_management"""\nx = 1  # dialogue\n')) == set()


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
