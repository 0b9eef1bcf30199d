"""Policy gates pass and fail on data with known properties."""

from __future__ import annotations

import pyarrow as pa

from curate.audit import AuditPolicy, audit_table


def _status(res):
    return {g["gate"]: g["status"] for g in res.gates}


def test_gates_fail_on_skew_and_disparity(skewed):
    policy = AuditPolicy(gates={"max_parity_difference": 0.2, "min_disparate_impact": 0.8,
                                "min_group_share": {"gender": 0.45}, "required_languages": ["en", "hi"],
                                "max_toxicity_rate": 0.0},
                         fairness={"favorable_label": "approve"})
    res = audit_table(skewed, policy)
    st = _status(res)
    assert st["max_parity_difference"] == "fail" and st["min_disparate_impact"] == "fail"
    assert st["min_group_share[gender]"] == "fail" and st["required_languages"] == "fail"
    assert st["max_toxicity_rate"] == "pass" and st["max_residual_pii"] == "pass"
    assert not res.passed and "max_parity_difference" in res.failed_gates


def test_gates_pass_on_balanced_clean_data(skewed):
    policy = AuditPolicy(gates={"max_parity_difference": 0.6, "min_disparate_impact": 0.3,
                                "min_group_share": {"gender": 0.35}, "required_languages": ["en"]},
                         fairness={"favorable_label": "approve"})
    res = audit_table(skewed, policy)
    assert res.passed, res.gates


def test_missing_signal_gates_are_skipped_not_passed(skewed):
    res = audit_table(skewed.drop_columns(["label_value"]),
                      AuditPolicy(gates={"max_duplicate_rate": 0.1, "max_parity_difference": 0.1}))
    st = _status(res)
    assert st["max_duplicate_rate"] == "skipped" and st["max_parity_difference"] == "skipped"
    assert res.passed


def test_reference_group_never_mentioned_fails_min_share():
    t = pa.table({"doc_id": ["1", "2"], "text": ["a hindu family", "hindu temple"]})
    res = audit_table(t, AuditPolicy(reference={"religion": {"hindu": 0.8, "muslim": 0.2}},
                                     gates={"min_group_share": {"religion": 0.1}, "max_reference_deviation": 0.1}))
    st = _status(res)
    assert st["min_group_share[religion]"] == "fail" and st["max_reference_deviation[religion]"] == "fail"
    detail = next(g for g in res.gates if g["gate"] == "min_group_share[religion]")["detail"]
    assert "muslim" in detail


def test_residual_pii_gate_fails_closed():
    t = pa.table({"doc_id": ["1"], "text": ["write to someone@example.com"]})
    res = audit_table(t)
    assert "max_residual_pii" in res.failed_gates
