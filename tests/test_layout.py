"""How the code is laid out where that has broken a run before."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.import_graph import PACKAGES, ROOT, modules, project_imports, stage


def test_a_worker_can_load_the_flow_the_way_prefect_does() -> None:
    # A deployment's worker loads flows/audit.py as a script, and the script's folder goes first
    # on sys.path: a flows module named like a top-level package (flows/evidence.py beside
    # evidence/) shadows it there, and the flow dies on import in every worker.
    script = (
        "from prefect.utilities.importtools import load_script_as_module;"
        "module = load_script_as_module('flows/audit.py');"
        "print(module.audit_flow.name)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("clinic-audit-run")


def test_no_flows_module_is_named_like_a_top_level_package() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    modules = {p.stem for p in (ROOT / "flows").glob("*.py")}
    assert packages & modules == set()


def test_nothing_but_the_tests_imports_the_tests() -> None:
    # Code the stages or the benchmarks need lives in the stages (flows.demo_runs), where the
    # layering, surface and type checks see it; a benchmark reaching into tests/ (issue 15)
    # ran on helpers none of them checked.
    sources = [*modules().values(), *sorted((ROOT / "benchmarks").glob("*.py"))]
    reaching = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            reaching += [
                f"{path.relative_to(ROOT)}:{node.lineno}" for n in names if stage(n) == "tests"
            ]
    assert reaching == []


#: flows/ orchestrates: a module that outgrows a few screens is doing a stage's work (issue 15).
FLOWS_MODULE_LINES = 300


def test_every_flows_module_fits_on_a_few_screens() -> None:
    long = {
        p.name: lines
        for p in (ROOT / "flows").glob("*.py")
        if (lines := len(p.read_text(encoding="utf-8").splitlines())) > FLOWS_MODULE_LINES
    }
    assert long == {}, f"over {FLOWS_MODULE_LINES} lines: split by what each part is"


#: docs/architecture.md's table: the stages each stage may import. ``vocabulary`` and
#: ``config`` are the bottom floor: they import none.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "config": frozenset(),
    "vocabulary": frozenset(),
    "evidence": frozenset({"vocabulary"}),
    "storage": frozenset({"vocabulary", "config"}),
    "extract": frozenset({"vocabulary"}),
    "score": frozenset({"vocabulary", "extract", "config"}),
    "crawler": frozenset({"vocabulary", "storage", "evidence"}),
    "reports": frozenset({"vocabulary", "storage", "score", "evidence"}),
    "demoweb": frozenset({"vocabulary", "config"}),
    "flows": frozenset(PACKAGES),
}

#: Imports across the table that are there on purpose, each with its reason.
LAYERING_EXCEPTIONS = {
    # A migration is history: 0007 filled in sites.domain with the crawler's scope rule, the
    # one home of a registrable domain, at the time it ran (a function-level import).
    ("storage.migrations.versions.0007_reviews", "crawler"),
    # The realistic web's text is the real-world corpora's pages, decoded as the extractor
    # decodes pages (extract.decode_html, the one home of that rule); benchmark pages only.
    ("demoweb.prose", "extract"),
}


def test_the_table_covers_every_stage() -> None:
    assert set(MAY_IMPORT) == set(PACKAGES)
    assert {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"} == set(PACKAGES)


def test_each_stage_imports_only_what_the_architecture_allows() -> None:
    crossings = sorted(
        f"{imp.where}: {stage(imp.importer)} imports {imp.module}"
        for imp in project_imports()
        if stage(imp.module) != stage(imp.importer)
        and stage(imp.module) not in MAY_IMPORT[stage(imp.importer)]
        and (imp.importer, stage(imp.module)) not in LAYERING_EXCEPTIONS
    )
    assert crossings == []


def test_the_documented_table_is_the_one_checked() -> None:
    # Each row of docs/architecture.md's package table ends with what the stage may import.
    rows = {}
    for line in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0].endswith("/`"):
            rows[cells[0].strip("`/")] = cells[2]
    assert set(rows) == set(PACKAGES)
    for package, allowed in MAY_IMPORT.items():
        if package == "flows":
            continue
        named = {p for p in PACKAGES if f"`{p}`" in rows[package]}
        assert named == allowed, package


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_itself_round_a_circle() -> None:
    # Lazy imports inside functions count: hiding a circle in a function is how it survives.
    # Imports under ``if TYPE_CHECKING:`` never run and do not.
    edges: dict[str, set[str]] = {name: set() for name in modules()}
    for imp in project_imports():
        pair = frozenset({imp.importer, imp.module})
        if not imp.type_checking and len(pair) == 2:
            edges[imp.importer].add(imp.module)
    assert _circles(edges) == []


def test_the_circle_finder_finds_a_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(edges) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []
