"""``curate eval RUN``: evaluate a recorded run on a held-out split, record it, apply gates.

By default the rows are the run's own exported split (``runs/NAME/data/test.parquet``),
i.e. exactly the documents held out from training.  ``snapshot=REF`` evaluates on another
snapshot instead (its export, with the run's split fractions, goes to
``runs/NAME/eval_data/REF``; ``split="all"`` takes every row).  Results go to the workspace
table ``evals`` and the lineage edge ``eval <- run``; failed gates raise ``PolicyError``
after the report is written and recorded, so a failing run still leaves its evidence
(``raise_on_gate=False`` returns instead; ``raise_failed_gates(report)`` raises later).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from curate.errors import CurateError, PolicyError
from curate.provenance import now

from eval.config import EvalConfig
from eval.canaries import load_canaries
from eval.evaluate import ModelPair, evaluate
from eval.extraction import evaluate_extraction, raw_documents, trained_content_hashes, workspace_hash_key
from eval.gates import check_gates, needs_privacy, parse_gate
from eval.report import write_report
from train.config import TrainConfig
from train.runs import get_run, read_split

EVALS_TABLE = "evals"
EVALS_SCHEMA = pa.schema([
    ("eval_id", pa.string()), ("run_id", pa.string()), ("snapshot_ref", pa.string()), ("split", pa.string()),
    ("n_items", pa.int64()), ("overall", pa.string()), ("per_language", pa.string()), ("forgetting", pa.string()),
    ("gates", pa.string()), ("passed", pa.bool_()), ("report_json", pa.string()), ("report_html", pa.string()),
    ("created_at", pa.timestamp("us")),
])


def check_split(run: dict, split: str, snapshot: str | None) -> None:
    """Refuse a split the evaluation cannot read, before anything is exported or loaded.

    Raises:
        CurateError: ``split`` is not one of the run's splits (nor ``all`` with a snapshot).
    """
    splits = list(run["config"]["data"]["splits"])
    if split in splits or (split == "all" and snapshot is not None):
        return
    hint = "; 'all' needs --snapshot" if split == "all" else ""
    raise CurateError(f"unknown split '{split}' for run '{run['run_id']}' (splits: {', '.join(splits)}"
                      + (", or all with --snapshot" if snapshot is not None else "") + f"){hint}")


def _rows_for(ws, run: dict, split: str, snapshot: str | None) -> tuple[pa.Table, str]:
    if snapshot is None:
        rows = read_split(Path(run["output_dir"]) / "data", split)
        if rows is None:
            raise CurateError(f"run '{run['run_id']}' has no '{split}' split (splits: "
                              f"{', '.join(run['config']['data']['splits'])})")
        return rows, run["snapshot_ref"]
    snap = ws.snapshot(snapshot)
    if split == "all":
        return snap.table(), snap.ref
    out = Path(run["output_dir"]) / "eval_data" / snap.ref.replace("@", "_v")
    ws.export(snap.ref, "parquet", out, splits=run["config"]["data"]["splits"], contamination="report",
              overwrite=True, with_signals=True)  # per-language metrics read the lang signal
    rows = read_split(out, split)
    if rows is None:
        raise CurateError(f"snapshot {snap.ref} has no '{split}' split")
    return rows, snap.ref


def eval_run(ws, run_id: str, split: str = "test", snapshot: str | None = None, reference: str | Path | None = None,
             gates: list[str] | tuple[str, ...] = (), output: str | Path | None = None,
             cfg: EvalConfig | None = None, progress=None, raise_on_gate: bool = True,
             canaries: str | Path | None = None) -> dict:
    """Evaluate run ``run_id``; with ``cfg.privacy`` also the extraction evaluation (``report["privacy"]``).

    ``canaries``: a canary file (``eval.canaries.save_canaries``) whose values were planted in the
    run's raw sources; implies the privacy evaluation.  The report, the ``evals`` row and the
    lineage edge ``eval <- run`` (with every gate's result) never hold raw values.
    """
    cfg = (cfg or EvalConfig()).model_copy(update={"split": split})
    if canaries is not None and cfg.privacy is None:
        from eval.config import PrivacyConfig

        cfg = cfg.model_copy(update={"privacy": PrivacyConfig()})
    for g in gates:  # refuse a typo (or a gate this evaluation cannot decide) before spending minutes on generation
        gate = parse_gate(g)
        if needs_privacy(gate) and cfg.privacy is None:
            raise CurateError(f"gate '{g}' needs the extraction evaluation: pass --privacy")
        if gate.kind == "canary_extraction" and canaries is None:
            raise CurateError(f"gate '{g}' needs planted canaries: pass --canaries FILE")
    run = get_run(ws, run_id)
    if run["status"] != "completed":
        raise CurateError(f"run '{run_id}' is {run['status']}; only completed runs can be evaluated")
    train_cfg = TrainConfig.model_validate(run["config"])
    check_split(run, split, snapshot)
    check_run_models(run, train_cfg)
    if output is not None:  # an unwritable report folder is found now, not after minutes of generation
        writable_folder(output, "report folder")
    rows, eval_ref = _rows_for(ws, run, split, snapshot)
    reference_text = None
    if reference is not None:
        p = Path(reference)
        if not p.is_file():
            raise CurateError(f"reference text {p} not found")
        reference_text = p.read_text(encoding="utf-8", errors="replace")
    canary_list = load_canaries(canaries) if canaries is not None else None
    raw_run = bool(run.get("pii_override")) or ws.snapshot(eval_ref).manifest.text_variant != "anonymized"
    if raw_run:  # side-by-side samples would copy raw text (PII) into the report
        cfg = cfg.model_copy(update={"samples_per_language": 0})
    from train.model import resolve_device

    pair = ModelPair(run["base_model"], run["adapter_path"], train_cfg, resolve_device(cfg.device))
    report = evaluate(run["base_model"], run["adapter_path"], rows, train_cfg, cfg, reference_text, progress,
                      pair=pair)
    if raw_run:
        report["notes"] = ["samples omitted: the evaluated rows are not anonymized"]
    if cfg.privacy is not None:
        report["privacy"] = privacy_report(ws, run, pair, cfg, canary_list, progress)
        report["warnings"] = report.get("warnings", []) + report["privacy"]["warnings"]
    report["run"] = {k: run[k] for k in ("run_id", "snapshot_ref", "base_model", "adapter_path", "adapter_sha256")}
    report["eval_snapshot"] = eval_ref
    report["gates"] = check_gates(list(gates), report, cfg.min_samples, cfg.small_sample)
    passed = all(g["passed"] for g in report["gates"])
    created = now()
    eval_id = f"{run_id}:{split}:{created.strftime('%Y%m%dT%H%M%S%f')}"
    out = Path(output) if output else Path(run["output_dir"]) / "eval" / (
        split if snapshot is None else f"{eval_ref.replace('@', '_v')}-{split}")
    paths = write_report(report, out)
    report["paths"] = paths
    ws.put_table(EVALS_TABLE, pa.Table.from_pylist([{
        "eval_id": eval_id, "run_id": run_id, "snapshot_ref": eval_ref, "split": split, "n_items": report["n_items"],
        "overall": json.dumps(report["metrics"]["overall"]),
        "per_language": json.dumps({k: v for k, v in report["metrics"].items() if k != "overall"}),
        "forgetting": json.dumps(report.get("forgetting")), "gates": json.dumps(report["gates"]), "passed": passed,
        "report_json": paths["json"], "report_html": paths["html"], "created_at": created,
    }], schema=EVALS_SCHEMA))
    ws.record_lineage("eval", eval_id, run_id, {
        "snapshot": eval_ref, "split": split, "passed": passed, "adapter_sha256": run.get("adapter_sha256"),
        "privacy": cfg.privacy is not None, "warnings": len(report.get("warnings", [])),
        "gates": [{k: g[k] for k in ("gate", "passed", "value", "n")} for g in report["gates"]]})
    if raise_on_gate:
        raise_failed_gates(report)
    return report


def writable_folder(path: str | Path, what: str) -> Path:
    """``path`` created (with its parents) if missing; raises CurateError in one line when it cannot be."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CurateError(f"cannot create the {what} {p}: {exc.strerror or exc.__class__.__name__}") from None
    if not p.is_dir():
        raise CurateError(f"the {what} {p} is a file")
    return p


def check_run_models(run: dict, train_cfg: TrainConfig) -> None:
    """Refuse, in one line, a run whose base model or adapter is no longer where the run recorded it."""
    from train.model import check_adapter, check_model_source

    try:
        check_model_source(run["base_model"])
    except CurateError as exc:
        raise CurateError(f"base model of run '{run['run_id']}': {exc}") from None
    check_adapter(run.get("adapter_path"), train_cfg.mode, run["run_id"])


def privacy_report(ws, run: dict, pair: ModelPair, cfg: EvalConfig, canaries=None, progress=None) -> dict:
    """The extraction evaluation of a run against the raw documents behind its snapshot."""
    from train.model import load_tokenizer

    rows, scope = raw_documents(ws, run, cfg.lang_column)
    tokenizer = load_tokenizer(run["adapter_path"])
    rep = evaluate_extraction(pair, tokenizer, rows, TrainConfig.model_validate(run["config"]), cfg.privacy,
                              workspace_hash_key(ws), canaries, trained_content_hashes(ws, run, rows), cfg.lang_column,
                              cfg.min_samples, progress)
    rep["scope"] = scope
    return rep


def gate_lineage(ws, run_id: str) -> list[dict]:
    """Every gate ever decided on a run's adapter, from the lineage (newest last)."""
    out = []
    for e in ws.lineage(run_id):
        if e["kind"] == "eval" and e["parent"] == run_id:
            for g in e["details"].get("gates", []):
                out.append({"eval_id": e["subject"], "adapter_sha256": e["details"].get("adapter_sha256"), **g})
    return out


def raise_failed_gates(report: dict) -> None:
    failed = [f"{g['gate']} (value {g['value']})" for g in report["gates"] if not g["passed"]]
    if failed:
        raise PolicyError(f"evaluation gate(s) failed: {'; '.join(failed)} — report: {report['paths']['html']}")
