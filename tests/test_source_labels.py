"""A source file's name is PII when people name files after customers (``kyc_ravi_kumar_9845012345.jsonl``): it
never leaves the raw zone. Anonymized snapshots and every export format carry a keyed label instead, the same for
every row of one file; the raw zone keeps the name (provenance)."""

import phonenumbers

from tests.conftest import source_label, write_jsonl

PHONE = "9845012345"
assert phonenumbers.is_valid_number(phonenumbers.parse(PHONE, "IN"))
FILE = f"kyc_ravi_kumar_{PHONE}.jsonl"


def test_file_names_never_reach_snapshots_or_exports(ws, tmp_path):
    src = write_jsonl(tmp_path / FILE, [{"text": f"ticket {i} about a refund"} for i in range(6)])
    other = write_jsonl(tmp_path / "other.jsonl", [{"text": "another ticket about a card"}])
    ws.ingest([src, other])
    ws.run_stage("pii", {"nlp": "none"}, workers=1)
    rows = ws.snapshot(ws.create_snapshot("anon").ref).table().to_pylist()
    labels = {r["source"] for r in rows}
    assert labels == {source_label(ws, FILE), source_label(ws, "other.jsonl")}
    assert all(r["source_uri"] == r["source"] for r in rows)
    for fmt in ("jsonl", "parquet", "hf"):
        out = tmp_path / f"exp-{fmt}"
        ws.export("anon", fmt, out, contamination="ignore", allow_unapproved=True, with_signals=True)
        for f in (p for p in out.rglob("*") if p.is_file()):
            blob = f.read_bytes()
            assert b"ravi_kumar" not in blob and PHONE.encode() not in blob and b"kyc_" not in blob, f
    # the raw zone keeps the provenance
    raw = ws.snapshot(ws.create_snapshot("raw", text="raw").ref).table().to_pylist()
    assert {r["source"] for r in raw} == {FILE, "other.jsonl"}
