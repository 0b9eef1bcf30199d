"""Training on a tiny local model: QLoRA (4-bit NF4) and LoRA learn, adapters reload identically, resume works."""

from __future__ import annotations

import json

import pytest
import torch

from curate.errors import CurateError
from tests.train.sft_kit import fast_config, make_rows
from train.model import load_with_adapter
from train.trainer import dir_sha256, train_model

ROWS = make_rows(48)


def _logged_losses(out):
    return [e["loss"] for e in json.loads((out / "log.json").read_text()) if "loss" in e]


@pytest.fixture(scope="module")
def qlora_run(tiny_base, tmp_path_factory):
    out = tmp_path_factory.mktemp("qlora")
    res = train_model(tiny_base, ROWS[:40], ROWS[40:], out, fast_config("qlora", epochs=3), progress=False)
    return out, res


def test_qlora_trains_on_a_4bit_base_and_loss_decreases(qlora_run, tiny_base):
    out, res = qlora_run
    losses = _logged_losses(out)
    assert losses[-1] < losses[0] - 0.5, losses  # memorisable task: a clear drop, not noise
    m = res["metrics"]
    assert m["eval_loss"] is not None and m["eval_loss"] < losses[0]
    assert 0 < m["trainable_params"] < m["total_params"]
    assert (out / "adapter" / "adapter_config.json").exists() and (out / "loss.png").exists()
    assert res["artifact_sha256"] == dir_sha256(out / "adapter")
    report = json.loads((out / "data_report.json").read_text())
    assert report["train"]["examples"] == 40 and report["train"]["truncated"] == 0


def test_qlora_adapter_reloads_with_identical_outputs(qlora_run, tiny_base):
    import bitsandbytes as bnb

    out, _ = qlora_run
    cfg = fast_config("qlora")
    a = load_with_adapter(tiny_base, out / "adapter", "qlora", cfg, "cpu")
    b = load_with_adapter(tiny_base, out / "adapter", "qlora", cfg, "cpu")
    assert any(isinstance(mod, bnb.nn.Linear4bit) for mod in a.modules())  # really 4-bit, not silently fp32
    ids = torch.tensor([[1, 5, 9, 12, 40, 7]])
    with torch.no_grad():
        la, lb = a(input_ids=ids).logits, b(input_ids=ids).logits
        with a.disable_adapter():
            base = a(input_ids=ids).logits
    assert torch.equal(la, lb)
    assert not torch.allclose(la, base)  # the adapter changes the model


def test_plain_lora_learns_and_reloads_identically(tiny_base, tmp_path):
    res = train_model(tiny_base, ROWS[:40], None, tmp_path, fast_config("lora", epochs=6), progress=False)
    losses = _logged_losses(tmp_path)
    assert losses[-1] < losses[0] - 0.5, losses
    assert res["metrics"]["eval_loss"] is None  # no validation split given: no eval, no early stopping
    model = load_with_adapter(tiny_base, tmp_path / "adapter", "lora", fast_config("lora"), "cpu")
    again = load_with_adapter(tiny_base, tmp_path / "adapter", "lora", fast_config("lora"), "cpu")
    ids = torch.tensor([[1, 5, 9, 12]])
    g1 = model.generate(input_ids=ids, max_new_tokens=8, do_sample=False)
    g2 = again.generate(input_ids=ids, max_new_tokens=8, do_sample=False)
    assert torch.equal(g1, g2)


def test_packed_padding_free_training_learns(tiny_base, tmp_path):
    """Packing on TRL (best-fit-decreasing packs, padding-free batches with per-example position ids)."""
    cfg = fast_config("lora", epochs=6)
    cfg = cfg.model_copy(update={"data": cfg.data.model_copy(update={"packing": True})})
    res = train_model(tiny_base, ROWS[:40], ROWS[40:], tmp_path, cfg, progress=False)
    losses = _logged_losses(tmp_path)
    assert losses[-1] < losses[0] - 0.5, losses
    rep = res["data"]["train"]
    assert rep["examples"] == 40 and 0 < rep["packed_sequences"] < 40
    assert res["metrics"]["eval_loss"] is not None


def test_resume_from_checkpoint_continues_the_step_count(tiny_base, tmp_path):
    cfg = fast_config("lora", max_steps=4, eval_steps=2, logging_steps=1)
    first = train_model(tiny_base, ROWS[:40], ROWS[40:], tmp_path, cfg, progress=False)
    assert first["metrics"]["global_steps"] == 4
    more = fast_config("lora", max_steps=6, eval_steps=2, logging_steps=1)
    res = train_model(tiny_base, ROWS[:40], ROWS[40:], tmp_path, more, resume=True, progress=False)
    assert res["metrics"]["resumed_from"].endswith("checkpoint-4")
    assert res["metrics"]["global_steps"] == 6
    steps = [e["step"] for e in json.loads((tmp_path / "log.json").read_text()) if "loss" in e]
    assert steps[0] == 1 and steps[-1] == 6  # history carried over from the checkpoint, then continued


def test_resume_without_checkpoint_is_a_clear_error(tiny_base, tmp_path):
    with pytest.raises(CurateError, match="nothing to resume"):
        train_model(tiny_base, ROWS[:8], None, tmp_path, fast_config("lora"), resume=True, progress=False)


def test_no_usable_rows_is_a_clear_error(tiny_base, tmp_path):
    with pytest.raises(CurateError, match="no usable SFT examples"):
        train_model(tiny_base, [{"text": "no target"}], None, tmp_path, fast_config("lora"), progress=False)


def test_cuda_requested_without_gpu_is_a_clear_error(tiny_base, tmp_path):
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    cfg = fast_config("qlora").model_copy(update={"device": "cuda"})
    with pytest.raises(CurateError, match="no CUDA GPU"):
        train_model(tiny_base, ROWS[:8], None, tmp_path, cfg, progress=False)


def test_qlora_without_usable_bitsandbytes_is_a_clear_error(tiny_base, monkeypatch):
    import sys

    from train.model import load_base_model

    monkeypatch.setitem(sys.modules, "bitsandbytes", None)  # import now raises ImportError
    with pytest.raises(CurateError, match="bitsandbytes.*--mode lora|use --mode lora"):
        load_base_model(tiny_base, "qlora", fast_config("qlora"), "cpu")


def test_lora_targets_default_per_architecture_and_bad_targets_fail_clearly(tiny_base):
    from train.model import load_base_model, lora_targets, prepare_for_training

    cfg = fast_config("lora")
    model = load_base_model(tiny_base, "lora", cfg, "cpu")
    assert lora_targets(model, cfg) == ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    bad = cfg.model_copy(update={"lora": cfg.lora.model_copy(update={"target_modules": ["c_attn"]})})
    with pytest.raises(CurateError, match="target modules"):
        prepare_for_training(model, bad)


def test_qlora_keeps_embeddings_in_16bit_compute_dtype_and_norms_in_fp32(tiny_base):
    # The QLoRA reference (artidoro/qlora) casts lm_head/embed_tokens to bf16 and norms to fp32 after
    # k-bit preparation; peft alone would leave all three in fp32.
    from train.model import load_base_model, prepare_for_training

    cfg = fast_config("qlora")
    cfg = cfg.model_copy(update={"quant": cfg.quant.model_copy(update={"compute_dtype": "bf16"})})
    model = prepare_for_training(load_base_model(tiny_base, "qlora", cfg, "cpu"), cfg)
    assert model.get_input_embeddings().weight.dtype == torch.bfloat16
    assert model.get_output_embeddings().weight.dtype == torch.bfloat16
    norms = [p.dtype for n, p in model.named_parameters() if "norm" in n]
    assert norms and set(norms) == {torch.float32}


def test_qlora_with_fp32_compute_leaves_embeddings_in_fp32(tiny_base):
    from train.model import load_base_model, prepare_for_training

    cfg = fast_config("qlora")
    cfg = cfg.model_copy(update={"quant": cfg.quant.model_copy(update={"compute_dtype": "fp32"})})
    model = prepare_for_training(load_base_model(tiny_base, "qlora", cfg, "cpu"), cfg)
    assert model.get_input_embeddings().weight.dtype == torch.float32
