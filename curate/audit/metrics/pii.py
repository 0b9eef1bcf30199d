"""PII: what the anonymizer removed (from ``pii_entities``) and what survived in the snapshot text.

The residual check has two tiers. A cheap regex pre-scan (DuckDB, every row) finds anything that looks
like an Indian identifier; the PII engine (the registered ``pii`` stage, imported lazily) then checks the
pre-scan hits first and a deterministic sample of the rest, validating (checksums, context) what the regexes
only suspect. The gate counts the engine's findings; without an engine it counts the regex hits, so a missing
engine fails closed rather than passing silently. Values are never copied into the report, only types.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import duckdb
import pyarrow as pa

# RE2 patterns (DuckDB). Deliberately loose: they pick rows for the engine, they do not decide.
PATTERNS: dict[str, str] = {
    "EMAIL": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    "IN_PHONE": r"(?:\+91[\s-]?|\b0)?\b[6-9]\d{4}[\s-]?\d{5}\b",
    "IN_AADHAAR": r"\b[2-9]\d{3}[\s-]?\d{4}[\s-]?\d{4}\b",
    "IN_PAN": r"\b[A-Z]{5}[0-9]{4}[A-Z]\b",
    "IN_IFSC": r"\b[A-Z]{4}0[A-Z0-9]{6}\b",
    "UPI_ID": r"\b[A-Za-z0-9.\-_]{2,}@(?:ok[a-z]+|ybl|upi|paytm|apl|ibl|axl)\b",
    "INDIC_DIGIT_NUMBER": r"[०-९০-৯੦-੯૦-૯௦-௯౦-౯೦-೯൦-൯]{6,}",
}


def _entity_type(e: Any) -> str | None:
    if isinstance(e, dict):
        for k in ("entity_type", "type", "label", "entity"):
            if e.get(k):
                return str(e[k])
    return None


def anonymized_by_type(values: list[Any]) -> dict[str, int]:
    """Count entity types in ``pii_entities`` values: JSON lists of entity dicts or {type: count} maps."""
    counts: Counter[str] = Counter()
    for v in values:
        if v is None:
            continue
        if isinstance(v, str):
            try:
                v = json.loads(v)
            except json.JSONDecodeError:
                continue
        if isinstance(v, dict):
            if all(isinstance(x, (int, float)) for x in v.values()):
                counts.update({str(k): int(x) for k, x in v.items()})
            elif _entity_type(v):
                counts[_entity_type(v)] += 1
        elif isinstance(v, list):
            counts.update(t for t in (_entity_type(e) for e in v) if t)
    return dict(counts.most_common())


def pattern_scan(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, int], list[str]]:
    """Regex pre-scan of every row: matches per pattern and the doc_ids of rows with any match."""
    cols = ", ".join(f"len(regexp_extract_all(text, '{p}')) AS \"{name}\"" for name, p in PATTERNS.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE audit_pii_scan AS SELECT doc_id, {cols} FROM audit_docs")
    sums = ", ".join(f'sum("{n}")' for n in PATTERNS)
    totals = con.execute(f"SELECT {sums} FROM audit_pii_scan").fetchone()
    any_hit = " OR ".join(f'"{n}" > 0' for n in PATTERNS)
    ids = [r[0] for r in con.execute(f"SELECT doc_id FROM audit_pii_scan WHERE {any_hit} ORDER BY doc_id").fetchall()]
    return {n: int(t or 0) for n, t in zip(PATTERNS, totals)}, ids


def _load_engine(params: dict[str, Any]):
    """The registered 'pii' stage, or the reason it cannot be used (not built yet, model missing …)."""
    try:
        from curate.stage import get_stage

        stage = get_stage("pii")
        return stage, stage.make_config(params), None
    except Exception as exc:  # any failure means 'no engine': the report says why and the gate fails closed
        return None, None, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".strip()


def engine_scan(con: duckdb.DuckDBPyConnection, suspects: list[str], limit: int | None,
                params: dict[str, Any]) -> dict[str, Any]:
    stage, cfg, why = _load_engine(params)
    if stage is None:
        return {"available": False, "reason": why}
    from curate.filemode import apply_stage

    # Every field the stage reads (SFT fields, messages, meta, and lang/script, which keep the English
    # NLP model off Hinglish text) is scanned, not only the main text.
    available = {r[0] for r in con.execute("SELECT column_name FROM (DESCRIBE audit_docs)").fetchall()}
    needed = [*stage.inputs(cfg), *(c for c in stage.optional_inputs if c in available)]
    # Suspects first, then the rest in a stable pseudo-random order (hash of doc_id) up to the limit.
    con.register("audit_pii_suspects", pa.table({"doc_id": pa.array(suspects, pa.string())}))
    lim = "" if limit is None else f"LIMIT {int(limit)}"
    cols = ", ".join(f'd."{c}"' for c in needed)
    rows = con.execute(f"""
        SELECT d.doc_id, {cols} FROM audit_docs d LEFT JOIN audit_pii_suspects s USING (doc_id)
        ORDER BY (s.doc_id IS NULL), hash(d.doc_id), d.doc_id {lim}""").fetch_arrow_table()
    con.unregister("audit_pii_suspects")
    total = con.execute("SELECT count(*) FROM audit_docs").fetchone()[0]
    if rows.num_rows == 0:
        return {"available": True, "scanned_rows": 0, "total_rows": int(total), "residual_entities": 0,
                "residual_rows": 0, "by_type": {}, "examples": []}
    try:
        out = apply_stage(stage, rows.drop_columns(["doc_id"]), cfg)
    except Exception as exc:
        return {"available": False, "reason": f"PII engine failed: {type(exc).__name__}: {exc}"}
    by_type: Counter[str] = Counter()
    counts = [0] * rows.num_rows
    if "pii_entities" in out.column_names:
        for i, v in enumerate(out.column("pii_entities").to_pylist()):
            found = anonymized_by_type([v])
            by_type.update(found)
            counts[i] = sum(found.values())
    if "pii_count" in out.column_names:
        counts = [int(c or 0) for c in out.column("pii_count").to_pylist()]
    ids = rows.column("doc_id").to_pylist()
    examples = [{"doc_id": d, "entities": c} for d, c in zip(ids, counts) if c][:10]
    return {"available": True, "scanned_rows": rows.num_rows, "total_rows": int(total),
            "complete": rows.num_rows == total, "suspects_scanned": min(len(suspects), rows.num_rows),
            "residual_entities": int(sum(counts)), "residual_rows": int(sum(1 for c in counts if c)),
            "by_type": dict(by_type.most_common()), "examples": examples}


def pii_section(con: duckdb.DuckDBPyConnection, columns: set[str], engine_limit: int | None,
                engine_params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "pii_entities" in columns:
        vals = [r[0] for r in con.execute("SELECT pii_entities FROM audit_docs WHERE pii_entities IS NOT NULL").fetchall()]
        out["anonymized_by_type"] = anonymized_by_type(vals)
        out["anonymized_total"] = int(sum(out["anonymized_by_type"].values()))
    if "pii_count" in columns:
        out["rows_with_pii_before_anonymization"] = int(con.execute(
            "SELECT count(*) FROM audit_docs WHERE pii_count > 0").fetchone()[0])
    pattern_totals, suspects = pattern_scan(con)
    out["pattern_scan"] = {"matches": pattern_totals, "rows": len(suspects), "examples": suspects[:10]}
    out["engine"] = engine_scan(con, suspects, engine_limit, engine_params)
    if out["engine"].get("available"):
        out["residual"] = out["engine"]["residual_entities"]
        out["residual_basis"] = "pii engine"
    else:
        out["residual"] = int(sum(pattern_totals.values()))
        out["residual_basis"] = "regex pre-scan (PII engine unavailable: fails closed)"
    return out
