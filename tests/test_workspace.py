from __future__ import annotations

import subprocess
import sys

import pyarrow as pa
import pytest

from curate import Workspace
from curate.errors import CurateError, WorkspaceLockedError


def test_init_creates_one_folder_with_private_secrets(tmp_path):
    ws = Workspace.init(tmp_path / "w")
    assert (tmp_path / "w" / "curate.json").exists()
    assert (tmp_path / "w" / "lake" / "catalog.ducklake").exists()
    assert oct((tmp_path / "w" / "secrets").stat().st_mode & 0o777) == "0o700"
    assert {"documents", "quarantine", "snapshot_manifests", "lineage"} <= set(ws.table_names())
    ws.close()
    Workspace.init(tmp_path / "w").close()  # idempotent


def test_opening_a_non_workspace_is_a_clear_error(tmp_path):
    with pytest.raises(CurateError, match="not a curate workspace"):
        Workspace(tmp_path)


def test_second_writer_gets_a_clear_error_not_corruption(tmp_path):
    ws = Workspace.init(tmp_path / "w")
    code = ("import sys\nfrom curate import Workspace\nfrom curate.errors import WorkspaceLockedError\n"
            f"try:\n    Workspace({str(tmp_path / 'w')!r})\nexcept WorkspaceLockedError as e:\n"
            "    print(e); sys.exit(3)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "in use" in proc.stdout or "open for writing" in proc.stdout
    ws.put_table("notes", pa.table({"a": [1]}))
    ws.close()
    # After the first writer closes, a new writer gets in and sees the data.
    again = Workspace(tmp_path / "w")
    assert again.get_table("notes").column("a").to_pylist() == [1]
    again.close()


def test_same_process_second_writer_is_refused(tmp_path):
    ws = Workspace.init(tmp_path / "w")
    with pytest.raises(WorkspaceLockedError):
        Workspace(tmp_path / "w")
    ws.close()


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
