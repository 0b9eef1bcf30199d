"""Layer (b), like train/runs.py and eval/runs.py: audit snapshots of a workspace through the public
``curate.Workspace`` API and record each audit run."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from curate.audit.audit import AuditResult, audit_table
from curate.audit.compare import compare_metrics, render_compare_html, render_compare_markdown
from curate.audit.gates import evaluate_gates, failed
from curate.audit.output import write_report
from curate.audit.policy import AuditPolicy
from curate.audit.render import render_html, render_markdown
from curate.usersql import select_keys
from curate.provenance import now


def _manifest_dict(snap: Any) -> dict[str, Any]:
    m = snap.manifest
    d = m.model_dump(mode="json") if hasattr(m, "model_dump") else dict(m)
    d["ref"] = getattr(snap, "ref", None) or f"{d.get('name')}@{d.get('version')}"
    return d


def _view_at(ws: Any, lake_snapshot_id: int | None):
    """The workspace view as it was when the snapshot was made (DuckLake time travel), so each row's reason is
    the one that applied then (a signal rerun since may have changed it); the current view when that version
    cannot be read (a signal table created later, an older workspace)."""
    if lake_snapshot_id is not None:
        try:
            rel = ws.con.sql(f"SELECT * FROM ({ws.view_sql(at_version=int(lake_snapshot_id))})")
            rel.limit(0).fetchall()
            return rel
        except duckdb.Error:
            pass
    return ws.view()


def removed_rows(ws: Any, snapshot_ids: pa.Array, manifest: dict[str, Any] | None = None) -> dict[str, int]:
    """Workspace documents left out of the snapshot, by the reason that actually excluded them.

    In the order the snapshot applies them: ``added after the snapshot`` (ingested later), ``stage error
    (<stage>)`` (a stage raised on the row), held back by the PII stage (anonymized variant; reported with the
    stage's ``pii_reason``, e.g. ``pii_not_covered (script:Cyrl)``), rejected by annotators, then the selection
    (``where``): ``duplicate``/``quality`` only when the selection names ``dup_keep``/``quality_ok`` and the row
    fails it, else ``selection (where)``; anything else ``other (selection)``.
    """
    m = manifest or {}
    rel = _view_at(ws, m.get("lake_snapshot_id"))
    cols = set(rel.columns)
    errors = sorted(c for c in cols if c.endswith("_error"))  # a stage raised on the row: snapshots hold it back
    want = [c for c in ("ingested_at", "pii_covered", "pii_reason", "label_status", "dup_keep", "quality_ok")
            if c in cols] + errors
    view = rel.project(", ".join('"' + c + '"' for c in ["doc_id"] + want)).fetch_arrow_table()
    where = m.get("where")
    selected = None
    if where:
        try:
            selected = select_keys(rel, where).column("doc_id")  # user SQL: evaluated confined
        except Exception:  # a selection that no longer parses (columns dropped since): reasons stay generic
            selected = None
    con = duckdb.connect()
    try:
        con.register("v", view)
        con.register("s", pa.table({"doc_id": snapshot_ids}))
        con.register("w", pa.table({"doc_id": selected if selected is not None else pa.array([], pa.string())}))
        cases = []
        created = m.get("created_at")
        if created and "ingested_at" in cols:  # not there when the snapshot was made: no reason applied to it
            at = datetime.fromisoformat(str(created)).replace(tzinfo=None).isoformat(sep=" ")
            cases.append(f"WHEN ingested_at > TIMESTAMP '{at}' THEN 'added after the snapshot'")
        cases += [f"WHEN \"{c}\" IS NOT NULL THEN 'stage error ({c[:-len('_error')]})'" for c in errors]
        if m.get("text_variant") == "anonymized" and "pii_covered" in cols:
            why = "coalesce(pii_reason, 'no PII result')" if "pii_reason" in cols else "'no PII result'"
            cases.append(f"WHEN NOT coalesce(pii_covered, FALSE) THEN 'pii_not_covered (' || {why} || ')'")
        if "label_status" in cols:
            cases.append("WHEN label_status = 'rejected' THEN 'label_rejected'")
        if where:
            out_of_where = "doc_id NOT IN (SELECT doc_id FROM w)" if selected is not None else "TRUE"
            low = where.lower()
            if "dup_keep" in cols and "dup_keep" in low:
                cases.append(f"WHEN {out_of_where} AND dup_keep = FALSE THEN 'duplicate'")
            if "quality_ok" in cols and "quality_ok" in low:
                cases.append(f"WHEN {out_of_where} AND quality_ok = FALSE THEN 'quality'")
            cases.append(f"WHEN {out_of_where} THEN 'selection (where)'")
        expr = f"CASE {' '.join(cases)} ELSE 'other (selection)' END" if cases else \
            "'other (selection)'"
        rows = con.execute(f"SELECT {expr} AS r, count(*) FROM v ANTI JOIN s USING (doc_id) GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    finally:
        con.close()
    return {r: int(n) for r, n in rows}


def audit_steps() -> int:
    """Progress steps of one :func:`audit_snapshot` (a compare runs two)."""
    from curate.audit.audit import AUDIT_STEPS

    return 1 + len(AUDIT_STEPS)


def _audit_one(ws: Any, ref: str, policy: AuditPolicy, progress=None) -> tuple[AuditResult, dict[str, Any]]:
    snap = ws.snapshot(ref)
    manifest = _manifest_dict(snap)
    table = snap.table()
    try:
        lineage = ws.lineage(manifest["ref"])
    except Exception:  # lineage is descriptive only; an older workspace without it still gets an audit
        lineage = []
    # a curated-zone (team) workspace cannot see the documents a snapshot left out: that part needs a steward
    removed = None if getattr(ws, "zone", None) == "curated" else \
        removed_rows(ws, table.column("doc_id").cast(pa.string()), manifest)
    if progress is not None:
        progress(1)  # the snapshot read and the left-out rows: one step before the audit's own sections
    result = audit_table(table, policy, manifest=manifest, lineage=lineage, removed=removed, progress=progress)
    if result.metrics["pii"].get("snapshot_filter"):  # the filter held PII: the report carries it redacted
        manifest = {**manifest, "where": result.metrics["datacard"]["selection"]}
    return result, manifest


def default_output(ref: str, cwd: Path | None = None) -> Path:
    return (cwd or Path.cwd()) / f"audit-{ref.replace('@', '-v')}"


def _record(ws: Any, subject: str, parent: str, passed: bool, failed_gates: list[str], policy: AuditPolicy,
            paths: dict[str, str]) -> bool:
    """Keep the audit as a compliance record in the workspace (table 'audits' + lineage)."""
    if getattr(ws, "read_only", False):
        return False
    row = pa.table({"subject": [subject], "snapshot": [parent], "passed": [passed], "failed_gates": [json.dumps(failed_gates)],
                    "policy": [policy.name], "report": [paths.get("html")],
                    "created_at": [now().replace(tzinfo=timezone.utc).isoformat()]})
    ws.put_table("audits", row, mode="append")
    ws.record_lineage("audit", subject, parent, {"passed": passed, "failed_gates": failed_gates,
                                                 "policy": policy.name, "report": paths.get("html")})
    if hasattr(ws, "sync_curated"):  # zoned team mode: a published snapshot's new audit reaches the readers
        ws.sync_curated(parent)
    return True


def audit_snapshot(ws: Any, ref: str, policy: AuditPolicy | None = None, out_dir: str | Path | None = None,
                   record: bool = True, progress=None) -> AuditResult:
    """Audit snapshot ``ref`` ("name" or "name@3"), write report.html/json + summary.md into ``out_dir``.

    ``progress(n)``, when given, advances by :func:`audit_steps` in all (for a progress bar).
    Returns the result (``.passed``, ``.failed_gates``, ``.metrics``, ``.paths``); it does not raise on failed
    gates — the CLI turns those into a :class:`curate.errors.PolicyError`.
    """
    policy = policy or AuditPolicy()
    result, manifest = _audit_one(ws, ref, policy, progress)
    out = Path(out_dir) if out_dir else default_output(manifest["ref"])
    paths = write_report(out, result.metrics, render_html(result.metrics), render_markdown(result.metrics), result.flagged)
    result.metrics["outputs"] = paths
    if record:
        result.metrics["recorded"] = _record(ws, f"audit:{manifest['ref']}", manifest["ref"], result.passed,
                                             result.failed_gates, policy, paths)
    return result


def compare_snapshots(ws: Any, a: str, b: str, policy: AuditPolicy | None = None,
                      out_dir: str | Path | None = None, progress=None) -> dict[str, Any]:
    """Audit both snapshots and write the drift report; gates (incl. ``max_language_drift``) apply to B."""
    policy = policy or AuditPolicy()
    ra, ma = _audit_one(ws, a, policy, progress)
    rb, mb = _audit_one(ws, b, policy, progress)
    drift = compare_metrics(ra.metrics, rb.metrics)
    gates = evaluate_gates({**rb.metrics, "drift": drift}, policy)
    drift["gates_b"] = gates
    drift["failed_gates"] = failed(gates)
    drift["passed"] = not drift["failed_gates"]
    drift["audits"] = {"a": ra.metrics, "b": rb.metrics}
    out = Path(out_dir) if out_dir else (Path.cwd() / f"drift-{ma['ref'].replace('@', '-v')}-to-{mb['ref'].replace('@', '-v')}")
    drift["outputs"] = write_report(out, drift, render_compare_html(drift, gates), render_compare_markdown(drift, gates))
    return drift
