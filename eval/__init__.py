"""Base versus adapter evaluation on held-out snapshot data, per language, with gates.

* workspace-free: ``eval.evaluate.evaluate(base_model, adapter_path, rows, train_cfg, EvalConfig())``,
  ``eval.metrics`` (exact match, token F1, ROUGE-L, chrF, JSON format adherence),
  ``eval.report.write_report``, ``eval.gates.check_gates``;
* workspace: ``eval.runner.eval_run(ws, run_id, split="test", reference=..., gates=[...])``
  (table ``evals``, lineage ``eval <- run``; failed gates raise PolicyError).
"""

from __future__ import annotations

_EXPORTS = {"EvalConfig": "eval.config", "evaluate": "eval.evaluate", "eval_run": "eval.runner",
            "check_gates": "eval.gates", "write_report": "eval.report"}


def __getattr__(name):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)


__all__ = list(_EXPORTS)
