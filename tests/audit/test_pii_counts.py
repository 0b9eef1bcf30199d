"""The audit's count of anonymized PII takes each entity once per document, though an SFT row's ``text``
repeats its ``input`` (hand-written row: one name and one phone)."""

from __future__ import annotations

import pyarrow as pa

from curate.audit import audit_table


def test_sft_entities_are_counted_once_per_document(monkeypatch):
    from curate.filemode import apply_stage, stage_input
    from curate.stage import get_stage

    monkeypatch.setenv("CURATE_PII_KEY", "test-hmac-key-0123456789")
    rows = pa.table({"doc_id": ["d1"], "instruction": ["Verify the customer"],
                     "input": ["Customer Asha Verma, phone 9845012345"], "output": ["Done"]})
    stage = get_stage("pii")
    cfg = stage.make_config({"nlp": "none"})
    table = stage_input(rows, cfg)
    assert "9845012345" in table.column("text")[0].as_py()  # the derived text repeats the input
    out = apply_stage(stage, table, cfg)
    audited = table.append_column("pii_entities", out.column("pii_entities"))
    pii = audit_table(audited).metrics["pii"]
    assert pii["anonymized_by_type"] == {"IN_PHONE": 1, "PERSON": 1} and pii["anonymized_total"] == 2
