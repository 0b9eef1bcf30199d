"""A killed export leaves a hidden staging folder; `curate gc` or the next export removes it, and nothing else."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write_jsonl

# Runs an export in a child process that stops just before the staging folder is renamed into place
# (every file written), announces it, and waits to be killed.
_CHILD = """
import sys, time
from pathlib import Path
import curate.export as export
from curate import Workspace

def stop_here(folder, out, record):
    Path(sys.argv[3]).write_text(str(folder))
    time.sleep(600)

export.publish = stop_here
with Workspace(sys.argv[1]) as ws:
    ws.export("s", sys.argv[4], sys.argv[2], allow_raw=True, contamination="ignore")
"""


def _killed_export(ws_path: Path, out: Path, fmt: str, tmp_path: Path) -> Path:
    ready = tmp_path / f"ready-{fmt}"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1]))
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(ws_path), str(out), str(ready), fmt], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 240
        while not ready.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.time() < deadline, "the export never reached its last step"
            time.sleep(0.2)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    folder = Path(ready.read_text())
    assert folder.is_dir() and folder.parent == out.parent and folder.name.startswith(".export-")
    assert any(folder.rglob("*.arrow")) or any(folder.glob(f"*.{fmt}"))  # a half-finished export with data
    return folder


@pytest.fixture
def snap(ws, tmp_path):
    ws.ingest([write_jsonl(tmp_path / "t.jsonl", [{"text": f"ticket {i} about my card"} for i in range(40)])])
    ws.create_snapshot("s", text="raw")
    ws.close()
    return ws.path


def _bystanders(parent: Path) -> dict[str, bytes]:
    """Things beside the export that look like ours but are not: none may be touched."""
    (parent / ".export-mine").mkdir()
    (parent / ".export-mine" / "keep.txt").write_text("a user's folder")
    (parent / ".export-out-0123456789abcdef").mkdir()  # our naming, no record: not ours to judge
    (parent / ".export-out-0123456789abcdef" / "train.jsonl").write_text("{}\n")
    (parent / "notes.txt").write_text("keep me")
    return {str(p.relative_to(parent)): p.read_bytes() for p in parent.rglob("*") if p.is_file()}


def test_curate_gc_removes_the_staging_folder_of_a_killed_export_and_nothing_else(snap, tmp_path):
    from curate import Workspace

    parent = tmp_path / "exports"
    parent.mkdir()
    before = _bystanders(parent)
    folder = _killed_export(snap, parent / "out", "hf", tmp_path)
    assert len(list((snap / "tmp" / "exports").glob("*.json"))) == 1
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[1]))
    dry = subprocess.run([sys.executable, "-m", "curate.cli.main", "gc", "--dry-run", "--json", "-w", str(snap)],
                         capture_output=True, text=True, timeout=300, env=env)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["export_folders"] == 1 and folder.exists()
    res = subprocess.run([sys.executable, "-m", "curate.cli.main", "gc", "--json", "-w", str(snap)],
                         capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["export_folders"] == 1
    assert not folder.exists() and not any((snap / "tmp" / "exports").glob("*.json"))
    after = {str(p.relative_to(parent)): p.read_bytes() for p in parent.rglob("*") if p.is_file()}
    assert after == before and not (parent / "out").exists()
    with Workspace(snap, read_only=True) as ws:  # the workspace is untouched: the snapshot still reads
        assert ws.snapshot("s").table().num_rows == 40


def test_the_next_export_removes_the_leftover_of_a_killed_one(snap, tmp_path):
    from curate import Workspace

    parent = tmp_path / "exports"
    parent.mkdir()
    before = _bystanders(parent)
    folder = _killed_export(snap, parent / "out", "jsonl", tmp_path)
    with Workspace(snap) as ws:
        res = ws.export("s", "jsonl", parent / "out", allow_raw=True, contamination="ignore")
    assert not folder.exists() and sum(res["counts"].values()) == 40
    after = {str(p.relative_to(parent)): p.read_bytes() for p in parent.rglob("*") if p.is_file()
             if p.parent.name != "out"}
    assert after == before
    assert sorted(p.name for p in parent.iterdir() if p.name.startswith(".export-")) == [
        ".export-mine", ".export-out-0123456789abcdef"]


def test_a_running_export_is_left_alone(snap, tmp_path):
    from curate.export_staging import clean_export_leftovers, create_staging, discard

    out = tmp_path / "exports" / "live"
    folder, record = create_staging(snap, out)  # this process is alive: its folder is not a leftover
    assert clean_export_leftovers(snap) == {"folders": 0, "bytes": 0, "records": 0} and folder.exists()
    discard(folder, record)
    assert not folder.exists() and not record.exists()
