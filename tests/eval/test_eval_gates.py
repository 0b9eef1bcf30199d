"""Gates parse strictly and decide on the right side of the threshold."""

from __future__ import annotations

import pytest

from curate.errors import CurateError
from eval.gates import check_gates, parse_gate


def _report(base_f1, tuned_f1, base_loss=3.0, tuned_loss=2.0, forgetting=None):
    entry = {"n": 4, "base": {"token_f1": base_f1, "loss": base_loss}, "adapter": {"token_f1": tuned_f1,
                                                                                  "loss": tuned_loss}}
    rep = {"languages": ["en", "hi"], "metrics": {"overall": entry, "en": entry,
                                                  "hi": {**entry, "adapter": {"token_f1": base_f1, "loss": 9.0}}}}
    if forgetting is not None:
        rep["forgetting"] = {"perplexity_increase": forgetting}
    return rep


def test_parse_gate():
    assert parse_gate("adapter_beats_base:0.0").metric == "token_f1"
    g = parse_gate("adapter_beats_base.rouge_l:0.05")
    assert (g.kind, g.metric, g.threshold) == ("adapter_beats_base", "rouge_l", 0.05)
    assert parse_gate("min.format_adherence:0.9").kind == "min"
    for bad in ("adapter_beats_base", "adapter_beats_base:x", "nonsense:1"):
        with pytest.raises(CurateError):
            parse_gate(bad)


def test_gate_decisions():
    rep = _report(0.2, 0.5, forgetting=0.05)
    results = {r["gate"]: r["passed"] for r in check_gates(
        ["adapter_beats_base:0.25", "adapter_beats_base:0.3", "adapter_beats_base.loss:0.5",
         "min.token_f1:0.5", "max_forgetting:0.1", "max_forgetting:0.01",
         "every_language.adapter_beats_base:0.0"], rep)}
    assert results == {"adapter_beats_base:0.25": True, "adapter_beats_base:0.3": False,
                       "adapter_beats_base.loss:0.5": True,  # loss: lower is better (3.0 -> 2.0)
                       "min.token_f1:0.5": True, "max_forgetting:0.1": True, "max_forgetting:0.01": False,
                       "every_language.adapter_beats_base:0.0": False}  # hi did not improve


def test_gate_on_missing_metric_or_reference_is_an_error():
    with pytest.raises(CurateError, match="no metric"):
        check_gates(["min.bleu:0.1"], _report(0.1, 0.2))
    with pytest.raises(CurateError, match="--reference"):
        check_gates(["max_forgetting:0.1"], _report(0.1, 0.2))
