"""The demo's steward audit passes ``max_residual_pii: 0`` with pseudonyms on, and fails when a leak is planted."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest
from stdnum import verhoeff
from stdnum.in_ import aadhaar

from curate.demo.run import POLICY, RECIPE

AADHAAR = "73364717641" + verhoeff.calc_check_digit("73364717641")
assert aadhaar.is_valid(AADHAAR)


def test_demo_recipe_keeps_pseudonyms_for_names():
    from curate.recipe import load_recipe

    recipe, _ = load_recipe(RECIPE)
    pii = next(s for s in recipe.stages if s.stage == "pii")
    assert "PERSON" not in json.dumps(pii.params)  # the default policy: names get pseudonyms


@pytest.mark.slow
def test_demo_audit_passes_with_pseudonyms_and_fails_on_a_planted_leak(tmp_path, monkeypatch):
    from curate.audit import audit_table
    from curate.audit.policy import load_policy
    from curate.demo.run import run_demo
    from curate.workspace import Workspace

    monkeypatch.setenv("CURATE_PII_KEY", "demo-test-key-0123456789")
    summary = run_demo(tmp_path / "demo", n=300, train=False, log=lambda s: None)
    assert summary["audit"]["passed"] is True, summary["audit"]
    # The SFT snapshot too: its rows are identified on input + output, not on the shared English instruction,
    # so the Tamil, Bengali, Marathi and Hindi pairs count for required_languages (issue 12 regression).
    assert summary["sft_audit"]["passed"] is True, summary["sft_audit"]
    assert summary["approvals"] == {summary["snapshot"]["ref"]: True, summary["sft_snapshot"]["ref"]: True}
    report = json.loads((tmp_path / "demo" / "reports" / "audit" / "report.json").read_text())
    pii = report["pii"]
    assert pii["residual"] == 0 and pii["anonymized_by_type"]["PERSON"] > 0
    assert pii["engine"]["skipped_inserted"] > 0 and pii["engine"]["complete"]

    ws = Workspace(tmp_path / "demo" / "workspace", read_only=True)
    try:
        table = ws.snapshot(summary["snapshot"]["ref"]).table()
    finally:
        ws.close()
    assert "<PERSON>" not in " ".join(t for t in table.column("text").to_pylist() if t)
    # Plant a leak the stage never saw: a raw Aadhaar in one row's text.
    texts = table.column("text").to_pylist()
    texts[0] = (texts[0] or "") + f" aadhaar {AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}"
    leaked = table.set_column(table.column_names.index("text"), "text", pa.array(texts, table.schema.field("text").type))
    res = audit_table(leaked, load_policy(POLICY))
    assert "max_residual_pii" in res.failed_gates and res.metrics["pii"]["engine"]["by_type"].get("IN_AADHAAR") == 1
