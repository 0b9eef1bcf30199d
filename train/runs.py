"""Training on a workspace snapshot, with each run recorded as data (table ``runs`` + lineage).

The work is split in three so the CLI need not hold the workspace's write lock for the
hours a real run takes: ``prepare_run`` (checks the PII policy, exports the snapshot's
deterministic splits into the run folder, records the run as ``running``), ``execute_run``
(no workspace), ``finish_run`` (records ``completed``/``failed``, metrics, adapter hash and
the lineage edge ``run <- snapshot@version``).  ``train_on_snapshot`` chains them.

The ``runs`` table is append-only: every state change is a new row and readers take the
latest row per run, so a killed run stays visible as ``running`` with its start time.
"""

from __future__ import annotations

import json
import traceback
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from curate.errors import CurateError, PolicyError

from train.config import TrainConfig
from curate.provenance import code_version, now
from train.provenance import library_versions

RUNS_TABLE = "runs"
RUNS_SCHEMA = pa.schema([
    ("run_id", pa.string()), ("status", pa.string()), ("snapshot_ref", pa.string()),
    ("snapshot_name", pa.string()), ("snapshot_version", pa.int32()), ("snapshot_content_hash", pa.string()),
    ("base_model", pa.string()), ("mode", pa.string()), ("config", pa.string()),
    ("library_versions", pa.string()), ("code_version", pa.string()), ("output_dir", pa.string()),
    ("started_at", pa.timestamp("us")), ("finished_at", pa.timestamp("us")), ("metrics", pa.string()),
    ("data_report", pa.string()), ("adapter_path", pa.string()), ("adapter_sha256", pa.string()),
    ("pii_override", pa.bool_()), ("error", pa.string()), ("recorded_at", pa.timestamp("us")),
])


@dataclass
class RunPlan:
    run_id: str
    output_dir: str
    data_dir: str
    snapshot_ref: str
    snapshot_name: str
    snapshot_version: int
    snapshot_content_hash: str
    base_model: str
    config: dict
    pii_override: bool
    started_at: datetime
    resume: bool = False

    @property
    def cfg(self) -> TrainConfig:
        return TrainConfig.model_validate(self.config)


def _row(plan: RunPlan, status: str, result: dict | None = None, error: str | None = None) -> pa.Table:
    result = result or {}
    row = {
        "run_id": plan.run_id, "status": status, "snapshot_ref": plan.snapshot_ref,
        "snapshot_name": plan.snapshot_name, "snapshot_version": plan.snapshot_version,
        "snapshot_content_hash": plan.snapshot_content_hash, "base_model": plan.base_model,
        "mode": plan.config.get("mode"), "config": json.dumps(plan.config, sort_keys=True),
        "library_versions": json.dumps(library_versions(), sort_keys=True), "code_version": code_version(),
        "output_dir": plan.output_dir, "started_at": plan.started_at,
        "finished_at": now() if status != "running" else None,
        "metrics": json.dumps(result.get("metrics"), default=str) if result else None,
        "data_report": json.dumps(result.get("data"), default=str) if result else None,
        "adapter_path": result.get("artifact_path"), "adapter_sha256": result.get("artifact_sha256"),
        "pii_override": plan.pii_override, "error": error, "recorded_at": now(),
    }
    return pa.Table.from_pylist([row], schema=RUNS_SCHEMA)


def _decode(row: dict) -> dict:
    for key in ("config", "library_versions", "metrics", "data_report"):
        if row.get(key):
            row[key] = json.loads(row[key])
    return row


def list_runs(ws) -> list[dict]:
    """The latest state of every run, newest first."""
    table = ws.get_table(RUNS_TABLE)
    if table is None:
        return []
    latest: dict[str, dict] = {}
    for row in sorted(table.to_pylist(), key=lambda r: r["recorded_at"]):
        latest[row["run_id"]] = row
    return [_decode(r) for r in sorted(latest.values(), key=lambda r: r["started_at"], reverse=True)]


def get_run(ws, run_id: str) -> dict:
    if "/" in run_id:  # the run's folder (runs/NAME) names the run too
        run_id = run_id_for(run_id)
    for run in list_runs(ws):
        if run["run_id"] == run_id:
            return run
    known = [r["run_id"] for r in list_runs(ws)]
    raise CurateError(f"no run '{run_id}'" + (f" (runs: {', '.join(known[:10])})" if known else
                                              " (no runs recorded in this workspace)"))


def run_id_for(output: str | Path) -> str:
    name = Path(output).name
    if not name or name in (".", ".."):
        raise CurateError(f"--output {output}: give a run folder such as runs/NAME")
    return name


def training_access(ws, ref: str, allow_unapproved: bool = False, action: str = "training"):
    """The manifest of snapshot ``ref`` if training may read it: it passed the PII policy and a steward approved
    it (an audit of this exact version passed, no later audit failed), or ``allow_unapproved`` (the override
    the caller records with :func:`record_overrides`).

    Returns ``(manifest, pii_override, approval)``.

    Raises:
        CurateError: no such snapshot. PolicyError: refused (exit 4), saying how to get it approved.
    """
    m = ws.snapshot(ref).manifest
    override = not m.pii_policy_passed
    if override and not allow_unapproved:
        raise PolicyError(f"snapshot {m.ref} has not passed the PII policy ('{m.text_variant}' text); {action} "
                          "refused (train on an anonymized snapshot, or pass --allow-pii-unapproved to override)")
    from curate.approvals import require_approved

    return m, override, require_approved(ws, m.ref, action, override=allow_unapproved)


def record_overrides(ws, subject: str, m, pii_override: bool, approval: dict, details: dict | None = None) -> None:
    """The lineage of an override (``pii_override``, ``approval_override``): ``subject`` read ``m`` anyway.

    ``m`` None: ``subject`` read every raw document (``pii_override`` with parent ``documents``)."""
    if m is None:
        ws.record_lineage("pii_override", subject, "documents", {"reason": "allow_unapproved", "text": "raw",
                                                                 **(details or {})})
        return
    if pii_override:  # the override itself is an auditable event, recorded before any training happens
        ws.record_lineage("pii_override", subject, m.ref, {"reason": "allow_unapproved", "text": m.text_variant,
                                                           **(details or {})})
    if approval["override"]:
        ws.record_lineage("approval_override", subject, m.ref, {"approval_state": approval["state"],
                                                                **(details or {})})


def preflight(base_model: str | Path, cfg: TrainConfig) -> str:
    """Everything about a run that can be checked without training, checked before it is recorded: the base
    model folder, the device, bitsandbytes for qlora, the report_to packages. Returns the device.

    Raises:
        CurateError: one line saying what is wrong.
    """
    from train.model import check_bitsandbytes, check_model_source, resolve_device
    from train.trainer import report_targets

    check_model_source(base_model)
    device = resolve_device(cfg.device)
    if cfg.mode == "qlora":
        check_bitsandbytes(device)
    report_targets(cfg)
    return device


def prepare_run(ws, ref: str, base_model: str, output: str | Path, cfg: TrainConfig,
                allow_unapproved: bool = False, resume: bool = False) -> RunPlan:
    """Checks (:func:`preflight`, :func:`training_access`, the run folder), split export into the run folder,
    ``running`` row in ``runs``. A refused run leaves nothing behind: no folder, no row."""
    preflight(base_model, cfg)
    m, override, approval = training_access(ws, ref, allow_unapproved)
    out = Path(output).resolve()
    run_id = run_id_for(out)
    existing = {r["run_id"]: r for r in list_runs(ws)}
    if run_id in existing and not resume:
        raise CurateError(f"run '{run_id}' already exists ({existing[run_id]['status']}); choose a new --output "
                          "or pass --resume")
    if resume:
        prev = existing.get(run_id)
        if prev and prev["snapshot_content_hash"] != m.content_hash:
            raise CurateError(f"cannot resume run '{run_id}': it was trained on {prev['snapshot_ref']} "
                              f"(content hash {prev['snapshot_content_hash'][:12]}), not {m.ref}")
        if prev is None:
            raise CurateError(f"cannot resume run '{run_id}': no such run (runs: "
                              f"{', '.join(list(existing)[:10]) or 'none'})")
        from train.trainer import find_last_checkpoint

        if find_last_checkpoint(out / "checkpoints") is None:
            raise CurateError(f"cannot resume run '{run_id}': nothing to resume, no checkpoint in "
                              f"{out / 'checkpoints'}")
    elif out.exists() and any(out.iterdir()):
        raise CurateError(f"{out} exists and is not empty; choose a new --output (or --resume a run)")
    created = [p for p in (out, *out.parents) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CurateError(f"cannot create the run folder {out}: {exc.strerror or exc.__class__.__name__}") from None
    data_dir = out / "data"
    try:
        ws.export(m.ref, "parquet", data_dir, splits=cfg.data.splits, allow_raw=allow_unapproved,
                  contamination=cfg.data.contamination, overwrite=True, allow_unapproved=True,  # decided above
                  with_signals=True)  # evaluation reads lang from the run's splits
    except BaseException:
        if not resume:  # a refused export (contamination, a bad split) leaves no half-made run folder behind
            import shutil

            shutil.rmtree(created[-1] if created else data_dir, ignore_errors=True)
        raise
    plan = RunPlan(run_id=run_id, output_dir=str(out), data_dir=str(data_dir), snapshot_ref=m.ref,
                   snapshot_name=m.name, snapshot_version=m.version, snapshot_content_hash=m.content_hash,
                   base_model=str(base_model), config=cfg.model_dump(mode="json"), pii_override=override,
                   started_at=now(), resume=resume)
    (out / "run.json").write_text(json.dumps(asdict(plan), indent=2, default=str))
    ws.put_table(RUNS_TABLE, _row(plan, "running"))
    record_overrides(ws, run_id, m, override, approval)
    return plan


def read_split(data_dir: str | Path, split: str) -> pa.Table | None:
    path = Path(data_dir) / f"{split}.parquet"
    return pq.read_table(path) if path.exists() else None


def execute_run(plan: RunPlan, progress: bool = True, notify=None) -> dict[str, Any]:
    """Train on the exported splits (no workspace access); ``notify``: as :func:`train.trainer.train_model`."""
    from train.trainer import train_model

    train = read_split(plan.data_dir, "train")
    val = read_split(plan.data_dir, "validation")
    if val is not None and val.num_rows == 0:
        val = None
    return train_model(plan.base_model, train, val, plan.output_dir, plan.cfg,
                       resume=True if plan.resume else None, progress=progress, notify=notify)


def finish_run(ws, plan: RunPlan, result: dict | None = None, error: str | None = None) -> dict:
    """Record the run's end. Waits up to an hour for a busy workspace: a trained adapter must not be lost from
    the record because another writer held the lock at that moment (``--resume`` also repairs it)."""
    ws.wait = max(ws.wait, 3600.0)
    status = "completed" if error is None else "failed"
    ws.put_table(RUNS_TABLE, _row(plan, status, result, error))
    if error is None:
        ws.record_lineage("run", plan.run_id, plan.snapshot_ref, {
            "content_hash": plan.snapshot_content_hash, "base_model": plan.base_model, "mode": plan.config["mode"],
            "adapter_path": result["artifact_path"], "adapter_sha256": result["artifact_sha256"],
            "pii_override": plan.pii_override, "code_version": code_version()})
    return get_run(ws, plan.run_id)


def train_on_snapshot(ws, ref: str, base_model: str, output: str | Path, cfg: TrainConfig | None = None,
                      allow_unapproved: bool = False, resume: bool = False, progress: bool = True) -> dict:
    """Train on snapshot ``ref`` and record the run; returns the recorded run (``get_run``)."""
    cfg = cfg or TrainConfig()
    plan = prepare_run(ws, ref, base_model, output, cfg, allow_unapproved=allow_unapproved, resume=resume)
    try:
        result = execute_run(plan, progress=progress)
    except BaseException as exc:
        msg = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        (Path(plan.output_dir) / "error.txt").write_text(traceback.format_exc())
        finish_run(ws, plan, error=f"{exc.__class__.__name__}: {msg}")
        raise
    return finish_run(ws, plan, result)


def merge_run(ws, run_id: str, output: str | Path | None = None, dtype: str = "auto", device: str = "cpu") -> dict:
    """Merge a run's LoRA adapter into a full-precision copy of its base, for serving."""
    from train.merge import merge_adapter

    run = get_run(ws, run_id)
    if run["status"] != "completed":
        raise CurateError(f"run '{run_id}' is {run['status']}; only completed runs can be merged")
    if run["mode"] == "full":
        raise CurateError(f"run '{run_id}' is a full fine-tune: its model/ folder is already a merged model")
    out = Path(output) if output else Path(run["output_dir"]) / "merged"
    info = merge_adapter(run["base_model"], run["adapter_path"], out, dtype=dtype, device=device)
    ws.record_lineage("merge", str(out.resolve()), run_id, info)
    return info

