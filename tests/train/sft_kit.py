"""Shared builders for the train/eval tests: a memorisable bilingual SFT task, a workspace
holding it as snapshots, a tiny local Llama, and one trained run reused across tests.

The task: classify a support ticket (English or Hindi, random filler words so that the
near-duplicate guard of the export does not lump rows together) into a JSON answer
``{"intent": ..., "lang": ...}``.  A random-init base produces noise; a LoRA adapter
learns the answer format in a few dozen steps, so "adapter beats base" is a real,
measurable effect and not a constant.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa

INTENTS = {
    "card_blocked": ("card blocked", "कार्ड ब्लॉक"),
    "refund": ("refund please", "रिफंड चाहिए"),
    "kyc": ("update kyc", "केवाईसी अपडेट"),
}
FILLER = {
    "en": "yesterday branch mobile account payment urgent today customer service money bank app error "
          "please help morning evening transfer wallet number email office".split(),
    "hi": "कल शाखा मोबाइल खाता भुगतान जरूरी आज ग्राहक सेवा पैसा बैंक ऐप गलती कृपया मदद सुबह शाम "
          "ट्रांसफर वॉलेट नंबर ईमेल दफ्तर".split(),
}


def make_rows(n: int = 60, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        intent = list(INTENTS)[i % 3]
        lang = ("en", "hi")[(i // 3) % 2]
        words = rng.sample(FILLER[lang], 6)
        words.insert(rng.randrange(len(words)), INTENTS[intent][lang == "hi"])
        rows.append({"instruction": "Classify the ticket.", "input": " ".join(words),
                     "output": json.dumps({"intent": intent, "lang": lang}, ensure_ascii=False), "lang": lang})
    return rows


def build_workspace(root: Path, rows: list[dict] | None = None):
    """Workspace with snapshot ``sft`` (anonymized: passes the PII policy) and ``sft_raw`` (raw: does not)."""
    from curate import Workspace

    rows = rows or make_rows()
    src = root / "sft.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    ws = Workspace.init(root / "ws")
    # A fixed workspace key: exports assign splits from keyed ids (issue 19); with a random key the split
    # sizes the tests count on would change from one session to the next.
    key = ws.secrets_dir / "pii.key"
    key.write_text("sft-kit-fixed-key-0123456789abcdef\n")
    key.chmod(0o600)
    ws.ingest([src])
    docs = ws.documents()
    meta = [json.loads(m) for m in docs.column("meta").to_pylist()]
    # Stand-ins for the langid and pii stages (tested in their own packages): the language is
    # known here, and the texts carry no PII, so the anonymized variant equals the original.
    ws.write_signal("langid", pa.table({"doc_id": docs.column("doc_id"), "lang": [m["lang"] for m in meta]}))
    pii = {"doc_id": docs.column("doc_id")}
    for f in ("text", "instruction", "input", "output", "messages", "meta"):
        pii[f"pii_{f}"] = docs.column(f)
    pii["pii_covered"] = pa.array([True] * docs.num_rows)
    ws.write_signal("pii", pa.table(pii))
    ws.create_snapshot("sft", text="anonymized")
    ws.create_snapshot("sft_raw", text="raw")
    # A steward's sign-off, as training requires: an audit of sft@1 that passed its policy, then the approval.
    from curate.approvals import approve
    from curate.audit.runs import audit_snapshot
    from curate.audit.policy import AuditPolicy

    policy = AuditPolicy.model_validate({"name": "train-tests", "gates": {"max_residual_pii": None}})
    assert audit_snapshot(ws, "sft@1", policy, out_dir=root / "audit-sft").passed
    approve(ws, "sft@1", by="steward")
    return ws


def tiny_model(root: Path, rows: list[dict] | None = None) -> Path:
    from train.tiny import build_tiny_llama

    rows = rows or make_rows()
    texts = [f"{r['instruction']}\n{r['input']}\n{r['output']}" for r in rows]
    return build_tiny_llama(root / "tiny", texts, vocab_size=400, hidden=64, layers=2)


def fast_config(mode: str = "lora", **training):
    """A config that memorises the task on CPU in seconds (high LR is fine for a 0.2M model)."""
    from train.config import load_config

    t = {"epochs": 10, "batch_size": 8, "grad_accum": 1, "learning_rate": 1e-2, "logging_steps": 2,
         "eval_steps": 10, "warmup_ratio": 0.0, "gradient_checkpointing": False}
    t.update(training)
    return load_config(None, {"mode": mode, "seed": 0,
                              "data": {"max_seq_len": 128, "splits": {"train": 0.7, "validation": 0.1, "test": 0.2}},
                              "lora": {"r": 16, "alpha": 32, "dropout": 0.0}, "training": t})


_SHARED: dict[str, object] = {}


def shared_trained_workspace(tmp_path_factory) -> dict:
    """One workspace + tiny model + completed LoRA run ``r1``, built once per test session."""
    if "info" not in _SHARED:
        from train.runs import train_on_snapshot

        root = tmp_path_factory.mktemp("shared_run")
        ws = build_workspace(root)
        try:
            base = tiny_model(root)
            run = train_on_snapshot(ws, "sft", str(base), root / "runs" / "r1", fast_config("lora", epochs=8),
                                    progress=False)
        finally:
            ws.close()
        _SHARED["info"] = {"root": root, "ws_path": root / "ws", "base": base, "run": run}
    return _SHARED["info"]
