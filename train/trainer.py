"""Fine-tune a base model on SFT rows with transformers' Trainer: the workspace-free core.

``train_model(base, train_rows, val_rows, out_dir, cfg)`` writes into ``out_dir``::

    adapter/        LoRA adapter + tokenizer (qlora/lora), or model/ for full fine-tuning
    checkpoints/    Trainer checkpoints (resume with resume=True or a checkpoint path)
    log.json        the Trainer's log history, rewritten at every log step (a live loss curve)
    loss.png        train/validation loss curve
    data_report.json what was done to the data (truncation, packing, skipped rows)
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import math
import os
import time
from pathlib import Path
from typing import Any, Callable, Iterable

import pyarrow as pa

from curate.errors import CurateError

from train.config import TrainConfig
from train.data import build_sft_examples, require_examples, sft_collator, skip_lines
from train.model import (check_model_source, load_base_model, load_tokenizer, prepare_for_training, resolve_device,
                         resolve_dtype)


def dir_sha256(path: str | Path) -> str:
    """One sha256 over every file under ``path`` (relative names + contents, sorted)."""
    root = Path(path)
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(root)).encode() + b"\0")
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


class _ListDataset:
    """A map-style dataset over a list of dicts (what Trainer needs, without a datasets round trip)."""

    def __init__(self, items: list[dict]):
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        return self.items[i]


def _json_log_callback(path: Path):
    from transformers import TrainerCallback

    class JsonLog(TrainerCallback):
        """Rewrites log.json atomically at each log event, so a crashed run still leaves its curve."""

        def on_log(self, args, state, control, logs=None, **kwargs):
            tmp = path.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(state.log_history, indent=1))
            tmp.replace(path)

    return JsonLog()


def plot_loss(log_history: list[dict], out: Path) -> Path | None:
    train = [(e["step"], e["loss"]) for e in log_history if "loss" in e and "step" in e]
    val = [(e["step"], e["eval_loss"]) for e in log_history if "eval_loss" in e and "step" in e]
    if not train and not val:
        return None
    from curate.plotting import new_figure

    fig, ax = new_figure((6, 3.5))
    if train:
        ax.plot(*zip(*train), label="train loss")
    if val:
        ax.plot(*zip(*val), marker="o", label="validation loss")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    return out


def _optim(cfg: TrainConfig, device: str) -> str:
    if cfg.training.optim != "auto":
        return cfg.training.optim
    # Paged 8-bit AdamW keeps optimizer state small and pages it to CPU RAM on memory spikes;
    # its kernels are CUDA-only, so the CPU path uses plain AdamW.
    return "paged_adamw_8bit" if device == "cuda" else "adamw_torch"


def report_targets(cfg: TrainConfig) -> list[str]:
    """transformers' ``report_to``; raises CurateError for a requested logger whose package is missing."""
    import importlib.util

    wanted = []
    for name in cfg.training.report_to:
        module = {"tensorboard": "tensorboard", "mlflow": "mlflow"}[name]
        if importlib.util.find_spec(module) is None:
            raise CurateError(f"report_to '{name}' requested but the {module} package is not installed")
        wanted.append(name)
    return wanted or ["none"]


def _is_oom(exc: BaseException) -> bool:
    import torch

    msg = str(exc).lower()
    # CUDA says "out of memory"; the CPU allocator says "can't allocate memory".
    return isinstance(exc, torch.cuda.OutOfMemoryError) or "out of memory" in msg or "can't allocate memory" in msg


def find_last_checkpoint(ckpt_dir: Path) -> str | None:
    if not ckpt_dir.exists():
        return None
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(str(ckpt_dir))


def train_model(base_model: str | Path, train_rows: pa.Table | Iterable[dict], val_rows: pa.Table | Iterable[dict] | None,
                out_dir: str | Path, cfg: TrainConfig, resume: bool | str | None = None,
                progress: bool = True, notify: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Train and save; returns metrics, the data report and the saved artifact's path and sha256.

    ``notify`` gets one line per reason rows were skipped (which rows, what was wrong), as soon as the data is
    built, before any training; default: a warning on the ``train`` logger. The lines are also in the data report.
    """
    import torch
    from transformers import EarlyStoppingCallback, Trainer, TrainingArguments, set_seed

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not progress:  # also silence the weight-loading/saving bars
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    set_seed(cfg.seed)
    check_model_source(base_model)
    device = resolve_device(cfg.device)
    tokenizer = load_tokenizer(base_model)
    d = cfg.data
    train_ex, train_rep = build_sft_examples(train_rows, tokenizer, d.max_seq_len, d.packing, d.system_prompt,
                                             d.max_examples)
    require_examples(train_ex, "train", train_rep)
    val_ex, val_rep = ([], None)
    if val_rows is not None:
        val_ex, val_rep = build_sft_examples(val_rows, tokenizer, d.max_seq_len, False, d.system_prompt)
    data_report = {"train": train_rep.to_dict(), "validation": val_rep.to_dict() if val_rep else None}
    (out / "data_report.json").write_text(json.dumps(data_report, indent=2))
    tell = notify or logging.getLogger("train").warning
    for line in skip_lines(train_rep, "train") + (skip_lines(val_rep, "validation") if val_rep else []):
        tell(line)

    resume_from: str | bool | None = None
    if resume:
        resume_from = str(resume) if isinstance(resume, (str, Path)) else find_last_checkpoint(out / "checkpoints")
        if resume_from is None:
            raise CurateError(f"nothing to resume: no checkpoint in {out / 'checkpoints'}")

    model = load_base_model(base_model, cfg.mode, cfg, device)
    model = prepare_for_training(model, cfg)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())

    t = cfg.training
    has_val = bool(val_ex)
    compute = resolve_dtype(cfg.quant.compute_dtype if cfg.mode == "qlora" else cfg.dtype, device)
    kwargs: dict[str, Any] = dict(
        output_dir=str(out / "checkpoints"),
        per_device_train_batch_size=t.batch_size, per_device_eval_batch_size=t.batch_size,
        gradient_accumulation_steps=t.grad_accum, num_train_epochs=t.epochs, max_steps=t.max_steps,
        learning_rate=cfg.learning_rate(), lr_scheduler_type=t.lr_scheduler,
        weight_decay=t.weight_decay, max_grad_norm=t.max_grad_norm, optim=_optim(cfg, device),
        logging_strategy="steps", logging_steps=t.logging_steps, logging_first_step=True,
        eval_strategy="steps" if has_val else "no", eval_steps=t.eval_steps,
        save_strategy="steps", save_steps=t.eval_steps, save_total_limit=t.save_total_limit,
        load_best_model_at_end=has_val, metric_for_best_model="eval_loss", greater_is_better=False,
        seed=cfg.seed, data_seed=cfg.seed, use_cpu=device == "cpu",
        bf16=device == "cuda" and compute == torch.bfloat16, fp16=device == "cuda" and compute == torch.float16,
        # gradient checkpointing is enabled (non-reentrant) in prepare_for_training, not here
        report_to=report_targets(cfg), disable_tqdm=not progress, remove_unused_columns=False,
        dataloader_num_workers=0,
    )
    params = inspect.signature(TrainingArguments.__init__).parameters
    if "warmup_ratio" in params:  # transformers 4.x
        kwargs["warmup_ratio"] = t.warmup_ratio
    else:  # transformers 5: a float below 1 is a ratio
        kwargs["warmup_steps"] = t.warmup_ratio
    if "logging_dir" in params:  # transformers 4.x
        kwargs["logging_dir"] = str(out / "tensorboard")
    else:  # transformers 5 reads the TensorBoard folder from the environment
        os.environ["TENSORBOARD_LOGGING_DIR"] = str(out / "tensorboard")
    args = TrainingArguments(**kwargs)
    callbacks = [_json_log_callback(out / "log.json")]
    if has_val and t.early_stopping_patience:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=t.early_stopping_patience,
                                               early_stopping_threshold=t.early_stopping_threshold))
    # Packed sequences go padding-free: position_ids restart at every example (no cross-example attention).
    trainer = Trainer(model=model, args=args, data_collator=sft_collator(tokenizer.pad_token_id, d.packing),
                      train_dataset=_ListDataset(train_ex), eval_dataset=_ListDataset(val_ex) if has_val else None,
                      processing_class=tokenizer, callbacks=callbacks)
    if not progress:  # without a progress bar Trainer prints every log dict; log.json has them
        from transformers.trainer_callback import PrinterCallback

        trainer.remove_callback(PrinterCallback)
    started = time.time()
    try:
        result = trainer.train(resume_from_checkpoint=resume_from)
    except (RuntimeError, torch.cuda.OutOfMemoryError) as exc:
        if _is_oom(exc):
            raise CurateError(f"out of memory on {device} while training ({cfg.mode}, batch {t.batch_size}, "
                              f"max_seq_len {d.max_seq_len}): lower training.batch_size (raise grad_accum), "
                              "lower data.max_seq_len, keep gradient_checkpointing on"
                              + ("" if cfg.mode == "qlora" else ", or use mode qlora")) from None
        raise
    runtime = time.time() - started

    final_eval = trainer.evaluate() if has_val else {}
    history = trainer.state.log_history
    (out / "log.json").write_text(json.dumps(history, indent=1))
    plot_loss(history, out / "loss.png")

    artifact = out / ("model" if cfg.mode == "full" else "adapter")
    trainer.model.save_pretrained(str(artifact))
    tokenizer.save_pretrained(str(artifact))
    losses = [e["loss"] for e in history if "loss" in e]
    metrics = {
        "train_loss": result.training_loss,
        "first_logged_loss": losses[0] if losses else None,
        "last_logged_loss": losses[-1] if losses else None,
        "eval_loss": final_eval.get("eval_loss"),
        "eval_perplexity": math.exp(final_eval["eval_loss"]) if final_eval.get("eval_loss") is not None else None,
        "best_eval_loss": trainer.state.best_metric,
        "best_checkpoint": trainer.state.best_model_checkpoint,
        "global_steps": trainer.state.global_step,
        "epochs": trainer.state.epoch,
        "runtime_s": round(runtime, 2),
        "trainable_params": trainable,
        "total_params": total,
        "device": device,
        "resumed_from": resume_from,
        "early_stopped": bool(t.max_steps <= 0 and trainer.state.epoch is not None
                              and trainer.state.epoch < t.epochs - 1e-6),
    }
    return {"metrics": metrics, "data": data_report, "artifact_path": str(artifact),
            "artifact_sha256": dir_sha256(artifact), "log_path": str(out / "log.json")}
