"""Base versus adapter on held-out rows: the workspace-free core of ``curate eval``.

Both variants run on one loaded model: the LoRA adapter is switched off with peft's
``disable_adapter()`` for the base numbers, so the base is quantised exactly as it was
during training (a QLoRA adapter is compared with the same 4-bit base it was trained on).
Full fine-tunes load the base and the tuned model separately.

Per item: response-only loss (same masking as training), a greedy generation and text
metrics against the reference; all aggregated per language (the snapshot's ``lang``
column, ``und`` when missing) and overall.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa
from pydantic import BaseModel

from eval.config import EvalConfig
from eval.metrics import perplexity, score, structured_keys
from eval.stats import small_sample_warning
from train.config import TrainConfig
from train.data import (IGNORE_INDEX, DataReport, Unusable, as_rows, ensure_chat_template, prompt_and_reference,
                        skip_lines, tokenize_example)


class Item(BaseModel):
    prompt: list[dict]
    reference: str
    lang: str


def build_items(rows: pa.Table | Iterable[dict], cfg: EvalConfig, system_prompt: str | None = None,
                report: DataReport | None = None) -> list[Item]:
    """The evaluable items of ``rows`` (at most ``cfg.max_samples``, in order), read as training reads them.

    Rows that give no item (no assistant turn, no target, messages that are not turns) are counted and listed
    in ``report`` (a :class:`train.data.DataReport`) with their reason.
    """
    items = []
    report = report if report is not None else DataReport()
    for i, row in enumerate(as_rows(rows)):
        report.rows += 1
        try:
            prompt, reference = prompt_and_reference(row, system_prompt)
        except Unusable as exc:
            report.skip(i, row, exc)
            continue
        items.append(Item(prompt=prompt, reference=reference, lang=row.get(cfg.lang_column) or "und"))
        if cfg.max_samples and len(items) >= cfg.max_samples:
            break
    report.examples = len(items)
    return items


class ModelPair:
    """The base and the tuned model behind one ``use(name)`` switch."""

    def __init__(self, base_model: str | Path, tuned_path: str | Path, train_cfg: TrainConfig, device: str):
        from train.model import load_base_model

        self.device = device
        if train_cfg.mode == "full":
            from transformers import AutoModelForCausalLM

            from train.model import resolve_dtype

            self.base = load_base_model(base_model, "full", train_cfg, device).eval()
            self.tuned = AutoModelForCausalLM.from_pretrained(
                str(tuned_path), dtype=resolve_dtype(train_cfg.dtype, device),
                device_map={"": 0 if device == "cuda" else "cpu"}).eval()
            self.peft = False
        else:
            from peft import PeftModel

            base = load_base_model(base_model, train_cfg.mode, train_cfg, device)
            self.tuned = PeftModel.from_pretrained(base, str(tuned_path)).eval()
            self.base = None
            self.peft = True

    @contextmanager
    def use(self, name: str) -> Iterator:
        if not self.peft:
            yield self.base if name == "base" else self.tuned
        elif name == "base":
            with self.tuned.disable_adapter():
                yield self.tuned
        else:
            yield self.tuned


def _model_device(model):
    return next(model.parameters()).device


def batch_nll(model, examples: list[dict], pad_id: int, batch_size: int) -> list[tuple[float, int]]:
    """(sum of NLL, token count) over label positions, per example."""
    import torch
    import torch.nn.functional as F

    from train.data import sft_collator

    out: list[tuple[float, int]] = []
    collate = sft_collator(pad_id)
    dev = _model_device(model)
    for i in range(0, len(examples), batch_size):
        batch = collate(examples[i:i + batch_size])
        with torch.no_grad():
            logits = model(input_ids=batch["input_ids"].to(dev), attention_mask=batch["attention_mask"].to(dev)).logits
        logits = logits[:, :-1].float()
        labels = batch["labels"][:, 1:].to(dev)
        nll = F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1), ignore_index=IGNORE_INDEX,
                              reduction="none").view(labels.shape)
        mask = labels != IGNORE_INDEX
        for row_nll, row_mask in zip(nll, mask):
            out.append((float(row_nll[row_mask].sum()), int(row_mask.sum())))
    return out


def generate(model, tokenizer, prompts: list[list[dict]], max_new_tokens: int, batch_size: int) -> list[str]:
    """Greedy completions (deterministic), left-padded batches."""
    import torch

    tokenizer.padding_side = "left"
    dev = _model_device(model)
    outs: list[str] = []
    for i in range(0, len(prompts), batch_size):
        texts = [tokenizer.apply_chat_template(p, tokenize=False, add_generation_prompt=True)
                 for p in prompts[i:i + batch_size]]
        enc = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(dev)
        with torch.no_grad():
            gen = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1,
                                 pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
        new = gen[:, enc["input_ids"].shape[1]:]
        outs.extend(t.strip() for t in tokenizer.batch_decode(new, skip_special_tokens=True))
    return outs


def reference_chunks(text: str, tokenizer, max_len: int, max_chunks: int) -> list[dict]:
    """A general-text file cut into token chunks, every token scored (for the forgetting check)."""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    chunks = []
    for i in range(0, len(ids), max_len):
        part = ids[i:i + max_len]
        if len(part) > 1:
            chunks.append({"input_ids": part, "labels": list(part)})
        if len(chunks) >= max_chunks:
            break
    return chunks


def _mean(vals: list[float]) -> float | None:
    return sum(vals) / len(vals) if vals else None


def _aggregate(items: list[Item], per_item: dict[str, list[dict]], nll: dict[str, list[tuple[float, int]]],
               langs: list[str], n_boot: int = 1000) -> dict:
    """Per language and overall: n, base and adapter metrics, their delta, and 95% bootstrap intervals
    (``ci95``: per variant and for the paired delta, the same items resampled for both)."""
    from eval.stats import paired_bootstrap

    out = {}
    for lang in langs:
        idx = [i for i, it in enumerate(items) if lang == "overall" or it.lang == lang]
        entry = {"n": len(idx)}
        for variant in ("base", "adapter"):
            s = sum(nll[variant][i][0] for i in idx)
            n = sum(nll[variant][i][1] for i in idx)
            loss = s / n if n else None
            m = {"loss": loss, "perplexity": perplexity(loss)}
            for key in per_item[variant][0] if per_item[variant] else []:
                m[key] = _mean([per_item[variant][i][key] for i in idx])
            entry[variant] = m
        entry["delta"] = {k: (entry["adapter"][k] - entry["base"][k])
                          for k in entry["adapter"] if entry["adapter"][k] is not None and entry["base"][k] is not None}
        ci: dict[str, dict] = {"base": {}, "adapter": {}, "delta": {}}
        metric_names = ["loss"] + [k for k in (per_item["adapter"][0] if per_item["adapter"] else {})]
        for k in metric_names:
            if k == "loss":
                b = paired_bootstrap([nll["adapter"][i][0] for i in idx], [nll["base"][i][0] for i in idx], n_boot,
                                     wa=[nll["adapter"][i][1] for i in idx], wb=[nll["base"][i][1] for i in idx])
            else:
                b = paired_bootstrap([per_item["adapter"][i][k] for i in idx], [per_item["base"][i][k] for i in idx],
                                     n_boot)
            ci["adapter"][k], ci["base"][k], ci["delta"][k] = b["a"], b["b"], b["diff"]
        entry["ci95"] = ci
        out[lang] = entry
    return out


def evaluate(base_model: str | Path, tuned_path: str | Path, rows: pa.Table | Iterable[dict], train_cfg: TrainConfig,
             cfg: EvalConfig | None = None, reference_text: str | None = None, progress=None,
             pair: "ModelPair | None" = None) -> dict:
    """Metrics for base and adapter, per language and overall, samples and the forgetting check.

    Every metric comes with a 95% bootstrap interval (``metrics[lang]["ci95"]``); fewer than
    ``cfg.min_samples`` items add a warning to ``report["warnings"]``.  ``pair``: an already
    loaded :class:`ModelPair` (the privacy evaluation shares it).
    """
    from train.model import load_tokenizer, resolve_device

    cfg = cfg or EvalConfig()
    device = resolve_device(cfg.device)
    tokenizer = load_tokenizer(tuned_path)
    ensure_chat_template(tokenizer)
    data = DataReport(max_seq_len=train_cfg.data.max_seq_len)
    items = build_items(rows, cfg, train_cfg.data.system_prompt, data)
    skipped = skip_lines(data, cfg.split)
    if not items:
        from curate.errors import CurateError

        raise CurateError(f"no evaluable rows in split '{cfg.split}' ({data.rows} rows"
                          + (f": {'; '.join(skip_lines(data, cfg.split, max_ids=3))})" if skipped else ")"))
    if cfg.structured == "no":
        keys = None
    else:
        keys = cfg.required_keys or structured_keys([it.reference for it in items])
        if keys is None and cfg.structured == "yes":
            keys = []
    examples = [tokenize_example(tokenizer, it.prompt + [{"role": "assistant", "content": it.reference}],
                                 train_cfg.data.max_seq_len)[0] for it in items]
    chunks = (reference_chunks(reference_text, tokenizer, train_cfg.data.max_seq_len, cfg.reference_max_chunks)
              if reference_text else [])
    pair = pair or ModelPair(base_model, tuned_path, train_cfg, device)
    preds: dict[str, list[str]] = {}
    nll: dict[str, list[tuple[float, int]]] = {}
    per_item: dict[str, list[dict]] = {}
    forgetting: dict[str, float | None] = {}
    tick = progress or (lambda n: None)
    for variant in ("base", "adapter"):
        with pair.use(variant) as model:
            nll[variant] = batch_nll(model, examples, tokenizer.pad_token_id, cfg.batch_size)
            preds[variant] = generate(model, tokenizer, [it.prompt for it in items], cfg.max_new_tokens,
                                      cfg.batch_size)
            if chunks:
                ref = batch_nll(model, chunks, tokenizer.pad_token_id, cfg.batch_size)
                tot = sum(n for _, n in ref)
                forgetting[variant] = sum(s for s, _ in ref) / tot if tot else None
        per_item[variant] = [score(p, it.reference, keys) for p, it in zip(preds[variant], items)]
        tick(1)
    langs = ["overall"] + sorted({it.lang for it in items})
    metrics = _aggregate(items, per_item, nll, langs, cfg.bootstrap)
    samples = []
    for lang in langs[1:]:
        for i in [i for i, it in enumerate(items) if it.lang == lang][:cfg.samples_per_language]:
            samples.append({"lang": lang, "prompt": items[i].prompt[-1]["content"] if items[i].prompt else "",
                            "reference": items[i].reference, "base": preds["base"][i],
                            "adapter": preds["adapter"][i]})
    report = {
        "split": cfg.split, "n_items": len(items), "languages": langs[1:], "structured_keys": keys,
        "metrics": metrics, "samples": samples, "device": device, "mode": train_cfg.mode,
        "warnings": skipped + [w for w in [small_sample_warning(len(items), f"held-out items in split '{cfg.split}'",
                                                                cfg.min_samples)] if w],
        "data_report": data.to_dict(),
    }
    if chunks:
        b, a = forgetting.get("base"), forgetting.get("adapter")
        report["forgetting"] = {
            "chunks": len(chunks), "tokens": sum(len(c["input_ids"]) - 1 for c in chunks),
            "base_loss": b, "adapter_loss": a, "base_perplexity": perplexity(b), "adapter_perplexity": perplexity(a),
            # > 0 means the adapter got worse at general text (forgot); 0.1 = 10% higher perplexity.
            "perplexity_increase": (math.exp(a - b) - 1) if a is not None and b is not None else None,
        }
    return report
