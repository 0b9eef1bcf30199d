"""A workspace with planted canaries, a raw and an anonymized snapshot, and one tiny model trained on each.

Full fine-tuning of the ~0.2M-parameter test model for many epochs memorises a canary seen
16 times; the anonymized snapshot (curate's real ``pii`` stage) holds placeholders instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from tests.train import sft_kit

_SHARED: dict = {}


def build(root: Path) -> dict:
    from curate import Workspace
    from eval.canaries import canary_records, make_canaries, save_canaries
    from train.runs import train_on_snapshot

    rows = sft_kit.make_rows(36)
    canaries = make_canaries(copies=[1, 16], seed=3)
    save_canaries(canaries, root / "canaries.json")
    every = rows + canary_records(canaries)
    src = root / "src.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in every), encoding="utf-8")
    ws = Workspace.init(root / "ws")
    # A fixed workspace key: exports assign splits from keyed ids (issue 19), so with a random key the records of a
    # canary would land in train or test by chance from one test session to the next.
    key = ws.secrets_dir / "pii.key"
    key.write_text("privacy-kit-fixed-key-0123456789abcdef\n")
    key.chmod(0o600)
    try:
        ws.ingest([src])
        ws.run_stage("pii", {"nlp": "none"})
        docs = ws.documents()
        meta = [json.loads(m) for m in docs.column("meta").to_pylist()]
        ws.write_signal("langid", pa.table({"doc_id": docs.column("doc_id"), "lang": [m["lang"] for m in meta]}))
        ws.create_snapshot("raw", text="raw", allow_raw=True)
        ws.create_snapshot("anon", text="anonymized")
        # The tokenizer is trained on the data *without* canaries, as a real base model's tokenizer never
        # saw them: a BPE trained on 16 copies of a canary learns it as a few tokens of its own.
        base = sft_kit.tiny_model(root, rows)
        # 80 epochs: at 20 the 0.2M model ranked every canary first (exposure log2(51)) but reproduced none
        # greedily in some sessions; the tests need a model that really memorised what it saw 16 times.
        cfg = sft_kit.fast_config("full", epochs=80, learning_rate=1e-2)
        cfg.data.splits = {"train": 0.9, "test": 0.1}
        for name in ("raw", "anon"):
            train_on_snapshot(ws, name, str(base), root / "runs" / name, cfg, allow_unapproved=True, progress=False)
    finally:
        ws.close()
    return {"root": root, "ws_path": root / "ws", "canaries": canaries, "canary_file": root / "canaries.json",
            "rows": every}


def shared(tmp_path_factory) -> dict:
    if "info" not in _SHARED:
        _SHARED["info"] = build(tmp_path_factory.mktemp("privacy"))
    return _SHARED["info"]
