"""The generated parts of the docs: every table in docs/odd.md, docs/levers.md and docs/scenario-files.md is what the
declarations and the code give now, and what the docs say of the source (files, and names in them) is there."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from ctsim import docs
from ctsim.docs import odd, scenario_files
from ctsim.model.state import VARIABLES

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]


def test_the_generated_tables_are_current():
    stale = [path.name for path in docs.DOCUMENTS if docs.render(path.read_text(encoding="utf-8"))
             != path.read_text(encoding="utf-8")]
    assert not stale, f"generated tables are stale in {stale}: run `python -m ctsim.docs`"


def test_a_generated_block_is_replaced_and_the_rest_kept():
    text = "before\n<!-- BEGIN GENERATED: levers -->\nold table\n<!-- END GENERATED: levers -->\nafter\n"
    rendered = docs.render(text)
    assert rendered.startswith("before\n") and rendered.endswith("after\n"), "text outside the block is kept"
    assert "old table" not in rendered and "`ct_lead`" in rendered, "the block holds the lever table now"


# ---------------------------------------------------------------------------------------- the month, one numbering
def test_the_month_is_numbered_as_the_process_modules_are():
    processes = odd.month_processes()
    assert [p.number for p in processes] == list(range(1, 13)), "twelve processes, numbered 1 to 12"
    assert processes[0].module == "step01_policy" and processes[-1].module == "step12_recording", \
        "the month opens with the policy and closes with the recording"
    assert "record_month" in processes[-1].uses, "process 12 records the month (no hidden CTModel._record)"


def test_the_odd_process_overview_is_the_generated_table_and_names_no_old_module():
    text = (ROOT / "docs" / "odd.md").read_text(encoding="utf-8")
    section = text.split("## 3. Process overview and scheduling", 1)[1].split("\n## 4.", 1)[0]
    assert "<!-- BEGIN GENERATED: processes -->" in section, "the process overview is generated from the code"
    assert "CTModel._record" not in text and "DataCollector" not in text, "docs/odd.md names no CTModel._record"
    for p in odd.month_processes():
        assert f"| {p.number} | `{p.module}.py` |" in section, f"process {p.number} is {p.module} in docs/odd.md"


def test_a_numbering_that_disagrees_fails_the_generation(monkeypatch):
    monkeypatch.setattr(odd, "_core_list", lambda: {n: "a process" for n in range(1, 12)})
    with pytest.raises(odd.NumberingError, match="docstring lists"):
        odd.process_table()


def test_the_state_table_has_every_declared_variable_and_its_writer():
    table = odd.state_table()
    for v in VARIABLES:
        assert f"| `{v.name}` |" in table, f"the state table lists {v.name}"
    assert "| 8 legitimacy |" in table, "a variable's writer is named with its process number"


# ---------------------------------------------------------------------------------------- scenario file reference
def test_every_key_the_scenario_reader_accepts_is_described():
    table = scenario_files.keys_table()
    for name, keys in scenario_files.READER_KEYS.items():
        for key in keys:
            assert f"{key}` |" in table, f"the reference describes {name or 'top-level'} key {key}"


def test_a_key_the_reader_accepts_without_words_fails_the_generation(monkeypatch):
    monkeypatch.setitem(scenario_files.READER_KEYS, "run", (*scenario_files.READER_KEYS["run"], "speed"))
    with pytest.raises(scenario_files.UndocumentedKeyError, match="speed"):
        scenario_files.keys_table()


def test_the_library_table_has_every_library_scenario_and_its_purpose():
    table = scenario_files.library_table()
    assert "| `civilian_led` | `baseline` |" in table, "each scenario with its parent"
    assert "test the roundtable's central recommendation" in table, "the purpose from the file's opening comment"
    assert "`ct_lead = \"police\"`" in table, "the levers the file sets"


def test_the_check_fails_on_a_stale_page(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text("<!-- BEGIN GENERATED: library -->\nold\n<!-- END GENERATED: library -->\n")
    assert docs.main(["--check", str(page)]) == 1, "a stale block fails --check"
    assert page.read_text().count("old") == 1, "--check changes nothing"
    assert docs.main([str(page)]) == 0 and "civilian_led" in page.read_text(), "without --check it rewrites"


# ---------------------------------------------------------------------------------------- what the docs say of the code
_SOURCE = re.compile(r"src/ctsim/(?P<path>[\w/]+?)(?P<suffix>\.\w+|/)?(?::\s*(?P<names>[A-Za-z_][\w.]*(?:,\s*"
                     r"[A-Za-z_][\w.]*)*))?(?=[`)\s,;:.]|$)")


def _defined(path: Path) -> set[str]:
    """Top-level names of a module, and ``Class.member`` for the members of its classes."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            if isinstance(node, ast.ClassDef):
                for member in node.body:
                    if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                        names.add(f"{node.name}.{member.name}")
                    elif isinstance(member, ast.AnnAssign | ast.Assign):
                        targets = [member.target] if isinstance(member, ast.AnnAssign) else member.targets
                        names.update(f"{node.name}.{t.id}" for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def test_every_source_file_and_name_the_docs_cite_exists():
    wrong = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in _SOURCE.finditer(text):
            path = ROOT / "src" / "ctsim" / (match.group("path") + (match.group("suffix") or ""))
            if not path.exists() and not path.with_suffix(".py").exists():
                wrong.append(f"{page.name}: {match.group(0)} (no such file)")
                continue
            if match.group("names") and path.suffix == ".py":
                defined = _defined(path)
                wrong += [f"{page.name}: {match.group(0)} ({name} is not defined there)"
                          for name in re.split(r",\s*", match.group("names")) if name not in defined]
    assert not wrong, "the docs cite source that is not there:\n" + "\n".join(wrong)


def _resolves(dotted: str) -> bool:
    """Whether ``ctsim.a.b.C.d`` names a module, or an attribute reached from the longest importable module."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:n]))
        except ImportError:
            continue
        for name in parts[n:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def test_every_dotted_name_the_docs_cite_resolves():
    wrong = [f"{page.name}: {name}" for page in PAGES
             for name in re.findall(r"`(ctsim(?:\.\w+)+)(?:\(\))?`", page.read_text(encoding="utf-8"))
             if not _resolves(name)]
    assert not wrong, "the docs name modules or objects that are not there:\n" + "\n".join(wrong)


def test_every_test_benchmark_and_script_file_the_docs_cite_exists():
    wrong = [f"{page.name}: {path}" for page in PAGES
             for path in re.findall(r"(?<![\w/.])((?:tests|benchmarks|scripts)/[\w/]+\.\w+)", page.read_text())
             if not (ROOT / path).exists()]
    assert not wrong, "the docs cite files that are not there:\n" + "\n".join(wrong)


def test_every_link_of_the_readme_leads_to_a_file():
    """The README is read on the repository's page, outside the site: its links must lead to files of the repository
    (docs/performance.md included, which the site's strict build checks too)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = [t.split("#", 1)[0] for t in re.findall(r"\]\(([^)\s]+)\)", readme) if "://" not in t]
    assert targets, "the README links to the docs"
    missing = [t for t in targets if not (ROOT / t).exists()]
    assert not missing, f"README links to files that are not there: {missing}"


# ---------------------------------------------------------------------------------------- the package page
def _table(page: str, heading: str) -> list[list[str]]:
    """The rows of the first table under a heading of a docs page, each a list of cells (the header row left out)."""
    section = (ROOT / "docs" / page).read_text(encoding="utf-8").split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def _layout_floors() -> dict[str, int]:
    """FLOORS of tests/test_layout.py, the floors the layout test enforces, read from its source."""
    tree = ast.parse((ROOT / "tests" / "test_layout.py").read_text(encoding="utf-8"))
    found = [node.value for node in tree.body if isinstance(node, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id == "FLOORS" for t in node.targets)]
    assert len(found) == 1, "tests/test_layout.py declares FLOORS once"
    return ast.literal_eval(found[0])


def test_the_package_page_gives_each_package_the_floor_the_layout_test_enforces():
    stated = {}
    for floor, packages, _ in _table("package.md", "Floors: what each package may import"):
        for name in re.findall(r"`([\w]+)`", packages):
            stated["ctsim" if name == "ctsim" else f"ctsim.{name}"] = int(floor)
    assert stated == _layout_floors(), \
        "docs/package.md's floor table lists every package on the floor tests/test_layout.py gives it, and no other"


def test_the_package_page_names_every_module_and_no_module_that_is_not_there():
    """Each row of "What is where" speaks for the packages its first cell names (src/ctsim/PACKAGE/...); every
    module and sub-package of src/ctsim is named in a row of its package, and every `name.py` or `name/` a row
    names is there."""
    src = ROOT / "src" / "ctsim"
    named: dict[str, set[str]] = {}  # a top-level package (or "" for src/ctsim's own modules) -> names its rows use
    wrong = []
    for path_cell, what in _table("package.md", "What is where"):
        owners = {m or "" for m in re.findall(r"`src/ctsim/(?:(\w+)/|\w+\.py)", path_cell)}
        tokens = set(re.findall(r"`([\w./]+)`", path_cell + " " + what))
        names = {Path(t.rstrip("/")).name for t in tokens}
        for owner in owners:
            named.setdefault(owner, set()).update(names)
            base = src / owner if owner else src
            for token in tokens:
                if token.startswith(("src/", "ctsim")) or not token.endswith((".py", "/")):
                    continue
                name = token.rstrip("/")
                if not any(base.rglob(name)) and not (src / name).exists():
                    wrong.append(f"{token} (in the row of {path_cell}): no such module or folder")
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src)
        if rel.name == "__init__.py" and len(rel.parts) > 1:
            continue  # a package's __init__ is named by the package's folder
        owner = rel.parts[0] if len(rel.parts) > 1 else ""
        for part in rel.parts[1:-1]:  # sub-packages (analysis/calibration/, model/processes/)
            if part not in named.get(owner, set()):
                wrong.append(f"src/ctsim/{rel.parent}/ is not named in its package's rows")
        if rel.name not in named.get(owner, set()) and rel.stem not in named.get(owner, set()):
            wrong.append(f"src/ctsim/{rel} is not named in its package's rows")
    assert not wrong, "docs/package.md's table must name every module of src/ctsim, and only those:\n" + \
        "\n".join(sorted(set(wrong)))
