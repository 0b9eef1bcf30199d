"""Run every audit metric over one table of snapshot rows (layer (a): no workspace involved)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import duckdb
import pyarrow as pa

from curate.audit.gates import evaluate_gates, failed
from curate.audit.lexicon import load_lexicons
from curate.audit.metrics.association import association
from curate.audit.metrics.composition import composition
from curate.audit.metrics.datacard import datacard
from curate.audit.metrics.fairness import fairness
from curate.audit.metrics.pii import pii_section
from curate.audit.metrics.representation import build_groups, representation
from curate.audit.metrics.toxicity import toxicity
from curate.audit.policy import AuditPolicy
from curate.errors import CurateError


@dataclass
class AuditResult:
    metrics: dict[str, Any]
    flagged: pa.Table = field(default_factory=lambda: pa.table({"doc_id": pa.array([], pa.string())}))

    @property
    def gates(self) -> list[dict[str, Any]]:
        return self.metrics["gates"]

    @property
    def failed_gates(self) -> list[str]:
        return failed(self.metrics["gates"])

    @property
    def passed(self) -> bool:
        return not self.failed_gates


def _prepare(con: duckdb.DuckDBPyConnection, table: pa.Table) -> set[str]:
    cols = set(table.column_names)
    for need in ("doc_id", "text"):
        if need not in cols:
            raise CurateError(f"cannot audit: the rows have no '{need}' column")
    con.register("audit_src", table)
    con.execute("CREATE OR REPLACE TEMP TABLE audit_docs AS SELECT * REPLACE (CAST(doc_id AS VARCHAR) AS doc_id, "
                "coalesce(CAST(text AS VARCHAR), '') AS text) FROM audit_src")
    con.unregister("audit_src")
    if "quality_flags" in cols:
        typ = table.schema.field("quality_flags").type
        if pa.types.is_list(typ) or pa.types.is_large_list(typ):
            src = "unnest(quality_flags)"
        else:  # JSON list as text, or comma-separated text
            src = ("unnest(CASE WHEN starts_with(trim(quality_flags), '[') THEN CAST(quality_flags AS JSON)::VARCHAR[] "
                   "ELSE string_split(quality_flags, ',') END)")
        con.execute(f"""CREATE OR REPLACE TEMP TABLE audit_quality_flags AS
            SELECT doc_id, trim(flag) AS flag FROM (SELECT doc_id, {src} AS flag FROM audit_docs WHERE quality_flags IS NOT NULL)
            WHERE flag IS NOT NULL AND trim(flag) <> ''""")
    return cols


def _filter_pii(pii: dict[str, Any], manifest: dict[str, Any] | None) -> dict[str, Any] | None:
    """The snapshot's filter is text a user wrote (``--where "text LIKE '%9845012345%'"``, ``meta->>'mobile' =
    '…'``) that the manifest, the report and, once approved, the curated zone carry: the independent detector
    reads it too; what it finds counts as residual PII (the gate fails) and the report shows the filter with
    typed placeholders (``<IN_PHONE>``), never the value."""
    where = (manifest or {}).get("where")
    if not where:
        return manifest
    from curate.audit import residual

    found = sorted((f for f in residual.detect(where) if not f.lookalike), key=lambda f: f.start)
    if not found:
        return manifest
    by_type: dict[str, int] = {}
    out, last = [], 0
    for f in found:  # overlapping findings (two detectors, one value) count once
        if f.start >= last:
            by_type[f.type] = by_type.get(f.type, 0) + 1
            out.append(where[last:f.start] + f"<{f.type}>")
            last = f.end
    n = sum(by_type.values())
    pii["snapshot_filter"] = {"residual": n, "by_type": by_type}
    pii["residual"] = pii.get("residual", 0) + n
    return {**manifest, "where": "".join(out) + where[last:]}


#: sections timed and reported by :func:`audit_table` (the unit of its progress callback)
AUDIT_STEPS = ("prepare", "composition", "pii", "representation", "association", "fairness", "toxicity")


def audit_table(table: pa.Table | duckdb.DuckDBPyRelation, policy: AuditPolicy | None = None, *,
                manifest: dict[str, Any] | None = None, lineage: list[dict[str, Any]] | None = None,
                removed: dict[str, int] | None = None, progress: Callable[[int], None] | None = None) -> AuditResult:
    """Audit snapshot rows (``doc_id``, ``text`` and any signal columns) against ``policy``.

    ``manifest``/``lineage`` feed the data card; ``removed`` (rows of the workspace left out of the snapshot,
    by reason) comes from the workspace layer (curate.audit.runs). ``progress(1)`` is called after each of the
    :data:`AUDIT_STEPS` sections (the PII residual scan is the long one).
    """
    policy = policy or AuditPolicy()
    if isinstance(table, duckdb.DuckDBPyRelation):
        table = table.fetch_arrow_table()
    timings: dict[str, float] = {}
    lex = load_lexicons()
    con = duckdb.connect()
    try:
        t0 = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal t0
            now = time.perf_counter()
            timings[name] = round(now - t0, 3)
            t0 = now
            if progress is not None:
                progress(1)

        cols = _prepare(con, table)
        from curate.audit.terms import build_hits_outside_inserted

        skipped = build_hits_outside_inserted(con, lex)
        lap("prepare")
        n = table.num_rows
        metrics: dict[str, Any] = {"policy": policy.model_dump(mode="json")}
        metrics["composition"] = composition(con, cols)
        if removed is not None:
            metrics["composition"]["removed"] = removed
        lap("composition")
        metrics["pii"] = pii_section(con, cols, policy.pii.engine_limit, policy.pii.engine_params)
        redacted = _filter_pii(metrics["pii"], manifest)
        if redacted is not manifest:  # the snapshot's lineage entry quotes the same filter
            raw = (manifest or {}).get("where")
            lineage = [{**e, "details": {**e["details"], "where": redacted["where"]}}
                       if isinstance(e.get("details"), dict) and e["details"].get("where") == raw else e
                       for e in lineage or []]
            manifest = redacted
        lap("pii")
        meta_found = build_groups(con, lex, cols, policy.meta_axes)
        metrics["representation"] = representation(con, n, lex, policy.reference)
        metrics["representation"]["meta_axes"] = meta_found
        metrics["representation"]["skipped_inserted"] = skipped
        lap("representation")
        a = policy.association
        metrics["association"] = association(con, n, a.min_count, a.top_k, a.examples)
        lap("association")
        f = policy.fairness
        metrics["fairness"] = fairness(con, cols, f.label_field, f.favorable_label, f.privileged, f.min_group_size, f.axes)
        lap("fairness")
        metrics["toxicity"], flagged = toxicity(con, n, cols, policy.examples)
        lap("toxicity")
        metrics["datacard"] = datacard(metrics, policy, manifest, lineage, cols)
        metrics["gates"] = evaluate_gates(metrics, policy)
        metrics["passed"] = not failed(metrics["gates"])
        metrics["timings_s"] = timings
        return AuditResult(metrics=metrics, flagged=flagged)
    finally:
        con.close()
