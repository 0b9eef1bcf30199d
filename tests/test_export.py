from __future__ import annotations

import json

import datasets
import pyarrow as pa
import pytest

from curate.errors import CurateError, PolicyError
from curate.export import assign_splits, parse_splits
from tests.conftest import write_jsonl


@pytest.fixture
def many(ws, tmp_path):
    path = write_jsonl(tmp_path / "m.jsonl", [{"text": f"support ticket {i} about card {i % 7}"} for i in range(400)])
    ws.ingest([path])
    return ws


def test_hf_export_loads_in_datasets_with_deterministic_splits(many, tmp_path):
    many.create_snapshot("s", text="raw")
    a = many.export("s", "hf", tmp_path / "a", allow_raw=True)
    b = many.export("s@1", "hf", tmp_path / "b", allow_raw=True, splits="train=0.9,validation=0.05,test=0.05")
    dd = datasets.load_from_disk(a["path"])
    assert sum(len(dd[k]) for k in dd) == 400 and len(dd["train"]) > 300
    assert a["counts"] == b["counts"]
    ids_a = sorted(datasets.load_from_disk(a["path"])["test"]["doc_id"])
    ids_b = sorted(datasets.load_from_disk(b["path"])["test"]["doc_id"])
    assert ids_a == ids_b
    info = json.loads((tmp_path / "a" / "export.json").read_text())
    assert info["snapshot"]["name"] == "s" and info["pii_override"] is True


def test_jsonl_and_parquet_exports(many, tmp_path):
    many.create_snapshot("s", text="raw")
    r = many.export("s", "jsonl", tmp_path / "j", allow_raw=True, splits="train=0.5,test=0.5")
    lines = (tmp_path / "j" / "train.jsonl").read_text().splitlines()
    assert len(lines) == r["counts"]["train"] and json.loads(lines[0])["text"]
    many.export("s", "parquet", tmp_path / "p", allow_raw=True)
    assert (tmp_path / "p" / "train.parquet").exists()


def test_raw_snapshot_export_is_refused_without_override(many, tmp_path):
    many.create_snapshot("s", text="raw")
    with pytest.raises(PolicyError, match="PII policy"):
        many.export("s", "jsonl", tmp_path / "x")
    assert not (tmp_path / "x").exists()
    many.export("s", "jsonl", tmp_path / "x", allow_raw=True)
    assert any(e["kind"] == "export" and e["details"]["pii_override"] for e in many.lineage())


def test_clusters_stay_on_one_side_and_straddling_is_refused(many, tmp_path):
    ids = [r[0] for r in many.con.execute("SELECT doc_id FROM lake.documents ORDER BY doc_id").fetchall()]
    clusters = [f"c{i // 20}" for i in range(len(ids))]
    many.write_signal("dedup", pa.table({"doc_id": ids, "dup_cluster": clusters}))
    many.create_snapshot("s", text="raw")
    res = many.export("s", "parquet", tmp_path / "ok", allow_raw=True)
    assert res["straddling_clusters"] == 0
    with pytest.raises(PolicyError, match="straddle"):
        many.export("s", "parquet", tmp_path / "bad", allow_raw=True, group_by="doc_id")
    res = many.export("s", "parquet", tmp_path / "rep", allow_raw=True, group_by="doc_id", contamination="report")
    assert res["straddling_clusters"] > 0


def test_split_spec_validation():
    assert parse_splits("train=0.8,test=0.2") == {"train": 0.8, "test": 0.2}
    with pytest.raises(CurateError):
        parse_splits("train=0.8,test=0.3")
    with pytest.raises(CurateError):
        parse_splits("train:0.8")
    keys = [str(i) for i in range(10000)]
    s = assign_splits(keys, {"train": 0.9, "test": 0.1})
    assert 0.08 < s.count("test") / len(s) < 0.12 and s == assign_splits(keys, {"train": 0.9, "test": 0.1})
