"""Anonymizing an anonymized record finds nothing new (the audit's residual scan relies on it)."""

import json

import pyarrow as pa

from curate.pii.stage import PiiConfig, pii_batch


def test_second_pass_over_anonymized_meta_finds_nothing():
    meta = json.dumps({"customer_name": "Rahul Sharma", "phone": "+91 98765 43210", "city": "Pune"})
    cfg = PiiConfig(nlp="none", policy={"operators": {"PERSON": {"operator": "placeholder"}}})
    first = pii_batch(pa.table({"text": ["call me"], "meta": [meta]}), cfg).to_pylist()[0]
    assert first["pii_count"] == 2 and "Rahul" not in first["pii_meta"]
    second = pii_batch(pa.table({"text": ["call me"], "meta": [first["pii_meta"]]}), cfg).to_pylist()[0]
    assert second["pii_count"] == 0 and second["pii_meta"] == first["pii_meta"]
