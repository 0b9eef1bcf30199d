from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import datasets
import pyarrow as pa
import pytest
import xxhash

from curate.errors import CurateError, PolicyError
from curate.export import assign_splits, parse_splits
from tests.conftest import source_label, write_jsonl


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
    ids_a = sorted(datasets.load_from_disk(a["path"])["test"]["id"])
    ids_b = sorted(datasets.load_from_disk(b["path"])["test"]["id"])
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


# -- nothing derived from raw content leaves unkeyed ---------------------------------------------------------------

def _hash_oracles(text: str) -> set[str]:
    """Every unkeyed digest an attacker would try for a candidate text (independent of curate's code)."""
    out = set()
    for payload in (text, text + "\x1f", text + "\x1f" + ""):
        b = payload.encode()
        for h in (hashlib.md5(b).hexdigest(), hashlib.sha1(b).hexdigest(), hashlib.sha256(b).hexdigest(),
                  xxhash.xxh64_hexdigest(b), xxhash.xxh3_128_hexdigest(b)):
            out.update({h, h[:16], h[:20]})
    return out


def _brute_force(rows: list[dict], template: str, prefix: str, id_rows: bool = True) -> str | None:
    """Search all 10^5 completions of ``prefix`` for one whose unkeyed hashes appear in any hash-like column.

    Also tries ingest-style ids: md5(source \\x1f row \\x1f md5(text)) for the source/row the rows expose.
    """
    hexlike = re.compile(r"^[0-9a-f]{16,64}$")
    observed = {v for r in rows for v in r.values() if isinstance(v, str) and hexlike.match(v)}
    sources = {(r.get("source"), r.get("source_row")) for r in rows}
    for i in range(10 ** 5):
        candidate = prefix + f"{i:05d}"
        text = template.replace("<IN_PHONE>", candidate)
        digests = _hash_oracles(text)
        if id_rows:
            md5_text = hashlib.md5((text + "\x1f").encode()).hexdigest()
            for src, row in sources:
                digests.add(hashlib.md5(f"{src}\x1f{row}\x1f{md5_text}".encode()).hexdigest()[:20])
        if digests & observed:
            return candidate
    return None


def test_redacted_number_cannot_be_brute_forced_from_the_export(ws, tmp_path):
    import phonenumbers

    number = "9812345678"
    assert phonenumbers.is_valid_number(phonenumbers.parse(number, "IN"))  # a real Indian mobile (outside oracle)
    rows = [{"text": f"please call me on {number} about the refund"}] + [
        {"text": f"my card {i} is blocked, please help"} for i in range(30)]
    src = write_jsonl(tmp_path / "calls.jsonl", rows)
    ws.ingest([src])
    ws.run_stage("pii", {}, workers=1)
    ws.create_snapshot("anon")
    exported = []
    for fmt in ("jsonl", "parquet", "hf"):
        out = tmp_path / f"out-{fmt}"
        ws.export("anon", fmt, out, contamination="ignore", allow_unapproved=True, with_signals=True)
        for f in sorted(p for p in out.rglob("*") if p.is_file()):
            blob = f.read_bytes()
            assert number.encode() not in blob and str(tmp_path).encode() not in blob, f  # no raw value, no local path
        if fmt == "jsonl":
            exported = [json.loads(line) for p in sorted(out.glob("*.jsonl")) for line in p.read_text().splitlines()]
    target = next(r for r in exported if "<IN_PHONE>" in (r["text"] or ""))
    assert target["source_uri"] == source_label(ws, "calls.jsonl")  # a file name can be PII: a keyed label
    assert not any(c.endswith(("_hash", "_signature")) and c != "content_hash" for c in target)
    assert target["content_hash"] == hashlib.md5((target["text"] + "\x1f").encode()).hexdigest()
    # The attack fails on every hash column of the export ...
    assert _brute_force(exported, target["text"], number[:5]) is None
    # ... and the very same attack recovers the number from the raw zone's unkeyed hashes: the test can fail.
    raw = ws.con.execute("SELECT doc_id, content_hash, source, source_row FROM lake.documents").fetch_arrow_table()
    assert _brute_force(raw.to_pylist(), target["text"], number[:5]) == number
    # Keyed ids stay joinable: two exports of one workspace carry the same ids.
    again = ws.export("anon", "jsonl", tmp_path / "again", contamination="ignore", allow_unapproved=True)
    ids = {json.loads(line)["id"] for p in Path(again["path"]).glob("*.jsonl") for line in p.read_text().splitlines()}
    assert ids == {r["id"] for r in exported}


def test_export_manifest_carries_no_filter_literals_or_paths(ws, tmp_path):
    src = write_jsonl(tmp_path / "t.jsonl", [{"text": f"ticket {i} about 9812345678"} for i in range(5)])
    ws.ingest([src])
    ws.create_snapshot("s", text="raw", where="text LIKE '%9812345678%'")
    ws.export("s", "jsonl", tmp_path / "x", allow_raw=True, contamination="ignore")
    info = json.loads((tmp_path / "x" / "export.json").read_text())
    blob = json.dumps(info)
    assert "9812345678" not in blob and str(tmp_path) not in blob
    assert info["snapshot"]["has_filter"] is True and "where" not in info["snapshot"]


def test_export_needs_an_approval_or_a_recorded_override(ws, tmp_path):
    from curate.approvals import approve
    from curate.audit.runs import audit_snapshot
    from curate.audit.policy import AuditPolicy
    from curate.errors import PolicyError

    src = write_jsonl(tmp_path / "t.jsonl", [{"text": f"my card {i} is blocked, please help me"} for i in range(20)])
    ws.ingest([src])
    ws.run_stage("pii", {}, workers=1)
    ws.create_snapshot("anon")
    with pytest.raises(PolicyError, match="export refused: snapshot anon@1 has not been approved"):
        ws.export("anon", "jsonl", tmp_path / "refused", contamination="ignore")
    assert not (tmp_path / "refused").exists()
    forced = ws.export("anon", "jsonl", tmp_path / "forced", contamination="ignore", allow_unapproved=True)
    assert forced["approval_override"] is True
    assert json.loads((tmp_path / "forced" / "export.json").read_text())["approval"]["override"] is True
    assert audit_snapshot(ws, "anon@1", AuditPolicy(), out_dir=tmp_path / "audit").passed
    approve(ws, "anon@1", by="steward")
    ok = ws.export("anon", "jsonl", tmp_path / "ok", contamination="ignore")
    assert ok["approval_override"] is False
    overrides = [e["details"]["approval_override"] for e in ws.lineage() if e["kind"] == "export"]
    assert overrides == [True, False]


def test_export_computes_no_clusters_and_says_how_it_split(many, tmp_path):
    many.create_snapshot("s", text="raw")
    with pytest.raises(CurateError, match="no dup_cluster column"):
        many.export("s", "jsonl", tmp_path / "asked", allow_raw=True, group_by="cluster")
    assert not (tmp_path / "asked").exists()
    res = many.export("s", "jsonl", tmp_path / "auto", allow_raw=True)
    assert res.group_by == "content" and "no dup_cluster" in res.note
    info = json.loads((tmp_path / "auto" / "export.json").read_text())
    assert info["group_by"] == "content" and info["note"] == res.note
    rows = [json.loads(line) for p in (tmp_path / "auto").glob("*.jsonl") for line in p.read_text().splitlines()]
    assert len(rows) == 400 and not any("dup_cluster" in r for r in rows)


def test_exact_copies_stay_on_one_side_without_clusters(ws, tmp_path):
    # 30 examples, each written 8 times (a re-sent ticket, a canary planted repeatedly): without dedup
    # signals the split unit is the exact content, so no example is in train and test at once.
    rows = [{"text": f"ticket {i}: card {i} blocked after travel to city {i * 7}"} for i in range(30)] * 8
    ws.ingest([write_jsonl(tmp_path / "copies.jsonl", rows)])
    ws.create_snapshot("c", text="raw")
    res = ws.export("c", "jsonl", tmp_path / "out", allow_raw=True)
    assert res.group_by == "content" and sum(res.counts.values()) == 240
    sides = {}
    for p in (tmp_path / "out").glob("*.jsonl"):
        for line in p.read_text().splitlines():
            sides.setdefault(json.loads(line)["text"], set()).add(p.stem)
    assert len(sides) == 30 and all(len(s) == 1 for s in sides.values())
    by_doc = ws.export("c", "jsonl", tmp_path / "by-doc", allow_raw=True, group_by="doc_id",
                       contamination="ignore")
    assert by_doc.group_by == "doc_id"


def test_export_result_is_typed_and_reads_like_the_old_dict(many, tmp_path):
    from curate.export import ExportResult

    many.create_snapshot("s", text="raw")
    res = many.export("s", "parquet", tmp_path / "p", allow_raw=True)
    assert isinstance(res, ExportResult)
    assert res["counts"] is res.counts and sum(res.counts.values()) == 400
    assert dict(res) == res.as_dict() and json.loads(json.dumps(res.as_dict()))["snapshot"] == "s@1"
    with pytest.raises(KeyError):
        res["nope"]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_exports_of_one_snapshot_are_byte_identical(many, tmp_path):
    many.create_snapshot("s", text="raw")
    for fmt in ("hf", "jsonl", "parquet"):
        for kw in ({}, {"with_signals": True}):
            trees = []
            for side in ("a", "b"):
                many.export("s", fmt, tmp_path / side, allow_raw=True, **kw)
                trees.append(_tree(tmp_path / side))
            a, b = trees
            assert sorted(a) == sorted(b) and len(a) >= 3, fmt
            for name in a:
                assert a[name] == b[name], (fmt, kw, name)
            for side in ("a", "b"):
                shutil.rmtree(tmp_path / side)



def test_export_folder_is_created_with_its_parents(tmp_path):
    """Issue 13's rule: a folder output (export, train, audit) is created with its parents, like mkdir -p;
    a file output needs its folder to exist (tests/test_filemode.py)."""
    from curate import Workspace

    ws = Workspace.init(tmp_path / "ws")
    try:
        src = tmp_path / "t.jsonl"
        src.write_text('{"text": "a note"}\n')
        ws.ingest([src])
        ws.create_snapshot("s", text="raw")
        ws.export("s", "jsonl", tmp_path / "exports" / "s", allow_raw=True, splits="train=1.0")
        assert (tmp_path / "exports" / "s" / "train.jsonl").exists()
    finally:
        ws.close()
