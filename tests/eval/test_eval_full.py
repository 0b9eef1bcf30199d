"""A full fine-tune (no adapter) is evaluated against its separately loaded base."""

from __future__ import annotations

from eval.config import EvalConfig
from eval.evaluate import evaluate
from tests.train.sft_kit import fast_config, make_rows
from train.trainer import train_model


def test_full_finetune_trains_and_evaluates(tiny_base, tmp_path):
    rows = make_rows(48)
    cfg = fast_config("full", epochs=4, learning_rate=3e-3)
    res = train_model(tiny_base, rows[:40], None, tmp_path, cfg, progress=False)
    assert res["artifact_path"].endswith("model") and res["metrics"]["trainable_params"] == res["metrics"]["total_params"]
    report = evaluate(tiny_base, res["artifact_path"], rows[40:], cfg, EvalConfig(max_new_tokens=8, device="cpu"))
    overall = report["metrics"]["overall"]
    assert overall["n"] == 8 and overall["adapter"]["loss"] < overall["base"]["loss"] - 0.3
    assert report["mode"] == "full" and "forgetting" not in report
