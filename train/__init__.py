"""Thin QLoRA / LoRA / full fine-tuning on curated snapshots, with every run recorded as data.

Two layers:
* workspace-free: ``train.tiny.build_tiny_llama``, ``train.data.build_sft_examples``,
  ``train.model.load_base_model``, ``train.trainer.train_model``, ``train.merge.merge_adapter``;
* workspace: ``train.runs.train_on_snapshot(ws, "name@3", base_model, "runs/NAME")``,
  ``list_runs``, ``get_run``, ``merge_run`` (table ``runs``, lineage ``run <- snapshot@version``);
  ``train.tokenizer_corpus.tokenizer_corpus`` (the texts a tokenizer may learn: what training may read).

Imports are lazy so that ``import train`` (done by the CLI at start-up) stays cheap.
"""

from __future__ import annotations

from curate._lazy import lazy_exports

_EXPORTS = {
    "TrainConfig": "config", "load_config": "config",
    "build_tiny_llama": "tiny", "build_sft_examples": "data", "train_model": "trainer",
    "merge_adapter": "merge", "train_on_snapshot": "runs", "list_runs": "runs",
    "get_run": "runs", "merge_run": "runs",
}
__getattr__ = lazy_exports(__name__, _EXPORTS)
__all__ = list(_EXPORTS)
