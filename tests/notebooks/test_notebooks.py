"""The three role notebooks run top to bottom (so they cannot rot), offline, in a temporary folder.

Each notebook is executed with nbclient in a kernel that runs *this* interpreter: a kernelspec named
``python3`` pointing at ``sys.executable`` is written to a temporary folder put first on ``JUPYTER_PATH``,
so a system-wide ``python3`` kernel (another Python, without curate) can never be picked up.
The notebooks assert their own invariants (row accounting, decisions matching gates, leaks gone after
corrections, runs recorded), so a wrong result fails the cell and the test, not just an exception.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ["steward", "annotator", "ml_engineer"]
CELL_TIMEOUT = 600  # seconds per cell; Label Studio's first start on a fresh data dir alone can take ~90 s


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    spec_dir = tmp_path / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "curate (test interpreter)", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    # The kernel inherits this environment: nothing may be downloaded, and the local Label Studio
    # server must not be reached through a proxy from the environment.
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.setenv(var, "1")
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("MPLBACKEND", "agg")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    return run_dir


def execute(name: str, cwd: Path) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    # First cell (added in memory only): prove the kernel runs the interpreter of this test session.
    nb.cells.insert(0, nbformat.v4.new_code_cell(
        f"import sys\nassert sys.executable == {sys.executable!r}, sys.executable"))
    NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def text_of(nb: nbformat.NotebookNode) -> str:
    parts = []
    for o in outputs(nb):
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        elif "data" in o:
            parts.append(o["data"].get("text/plain", ""))
    return "\n".join(parts)


def has_chart(nb: nbformat.NotebookNode) -> bool:
    return any("image/png" in o.get("data", {}) for o in outputs(nb))


def has_table(nb: nbformat.NotebookNode) -> bool:
    return any("text/html" in o.get("data", {}) and "<table" in o["data"]["text/html"] for o in outputs(nb))


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebooks_have_no_outputs(name):
    """Committed notebooks carry no outputs: no temp paths, no stale numbers, small diffs."""
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (name, cell.source[:60])
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.slow
def test_steward_notebook(kernel_env):
    nb = execute("steward", kernel_env)
    assert has_chart(nb) and has_table(nb)
    out = text_of(nb)
    # The decision depends on the data (the notebook asserts it matches the gates); it must have been made.
    assert re.search(r"^(NOT )?APPROVED support@\d+", out, re.M)
    assert (kernel_env / "steward-work" / "reports" / "audit-final" / "report.html").exists()
    assert (kernel_env / "steward-work" / "reports" / "drift" / "report.html").exists()


@pytest.mark.slow
def test_annotator_notebook(kernel_env):
    from curate.label.server import label_studio_bin, stop

    secrets = kernel_env / "annotator-work" / "ws" / "secrets"
    try:
        nb = execute("annotator", kernel_env)
    finally:
        # The notebook stops its server in its last cell; if a cell failed before that, stop it here (by PID).
        if (secrets / "label_studio.json").exists():
            stop(secrets)
    assert has_table(nb)
    out = text_of(nb)
    if label_studio_bin().exists():
        assert "Label Studio is running" in out and "review@2" in out
        assert "Label Studio stopped" in out
    else:
        assert "Label Studio is not installed" in out


@pytest.mark.slow
def test_ml_engineer_notebook(kernel_env):
    nb = execute("ml_engineer", kernel_env)
    assert has_chart(nb) and has_table(nb)
    runs = kernel_env / "ml-work" / "runs"
    assert any(runs.glob("*/adapter/adapter_config.json")) or any(runs.glob("*/**/adapter_config.json"))
    assert list((kernel_env / "ml-work" / "exports").glob("**/dataset_dict.json"))
