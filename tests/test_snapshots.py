"""Snapshots: immutable, numbered, hashed, diffable, atomic under SIGKILL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap

import pyarrow as pa
import pytest

from curate.errors import CurateError
from tests.conftest import write_jsonl


def _pii_signal(ws, covered=lambda i: True):
    """A stand-in PII signal (the real PII stage is tested in tests/pii) to exercise variant selection."""
    rows = ws.con.execute("SELECT doc_id, text FROM lake.documents ORDER BY doc_id").fetchall()
    ws.write_signal("pii", pa.table({
        "doc_id": [r[0] for r in rows],
        "pii_text": [r[1].replace("9876543210", "<IN_PHONE>") for r in rows],
        "pii_covered": [covered(i) for i in range(len(rows))],
    }))


def test_create_list_show_and_time_travel_after_later_ingest(ws, tickets, tmp_path):
    ws.ingest([tickets])
    m1 = ws.create_snapshot("support", text="raw")
    assert (m1.version, m1.row_count, m1.parent) == (1, 6, None)
    more = write_jsonl(tmp_path / "more.jsonl", [{"text": "call me on 9876543210"}])
    ws.ingest([more])
    m2 = ws.create_snapshot("support", text="raw")
    assert (m2.version, m2.row_count, m2.parent) == (2, 7, "support@1")
    # The first version still holds exactly what it held.
    assert ws.snapshot("support@1").table().num_rows == 6
    assert ws.snapshot("support", 1).manifest.content_hash == m1.content_hash
    assert ws.snapshot("support").manifest.version == 2
    assert [m.ref for m in ws.snapshots()] == ["support@1", "support@2"]
    d = ws.diff("support@1", "support@2")
    assert (d["added"], d["removed"], d["changed"], d["unchanged"]) == (1, 0, 0, 6)


def test_same_inputs_same_content_hash(ws, tickets):
    ws.ingest([tickets])
    a = ws.create_snapshot("a", text="raw")
    b = ws.create_snapshot("b", text="raw")
    assert a.content_hash == b.content_hash
    c = ws.create_snapshot("c", text="raw", where="source_row > 1")
    assert c.content_hash != a.content_hash and c.row_count == 5


def test_anonymized_variant_fails_closed_and_passes_policy(ws, tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [{"text": f"ticket {i} phone 9876543210"} for i in range(4)])
    ws.ingest([path])
    with pytest.raises(CurateError, match="needs the pii stage"):
        ws.create_snapshot("anon")
    _pii_signal(ws, covered=lambda i: i != 0)
    m = ws.create_snapshot("anon")
    assert m.pii_policy_passed and m.held_back == 1 and m.row_count == 3
    texts = ws.snapshot("anon").table().column("text").to_pylist()
    assert all("9876543210" not in t and "<IN_PHONE>" in t for t in texts)
    assert "pii_text" not in ws.snapshot("anon").table().column_names


def test_bad_where_is_a_clear_error(ws, tickets):
    ws.ingest([tickets])
    with pytest.raises(CurateError, match="bad --where"):
        ws.create_snapshot("x", text="raw", where="no_such_column = 1")


def test_labels_signal_drops_rejected_and_applies_edits(ws, tmp_path):
    path = write_jsonl(tmp_path / "sft.jsonl", [{"instruction": f"q{i}", "output": f"a{i}"} for i in range(3)])
    ws.ingest([path])
    ids = [r[0] for r in ws.con.execute("SELECT doc_id FROM lake.documents ORDER BY source_row").fetchall()]
    ws.write_signal("labels", pa.table({"doc_id": ids[:2], "label_status": ["rejected", "corrected"],
                                        "label_response": [None, "better answer"]}))
    m = ws.create_snapshot("reviewed", text="raw")
    rows = {r["doc_id"]: r for r in ws.snapshot("reviewed").table().to_pylist()}
    assert ids[0] not in rows and rows[ids[1]]["output"] == "better answer" and rows[ids[2]]["output"] == "a2"
    assert m.labels_applied == 2


def test_killed_snapshot_creation_leaves_nothing(ws, tickets):
    ws.ingest([tickets])
    path = ws.path
    ws.close()
    child = textwrap.dedent(f'''
        import os
        from curate import Workspace
        ws = Workspace({str(path)!r})
        ws.create_snapshot("doomed", text="raw", pre_commit=lambda m: os.kill(os.getpid(), 9))
    ''')
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    from curate import Workspace

    ws2 = Workspace(path)
    assert ws2.snapshots() == []
    assert not [t for t in ws2.table_names() if t.startswith("snap__")]
    assert ws2.create_snapshot("doomed", text="raw").version == 1
    ws2.close()
