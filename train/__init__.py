"""Thin QLoRA / LoRA / full fine-tuning on curated snapshots, with every run recorded as data.

Two layers:
* workspace-free: ``train.tiny.build_tiny_llama``, ``train.data.build_sft_examples``,
  ``train.model.load_base_model``, ``train.trainer.train_model``, ``train.merge.merge_adapter``;
* workspace: ``train.runs.train_on_snapshot(ws, "name@3", base_model, "runs/NAME")``,
  ``list_runs``, ``get_run``, ``merge_run`` (table ``runs``, lineage ``run <- snapshot@version``).

Imports are lazy so that ``import train`` (done by the CLI at start-up) stays cheap.
"""

from __future__ import annotations

_EXPORTS = {
    "TrainConfig": "train.config", "load_config": "train.config",
    "build_tiny_llama": "train.tiny", "build_sft_examples": "train.data", "train_model": "train.trainer",
    "merge_adapter": "train.merge", "train_on_snapshot": "train.runs", "list_runs": "train.runs",
    "get_run": "train.runs", "merge_run": "train.runs",
}


def __getattr__(name):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)


__all__ = list(_EXPORTS)
