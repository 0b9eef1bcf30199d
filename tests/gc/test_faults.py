"""Operational faults: full disk, read-only folder, missing data files, interrupted writes.

Each ends in one ``error:`` line with a non-zero exit, the workspace answers and passes
``curate check`` afterwards, ``curate gc`` removes what the failed write left behind, and
rerunning completes with the same snapshot content hash as a clean run.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import share_workspace_key, write_jsonl


def curate(*args):
    return subprocess.run([sys.executable, "-m", "curate.cli.main", *args], capture_output=True, text=True,
                          timeout=300)


def _one_line_error(res, code=5):
    assert res.returncode == code, res.stdout + res.stderr
    assert res.stderr.startswith("error: ") and res.stderr.strip().count("\n") == 0, res.stderr
    assert "Traceback" not in res.stdout + res.stderr


def _healthy(ws):
    res = curate("check", "-w", ws, "--json")
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["ok"] and not report["missing_files"] and not report["snapshot_problems"]
    assert curate("status", "-w", ws, "--json").returncode == 0
    return report


def _corpus(path: Path, n: int = 3000) -> Path:
    rnd = random.Random(7)
    words = ["card", "upi", "blocked", "refund", "paise", "help", "account", "kat", "gaye", "branch"]
    return write_jsonl(path, [{"text": f"ticket {i} " + " ".join(rnd.choice(words) for _ in range(40))}
                              for i in range(n)])


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MiB tmpfs (needs root and mount rights); the test is skipped with the reason otherwise."""
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def _fill(mnt: Path, leave_kib: int = 50) -> Path:
    """Fill the disk but ``leave_kib`` KiB: enough to open the workspace, not to write a data file."""
    filler = mnt / "filler"
    avail = shutil.disk_usage(mnt).free // 1024
    with open(filler, "wb") as fh:
        fh.truncate(0)
        chunk = b"\0" * 1024 * 1024
        left = max(avail - leave_kib, 0) * 1024
        while left > 0:
            n = fh.write(chunk[:min(left, len(chunk))])
            left -= n
    return filler


def test_full_disk_during_ingest_stage_and_snapshot(small_disk, tmp_path):
    src = _corpus(tmp_path / "tickets.jsonl")
    from curate import Workspace

    with Workspace.init(tmp_path / "clean") as reference:  # the clean run, on an ordinary disk
        reference.ingest([src])
        reference.run_stage("clean", {}, workers=1)
        expected = reference.create_snapshot("s", text="clean").model_dump(mode="json")

    ws = str(small_disk / "ws")
    assert curate("init", ws).returncode == 0
    with Workspace(ws) as target:  # the reference's key: the same doc_ids (their salt comes from it)
        share_workspace_key(reference, target)
    steps = [("ingest", str(src), "-w", ws), ("stage", "clean", "-w", ws),
             ("snapshot", "create", "s", "--text", "clean", "-w", ws, "--json")]
    for step in steps:
        filler = _fill(small_disk)
        res = curate(*step)
        _one_line_error(res)
        assert "no space left on device" in res.stderr
        report = _healthy(ws)
        filler.unlink()
        if report["orphaned_files"]:
            gc = json.loads(curate("gc", "-w", ws, "--json").stdout)
            assert gc["orphaned"] == report["orphaned_files"]
            assert _healthy(ws)["orphaned_files"] == 0
        res = curate(*step)
        assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert got["content_hash"] == expected["content_hash"] and got["row_count"] == expected["row_count"] == 3000


def test_read_only_folder_is_one_line_error(small_disk, tmp_path):
    ws = str(small_disk / "ws")
    src = write_jsonl(tmp_path / "t.jsonl", [{"text": f"ticket {i}"} for i in range(50)])
    assert curate("init", ws).returncode == 0 and curate("ingest", str(src), "-w", ws).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        res = curate("snapshot", "create", "s", "--text", "raw", "-w", ws)
        _one_line_error(res)
        assert "read-only file system" in res.stderr
        _healthy(ws)  # readers still answer
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert curate("snapshot", "create", "s", "--text", "raw", "-w", ws).returncode == 0


def test_missing_data_file_is_reported_not_a_traceback(tmp_path):
    ws = str(tmp_path / "ws")
    src = write_jsonl(tmp_path / "t.jsonl", [{"text": f"ticket {i}"} for i in range(50)])
    assert curate("init", ws).returncode == 0 and curate("ingest", str(src), "-w", ws).returncode == 0
    for f in (Path(ws) / "lake" / "data" / "main" / "documents").glob("*.parquet"):
        f.unlink()
    res = curate("snapshot", "create", "s", "--text", "raw", "-w", ws)
    _one_line_error(res)
    assert "missing" in res.stderr and "curate check" in res.stderr
    res = curate("check", "-w", ws, "--json")
    _one_line_error(res)
    assert "documents" in json.loads(res.stdout)["missing_files"][0]


def test_gc_removes_orphans_of_an_interrupted_write_and_keeps_every_snapshot(tmp_path):
    from curate import Workspace
    from curate.gc import check, gc

    src = write_jsonl(tmp_path / "t.jsonl", [{"text": f"ticket {i} about my card"} for i in range(200)])
    ws = Workspace.init(tmp_path / "ws")
    ws.ingest([src])
    m1 = ws.create_snapshot("s", text="raw")
    ws.close()
    # An interrupted write: a child writes a snapshot's data and is killed before the commit.
    child = ("import os\nfrom curate import Workspace\nws = Workspace(%r)\n"
             "ws.create_snapshot('doomed', text='raw', pre_commit=lambda m: os.kill(os.getpid(), 9))\n" % str(ws.path))
    assert subprocess.run([sys.executable, "-c", child], timeout=120).returncode == -9
    ws = Workspace(tmp_path / "ws")
    before = check(ws)
    assert before["ok"] and before["orphaned_files"] >= 1
    assert gc(ws, dry_run=True)["orphaned"] == before["orphaned_files"]
    res = gc(ws)
    assert res["orphaned"] == before["orphaned_files"] and check(ws)["orphaned_files"] == 0
    assert ws.snapshot("s").table().num_rows == 200 and ws.snapshot("s").manifest.content_hash == m1.content_hash
    assert ws.documents().num_rows == 200 and check(ws)["ok"]
    ws.close()


def test_export_to_a_full_disk_leaves_no_partial_output(small_disk, tmp_path):
    ws = str(tmp_path / "ws")
    src = _corpus(tmp_path / "t.jsonl", 3000)
    for args in (("init", ws), ("ingest", str(src), "-w", ws), ("snapshot", "create", "s", "--text", "raw", "-w", ws)):
        assert curate(*args).returncode == 0
    filler = _fill(small_disk)
    out = small_disk / "export"
    res = curate("snapshot", "export", "s", "-o", str(out), "--allow-raw", "--contamination", "ignore", "-w", ws)
    _one_line_error(res)
    assert "no space left on device" in res.stderr
    assert not out.exists() and not list(small_disk.glob(".export-*"))
    filler.unlink()
    res = curate("snapshot", "export", "s", "-o", str(out), "--allow-raw", "--contamination", "ignore", "-w", ws)
    assert res.returncode == 0, res.stderr
