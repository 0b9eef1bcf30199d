"""Base versus adapter evaluation on held-out snapshot data, per language, with gates.

* workspace-free: ``eval.evaluate.evaluate(base_model, adapter_path, rows, train_cfg, EvalConfig())``,
  ``eval.metrics`` (exact match, token F1, ROUGE-L, chrF, JSON format adherence),
  ``eval.report.write_report``, ``eval.gates.check_gates``;
* workspace: ``eval.runs.eval_run(ws, run_id, split="test", reference=..., gates=[...])``
  (table ``evals``, lineage ``eval <- run``; failed gates raise PolicyError).
"""

from __future__ import annotations

from curate._lazy import lazy_exports

# Resolved on first use so that ``import eval`` stays cheap (see curate/_lazy.py).
_EXPORTS = {"EvalConfig": "config", "evaluate": "evaluate", "eval_run": "runner", "check_gates": "gates",
            "write_report": "report"}
__getattr__ = lazy_exports(__name__, _EXPORTS)
__all__ = list(_EXPORTS)
