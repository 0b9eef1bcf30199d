from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import pyarrow as pa
import pytest

from curate import Workspace
from curate.errors import CurateError, WorkspaceLockedError


def test_init_creates_one_private_folder_with_a_sqlite_catalog(tmp_path):
    ws = Workspace.init(tmp_path / "w")
    assert (tmp_path / "w" / "curate.json").exists()
    assert (tmp_path / "w" / "lake" / "catalog.sqlite").exists()
    assert oct((tmp_path / "w").stat().st_mode & 0o777) == "0o700"
    assert oct((tmp_path / "w" / "secrets").stat().st_mode & 0o777) == "0o700"
    assert {"documents", "quarantine", "snapshot_manifests", "lineage"} <= set(ws.table_names())
    ws.close()
    Workspace.init(tmp_path / "w").close()  # idempotent


def test_opening_a_non_workspace_is_a_clear_error(tmp_path):
    with pytest.raises(CurateError, match="not a curate workspace"):
        Workspace(tmp_path)


def _holder(path, seconds: float, flag) -> subprocess.Popen:
    """Another process that takes the writer lock (by writing), says so in ``flag``, then holds it
    for ``seconds`` or until a file ``<flag>.release`` appears."""
    release = str(flag) + ".release"
    code = (f"import time, pathlib\nimport pyarrow as pa\nfrom curate import Workspace\n"
            f"ws = Workspace({str(path)!r})\nws.put_table('notes', pa.table({{'a': [1]}}))\n"
            "ws.require_writable()\n"  # a direct service call: holds the lock until close
            f"pathlib.Path({str(flag)!r}).write_text('locked')\nend = time.monotonic() + {seconds}\n"
            f"while time.monotonic() < end and not pathlib.Path({release!r}).exists():\n    time.sleep(0.05)\n"
            "ws.close()\n")
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "holder process did not start"
        time.sleep(0.05)
    return proc


def test_second_writer_waits_a_bounded_time_then_gets_a_clear_error(tmp_path):
    Workspace.init(tmp_path / "w").close()
    holder = _holder(tmp_path / "w", 30, tmp_path / "flag")
    try:
        ws = Workspace(tmp_path / "w", wait=0.5)  # opening never waits
        assert ws.count("documents") == 0          # and reading works while the other process writes
        with pytest.raises(WorkspaceLockedError, match=rf"pid {holder.pid}.*CURATE_LOCK_WAIT"):
            ws.put_table("more", pa.table({"a": [2]}))
        ws.close()
    finally:
        holder.kill()
        holder.wait()


def test_second_writer_waits_and_succeeds_when_the_first_finishes(tmp_path, capfd):
    Workspace.init(tmp_path / "w").close()
    holder = _holder(tmp_path / "w", 120, tmp_path / "flag")
    ws = Workspace(tmp_path / "w", wait=120)
    # release the holder a moment after this writer has started waiting
    threading.Timer(1.0, (tmp_path / "flag.release").write_text, ["1"]).start()
    ws.put_table("notes", pa.table({"a": [2]}))  # blocks until the holder closes
    assert holder.wait(timeout=60) == 0
    assert sorted(ws.get_table("notes").column("a").to_pylist()) == [1, 2]
    ws.close()
    assert "waiting for the workspace writer lock" in capfd.readouterr().err


def test_same_process_second_writer_is_refused(tmp_path):
    ws = Workspace.init(tmp_path / "w")
    other = Workspace(tmp_path / "w", wait=0)
    with ws.writer():
        with pytest.raises(WorkspaceLockedError):
            other.put_table("x", pa.table({"a": [1]}))
    other.put_table("x", pa.table({"a": [1]}))  # the first writer's operation is over
    other.close()
    ws.close()


def test_an_open_notebook_workspace_does_not_block_other_writers(tmp_path, tickets):
    """A notebook keeps ``Workspace(...)`` open for hours: after its write finishes, others write."""
    notebook = Workspace.init(tmp_path / "w")
    notebook.ingest([tickets])
    notebook.put_table("notes", pa.table({"a": [1]}))
    code = ("import pyarrow as pa\nfrom curate import Workspace\n"
            f"with Workspace({str(tmp_path / 'w')!r}, wait=0) as ws:\n"
            "    ws.put_table('notes', pa.table({'a': [2]}))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert sorted(notebook.get_table("notes").column("a").to_pylist()) == [1, 2]
    notebook.close()


def test_reader_is_never_blocked_by_an_open_write_transaction(tmp_path, tickets):
    """A writer in the middle of a long transaction: a reader in another process answers at once
    with the last committed state (ordering is checked with flag files, not with timings)."""
    ws = Workspace.init(tmp_path / "w")
    ws.ingest([tickets])
    ws.close()
    started, done = tmp_path / "started", tmp_path / "done"
    code = ("import time, pathlib\nfrom curate import Workspace\n"
            f"ws = Workspace({str(tmp_path / 'w')!r})\nws.require_writable()\n"
            "ws.con.execute('BEGIN TRANSACTION')\n"
            "ws.con.execute(\"INSERT INTO lake.documents (doc_id, text) \"\n"
            "               \"SELECT 'x' || range, 'filler' FROM range(1000)\")\n"
            f"pathlib.Path({str(started)!r}).write_text('1')\ntime.sleep(20)\n"
            "ws.con.execute('COMMIT')\n"
            f"pathlib.Path({str(done)!r}).write_text('1')\nws.close()\n")
    writer = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert writer.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        reader = subprocess.run([sys.executable, "-m", "curate.cli.main", "status", "-w", str(tmp_path / "w"),
                                 "--json"], capture_output=True, text=True, timeout=60)
        assert not done.exists(), "the reader waited for the writer"
        assert reader.returncode == 0, reader.stderr
        assert json.loads(reader.stdout)["documents"] == 6  # the committed state, not the open transaction
    finally:
        writer.kill()
        writer.wait()


@pytest.mark.parametrize("how", ["move", "copy"])
def test_a_workspace_can_be_moved_or_copied(tmp_path, tickets, how):
    ws = Workspace.init(tmp_path / "a")
    ws.ingest([tickets])
    ws.create_snapshot("s", text="raw", allow_raw=True)
    ws.close()
    if how == "move":
        shutil.move(tmp_path / "a", tmp_path / "b")
    else:
        shutil.copytree(tmp_path / "a", tmp_path / "b")
    with Workspace(tmp_path / "b") as moved:
        assert moved.count("documents") == 6
        assert moved.snapshot("s@1").table().num_rows == 6
        moved.ingest([tickets])  # and it still writes, into its own folder
    assert not list((tmp_path / "a").rglob("*.parquet")) or how == "copy"


def test_missing_data_folder_is_a_clear_error(tmp_path, tickets):
    ws = Workspace.init(tmp_path / "w")
    ws.ingest([tickets])
    ws.close()
    shutil.rmtree(tmp_path / "w" / "lake" / "data")
    with pytest.raises(CurateError, match="data folder lake/data is missing"):
        Workspace(tmp_path / "w")


def test_files_of_the_raw_zone_are_private(tmp_path, tickets):
    ws = Workspace.init(tmp_path / "w")
    ws.ingest([tickets])
    ws.create_snapshot("s", text="raw", allow_raw=True)
    ws.close()
    loose = [p for p in (tmp_path / "w").rglob("*") if p.stat().st_mode & 0o077]
    assert loose == []
    assert list((tmp_path / "w" / "lake" / "data").rglob("*.parquet"))


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("runuser") is None,
                    reason="needs root to run a command as a second account (nobody)")
def test_another_account_cannot_read_the_raw_zone(tmp_path, tickets):
    ws = Workspace.init(tmp_path / "w")
    ws.ingest([tickets])
    ws.close()
    os.chmod(tmp_path, 0o755)  # pytest's tmp folder must not be what stops the other account
    parquet = next((tmp_path / "w" / "lake" / "data").rglob("*.parquet"))
    for target in (parquet, tmp_path / "w" / "lake" / "catalog.sqlite"):
        proc = subprocess.run(["runuser", "-u", "nobody", "--", "cat", str(target)], capture_output=True)
        assert proc.returncode != 0 and b"Permission denied" in proc.stderr


def test_signals_join_beside_documents(ws, tickets):
    ws.ingest([tickets])
    ids = [r[0] for r in ws.con.execute("SELECT doc_id FROM lake.documents ORDER BY doc_id").fetchall()]
    ws.write_signal("flag", pa.table({"doc_id": ids[:2], "flagged": [True, False]}))
    rows = ws.view(["doc_id", "flagged"]).order("doc_id").fetchall()
    assert [r[1] for r in rows] == [True, False] + [None] * (len(ids) - 2)
    with pytest.raises(CurateError, match="repeats column"):
        ws.write_signal("flag2", pa.table({"doc_id": ids[:1], "flagged": [True]}))
        ws.view_sql()


def test_lineage_is_recorded(ws, tickets):
    ws.ingest([tickets])
    kinds = [e["kind"] for e in ws.lineage()]
    assert kinds == ["ingest"]


def test_cli_writer_waits_as_told_and_says_what_to_do(tmp_path, tickets):
    Workspace.init(tmp_path / "w").close()
    holder = _holder(tmp_path / "w", 120, tmp_path / "flag")
    try:
        proc = subprocess.run([sys.executable, "-m", "curate.cli.main", "--wait", "0.5", "ingest", str(tickets),
                               "-w", str(tmp_path / "w")], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 3
        lines = proc.stderr.strip().splitlines()
        assert lines[-1].startswith("error: ") and "--wait SECONDS" in lines[-1] and "Traceback" not in proc.stderr
        reader = subprocess.run([sys.executable, "-m", "curate.cli.main", "snapshot", "list", "-w",
                                 str(tmp_path / "w")], capture_output=True, text=True, timeout=300)
        assert reader.returncode == 0, reader.stderr  # readers never wait
    finally:
        holder.kill()
        holder.wait()


def test_facade_methods_have_explicit_signatures():
    import inspect

    from curate.storage import Lake

    for name, fn in inspect.getmembers(Workspace, inspect.isfunction):
        if name.startswith("_"):
            continue
        kinds = {p.kind for p in inspect.signature(fn).parameters.values()}
        assert inspect.Parameter.VAR_KEYWORD not in kinds and inspect.Parameter.VAR_POSITIONAL not in kinds, name
    params = inspect.signature(Workspace.create_snapshot).parameters
    assert {"where", "text", "recipe", "allow_raw", "apply_labels"} <= set(params)
    assert {"group_by", "allow_unapproved", "splits"} <= set(inspect.signature(Workspace.export).parameters)
    assert {"fmt", "text_field", "id_field"} <= set(inspect.signature(Workspace.ingest).parameters)
    assert issubclass(Workspace, Lake)


def test_diff_is_a_typed_result(ws, tickets):
    from curate.snapshots import SnapshotDiff

    ws.ingest([tickets])
    ws.create_snapshot("s", text="raw")
    ws.create_snapshot("s", text="raw", where="doc_id IS NOT NULL")
    d = ws.diff("s@1", "s@2")
    assert isinstance(d, SnapshotDiff) and d["unchanged"] == d.unchanged == 6 and d.same_content
    assert json.loads(json.dumps(d.as_dict()))["a"] == "s@1"


def test_ingest_takes_options_or_keywords_not_both(ws, tickets):
    from curate.ingest.ingest import IngestOptions

    with pytest.raises(TypeError, match="not both"):
        ws.ingest([tickets], IngestOptions(), id_field="id")
    assert ws.ingest([tickets], id_field="id")[0].ingested == 6
