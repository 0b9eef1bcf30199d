"""The storage layer on its own: a plain ``Lake`` (no facade) serves every service; lineage kinds are an enum;
signal state round-trips; writes of lineage inside a caller's transaction commit or roll back with it."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from curate.dbutil import transaction
from curate.errors import CurateError
from curate.storage import Lake, LineageKind
from tests.conftest import write_jsonl

ROWS = [{"text": f"ticket {i}: my card {i} is blocked"} for i in range(7)]


@pytest.fixture
def lake(tmp_path):
    lk = Lake.init(tmp_path / "lake")
    yield lk
    lk.close()


def test_services_run_on_a_plain_lake(lake, tmp_path):
    from curate.approvals import approval_state
    from curate.export import export_snapshot
    from curate.ingest.ingest import ingest_sources
    from curate.runner import run_stage
    from curate.snapshots import create_snapshot, diff_snapshots, get_snapshot

    assert type(lake) is Lake
    [res] = ingest_sources(lake, [write_jsonl(tmp_path / "t.jsonl", ROWS)])
    assert (res.rows_read, res.ingested) == (7, 7)
    assert run_stage(lake, "clean", {}).computed == 7
    m = create_snapshot(lake, "s", text="clean")
    assert m.row_count == 7 and get_snapshot(lake, "s").ref == "s@1"
    assert diff_snapshots(lake, "s@1", "s@1").unchanged == 7
    assert approval_state(lake, "s")["state"] == "unapproved"
    out = export_snapshot(lake, "s", "jsonl", tmp_path / "out", allow_raw=True, splits="train=0.5,test=0.5")
    assert sum(out.counts.values()) == 7
    kinds = [e["kind"] for e in lake.lineage()]
    assert kinds == ["ingest", "snapshot", "export"]


def test_lineage_kinds_are_an_enum_and_unknown_kinds_are_refused(lake):
    with pytest.raises(ValueError):
        lake.record_lineage("note", "x", None)
    lake.record_lineage(LineageKind.AUDIT, "report-1", "s@1", {"passed": True})
    lake.record_lineage("approval", "approval:s@1", "s@1")
    edges = lake.lineage()
    assert [(e["kind"], e["subject"], e["parent"]) for e in edges] == [
        ("audit", "report-1", "s@1"), ("approval", "approval:s@1", "s@1")]
    assert edges[0]["details"] == {"passed": True}
    assert [e["subject"] for e in lake.lineage("report-1")] == ["report-1"]


def test_lineage_written_in_a_transaction_rolls_back_with_it(lake):
    with pytest.raises(RuntimeError):
        with transaction(lake.con):
            lake.record_lineage(LineageKind.SNAPSHOT, "s@1", None, con=lake.con)
            raise RuntimeError("the snapshot failed")
    assert lake.lineage() == []
    with transaction(lake.con):
        lake.record_lineage(LineageKind.SNAPSHOT, "s@1", None, con=lake.con)
    assert [e["kind"] for e in lake.lineage()] == ["snapshot"]


def test_signal_state_round_trips_and_drop_forgets_it(lake):
    assert lake.signal_config_hash("quality") is None and lake.signal_config("quality") is None
    lake.write_signal("quality", pa.table({"doc_id": ["a"], "quality_ok": [True]}))
    lake.record_signal_state("quality", "abc123", json.dumps({"min_chars": 5}), "per_document")
    lake.record_signal_state("quality", "def456", json.dumps({"min_chars": 9}), "per_document")  # replaces
    assert lake.signal_config_hash("quality") == "def456"
    assert lake.signal_config("quality") == {"min_chars": 9}
    assert lake.signals() == ["quality"]
    lake.drop_signal("quality")
    assert lake.signals() == [] and lake.signal_config_hash("quality") is None


def test_require_writable_is_public_and_refuses_a_read_only_lake(lake):
    path = lake.path
    lake.close()
    with Lake(path, read_only=True) as ro:
        with pytest.raises(CurateError, match="read-only"):
            ro.require_writable()
        assert ro.count("documents") == 0
