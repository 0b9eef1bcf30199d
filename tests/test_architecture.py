"""The house rules, checked: lint and import contracts pass, the docs' tables and diagram match the code.

The expected values come from outside the code under test: the contracts and ruff config in
``pyproject.toml`` (checked by import-linter and ruff themselves), the tables in ``curate/ARCHITECTURE.md``
and the diagram in ``README.md`` (written by hand).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCH = (ROOT / "curate" / "ARCHITECTURE.md").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
STAGE_PACKAGES = ("curate.clean", "curate.langid", "curate.quality", "curate.dedup", "curate.pii")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_import_contracts_hold():
    """import-linter over the contracts in pyproject.toml (layers, stage packages, no cycle)."""
    out = _run("from importlinter.cli import lint_imports\nraise SystemExit(lint_imports(no_cache=True))")
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def test_ruff_passes_on_the_whole_repo():
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def _layers() -> list[set[str]]:
    contract = next(c for c in PYPROJECT["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [{m.strip() for m in re.split(r"[:|]", line)} for line in contract["layers"]]


def test_layer_contract_would_catch_an_import_cycle():
    """The contract really has teeth: the old cycle (a service importing the facade) breaks it."""
    layers = _layers()
    facade = next(i for i, layer in enumerate(layers) if "curate.workspace" in layer)
    assert any("curate.snapshots" in layer for layer in layers[facade + 1:]), "services must sit below the facade"
    assert layers[-1] == {"curate.storage"}, "storage is the bottom layer"
    cycles = next(c for c in PYPROJECT["tool"]["importlinter"]["contracts"] if c["type"] == "acyclic_siblings")
    assert cycles["ancestors"] == ["curate"]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    sys.path.insert(0, str(ROOT))
    try:
        g = grimp.build_graph("curate", include_external_packages=False)
    finally:
        sys.path.remove(str(ROOT))
    # as in the contracts: `curate.Workspace` is a lazy export of the package, resolved on first use
    g.remove_import(importer="curate", imported="curate.workspace")
    return g


# Leaf helpers a stage may use: each imports nothing of curate but curate.errors (checked below).
LEAF_HELPERS = {"curate.errors", "curate.dbutil", "curate._lazy", "curate.yamlfile", "curate.keyed"}
STAGE_ALLOWED = {"curate.stage"} | LEAF_HELPERS
CLI_PLUGIN_ALLOWED = STAGE_ALLOWED | {"curate.filemode", "curate.cli.output"}
# The ignore_imports of the stage contract in pyproject.toml (each with its reason there).
STAGE_EXCEPTIONS = {"curate.dedup.ray_lsh": {"curate.engines.ray_engine"},
                     "curate.dedup.ray_dedup": {"curate.engines.ray_engine"},
                     "curate.dedup.stage": {"curate.engines"}, "curate.pii.cli": {"curate.engines.pool"}}


def _outside(graph: grimp.ImportGraph, module: str, package: str) -> set[str]:
    return {m for m in graph.find_modules_directly_imported_by(module)
            if m != package and not m.startswith(package + ".")}


@pytest.mark.parametrize("package", STAGE_PACKAGES)
def test_stage_packages_import_only_the_stage_contract_and_leaf_helpers(graph, package):
    for module in sorted({package} | graph.find_descendants(package)):
        allowed = CLI_PLUGIN_ALLOWED if module == f"{package}.cli" else STAGE_ALLOWED
        extra = {m for m in _outside(graph, module, package)
                 if m not in allowed | STAGE_EXCEPTIONS.get(module, set())
                 and m != "curate.text" and not m.startswith("curate.text.")}
        assert not extra, f"{module} imports {sorted(extra)}"


def test_leaf_helpers_are_leaves(graph):
    for module in sorted(LEAF_HELPERS - {"curate.errors"}):
        assert _outside(graph, module, module) <= {"curate.errors"}, module
    assert _outside(graph, "curate.errors", "curate.errors") == set()


def test_storage_imports_nothing_above_it(graph):
    below = {"curate.errors", "curate.dbutil", "curate.locks", "curate._version", "curate.provenance"}
    for module in sorted({"curate.storage"} | graph.find_descendants("curate.storage")):
        assert _outside(graph, module, "curate.storage") <= below, module


def test_no_service_imports_the_facade_and_export_no_capability(graph):
    services = ("curate.runner", "curate.snapshots", "curate.export", "curate.approvals", "curate.gc",
                "curate.ingest", "curate.engines")
    for service in services:
        for module in {service} | graph.find_descendants(service):
            if not module.endswith(".cli"):  # a package's CLI plugin belongs to the CLI layer
                assert not graph.chain_exists(module, "curate.workspace"), module
    # export never computes a signal: it reaches no stage package
    for stage_package in STAGE_PACKAGES:
        assert not graph.chain_exists("curate.export", stage_package, as_packages=True), stage_package


def test_core_names_no_label_column():
    """Snapshots and export know no capability's columns: the label overlay registers itself."""
    for module in ("snapshots.py", "export.py", "runner.py", "workspace.py"):
        assert "label_" not in (ROOT / "curate" / module).read_text(), module


# -- ARCHITECTURE.md against the code ------------------------------------------------------------------------


def _table(heading: str) -> list[list[str]]:
    """Rows of the markdown table under ``### heading``."""
    part = ARCH.split(f"### {heading}", 1)[1]
    rows = []
    for line in part.splitlines()[1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        # each cell: its first `code` span (the name), else its text
        cells = [(re.findall(r"`([^`]+)`", c) or [c.strip()])[0] for c in line.strip().strip("|").split("|")]
        if set(cells[0]) <= {"-", " "} or cells[0] in ("kind", "stage"):
            continue
        rows.append(cells)
    return rows


def test_lineage_kinds_in_architecture_match_the_enum():
    from curate.storage import LineageKind

    documented = [row[0] for row in _table("Lineage kinds")]
    assert len(documented) == len(set(documented))
    assert set(documented) == {k.value for k in LineageKind}


def _lineage_calls() -> list[tuple[str, str]]:
    """(file, first argument) of every ``record_lineage(...)`` call in the code."""
    calls = []
    for folder in ("curate", "train", "eval"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr == "record_lineage" and node.args):
                    calls.append((str(path.relative_to(ROOT)), ast.unparse(node.args[0])))
    return calls


def test_every_lineage_write_uses_a_documented_kind():
    documented = {row[0]: row[2] for row in _table("Lineage kinds")}
    calls = _lineage_calls()
    assert calls
    for path, arg in calls:
        kind = ast.literal_eval(arg) if arg.startswith(("'", '"')) else None
        if kind is None:
            m = re.fullmatch(r"LineageKind\.([A-Z_]+)", arg)
            assert m, f"{path}: lineage kind {arg} is neither a literal nor a LineageKind member"
            kind = m.group(1).lower()
        assert kind in documented, f"{path} writes undocumented lineage kind {kind!r}"
        writer = documented[kind].replace(".", "/")
        assert path.startswith(writer), f"{path} writes {kind!r}; ARCHITECTURE.md says {documented[kind]} does"
    # nothing writes the lineage table by SQL outside the storage layer
    for path in sorted((ROOT / "curate").rglob("*.py")):
        if "storage" not in path.parts:
            assert "INTO lake.lineage" not in path.read_text(), path


def test_registered_stages_in_architecture_match_the_registry():
    from curate.stage import all_stages

    documented = {row[0]: (row[1], row[2]) for row in _table("Registered stages")}
    # the curate packages' own stages (other tests register test stages in this process)
    stages = {n: s for n, s in all_stages().items() if s.fn.__module__.startswith("curate.")}
    assert set(documented) == set(stages)
    for name, stage in stages.items():
        kind, where = documented[name]
        assert stage.kind == kind, name
        assert sys.modules[stage.fn.__module__].__file__.endswith(where), name
        for column in stage.outputs:  # every output column is documented somewhere in the file
            assert f"`{column}`" in ARCH, f"{name} output {column} is not in ARCHITECTURE.md"


def test_readme_layer_diagram_matches_the_layer_contract():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("* Layers:", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    name = re.compile(r"^(curate(\.[a-z_]+)*|train|eval)$")
    drawn = [{t for t in line.split() if name.match(t)} for line in block.splitlines()]
    assert [layer for layer in drawn if layer] == _layers()
