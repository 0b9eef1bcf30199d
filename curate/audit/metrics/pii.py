"""PII: what the anonymizer removed (from ``pii_entities``) and what survived in the snapshot.

The residual check has three parts:

1. A cheap regex pre-scan (DuckDB, every row) finds anything that looks like an Indian identifier and
   orders the rows for the detectors (suspects first, then a deterministic sample, up to ``engine_limit``).
2. Two detectors read every field of those rows (text, SFT fields, each chat message, each metadata value):
   the PII stage's own engine (the registered ``pii`` stage) and an independent second opinion
   (:mod:`curate.audit.residual`: Presidio's stock recognizers + a python-stdnum/phonenumbers sweep over every
   digit run), so a blind spot of the stage is not inherited by its audit.
3. Findings are reconciled: what the stage itself *inserted* (placeholders, pseudonyms; ``pii_inserted`` spans,
   checked by digest) is skipped; values an annotator cleared as false alarms (``label_pii_cleared``) are
   skipped; the rest is residual PII, counted once per row, type and value. Regex suspects that no detector
   confirms are *reported* (``unconfirmed``), never silently dropped; the ``max_unconfirmed_pii`` gate can
   require them to be zero too.

Without the stage's engine the gate counts the independent detector's findings plus every regex match, so a
missing engine fails closed. Values are never copied into the report, only types, counts and doc ids.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from typing import Any

import duckdb
import pyarrow as pa

from curate.text.digits import non_ascii_digit_class

# RE2 patterns (DuckDB). Deliberately loose: they pick rows for the engine, they do not decide.
PATTERNS: dict[str, str] = {
    "EMAIL": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    "IN_PHONE": r"(?:\+91[\s-]?|\b0)?\b[6-9]\d{4}[\s-]?\d{5}\b",
    "IN_AADHAAR": r"\b[2-9]\d{3}[\s-]?\d{4}[\s-]?\d{4}\b",
    "IN_PAN": r"\b[A-Z]{5}[0-9]{4}[A-Z]\b",
    "IN_IFSC": r"\b[A-Z]{4}0[A-Z0-9]{6}\b",
    "UPI_ID": r"\b[A-Za-z0-9.\-_]{2,}@(?:ok[a-z]+|ybl|upi|paytm|apl|ibl|axl)\b",
    # Six or more non-ASCII decimal digits of any script (Devanagari … Arabic-Indic, Ol Chiki, full-width).
    "INDIC_DIGIT_NUMBER": non_ascii_digit_class() + "{6,}",
}


def _entity_type(e: Any) -> str | None:
    if isinstance(e, dict):
        for k in ("entity_type", "type", "label", "entity"):
            if e.get(k):
                return str(e[k])
    return None


def anonymized_by_type(values: list[Any]) -> dict[str, int]:
    """Count entity types in ``pii_entities`` values: JSON lists of entity dicts or {type: count} maps.

    Each entity counts once per document: an entity the PII stage marked ``repeat`` (the same type and value
    found again in the row, e.g. an SFT row's ``text`` that repeats its ``input``) is not counted again."""
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
            elif _entity_type(v) and not v.get("repeat"):
                counts[_entity_type(v)] += 1
        elif isinstance(v, list):
            counts.update(t for t in (_entity_type(e) for e in v if not (isinstance(e, dict) and e.get("repeat")))
                          if t)
    return dict(counts.most_common())


def pattern_scan(con: duckdb.DuckDBPyConnection, columns: set[str] | None = None) -> tuple[dict[str, int], list[str]]:
    """Regex pre-scan of every row and every text-bearing field: matches per pattern and the doc_ids of rows
    with any match."""
    present = [f for f in FIELDS if f in (columns or {"text"})]
    blob = "concat_ws(chr(10), " + ", ".join(f'CAST("{f}" AS VARCHAR)' for f in present) + ")"
    cols = ", ".join(f"len(regexp_extract_all({blob}, '{p}')) AS \"{name}\"" for name, p in PATTERNS.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE audit_pii_scan AS SELECT doc_id, {cols} FROM audit_docs")
    sums = ", ".join(f'sum("{n}")' for n in PATTERNS)
    totals = con.execute(f"SELECT {sums} FROM audit_pii_scan").fetchone()
    any_hit = " OR ".join(f'"{n}" > 0' for n in PATTERNS)
    ids = [r[0] for r in con.execute(f"SELECT doc_id FROM audit_pii_scan WHERE {any_hit} ORDER BY doc_id").fetchall()]
    return {n: int(t or 0) for n, t in zip(PATTERNS, totals)}, ids


FIELDS = ("text", "instruction", "input", "output", "messages", "meta")
JSON_FIELDS = ("messages", "meta")
_PY_PATTERNS = {name: re.compile(p) for name, p in PATTERNS.items()}


def _load_engine(params: dict[str, Any]):
    """The registered 'pii' stage, or the reason it cannot be used (not built yet, model missing …).

    The residual scan only detects: every operator is switched to a typed placeholder, so the scan needs no
    HMAC or encryption key and never writes one."""
    try:
        from curate.stage import get_stage

        stage = get_stage("pii")
        params = dict(params)
        if params.get("policy_file") or params.get("policy"):
            from curate.pii.policy import load_policy

            pol = load_policy(params.pop("policy_file", None), params.pop("policy", None))
            inline = pol.model_dump(mode="json", exclude={"operators", "default", "key_file"})
        else:
            inline = {}
        params["policy"] = {**inline, "default": {"operator": "placeholder"}, "operators": {}}
        return stage, stage.make_config(params), None
    except Exception as exc:  # any failure means 'no engine': the report says why and the gate fails closed
        return None, None, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".strip()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]


def _inserted_spans(value: Any, strings: dict[str, str]) -> dict[str, list[tuple[int, int]]]:
    """The stage's ``pii_inserted`` spans that still hold what the stage inserted (checked by digest).

    A span whose offsets moved (a label correction rewrote the field) is looked for by its digest among the
    windows of the same length; one that is gone is simply not skipped (fail closed)."""
    out: dict[str, list[tuple[int, int]]] = {}
    if not value:
        return out
    try:
        spans = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError:
        return out
    for sp in spans or []:
        try:
            field, a, b, h = sp["field"], int(sp["start"]), int(sp["end"]), sp.get("h")
        except (KeyError, TypeError, ValueError):
            continue
        text = strings.get(field)
        if text is None or b <= a:
            continue
        if h is None or (b <= len(text) and _digest(text[a:b]) == h):
            out.setdefault(field, []).append((a, b))
            continue
        width = b - a
        if len(text) <= 20000:
            for k in range(0, len(text) - width + 1):
                if _digest(text[k:k + width]) == h:
                    out.setdefault(field, []).append((k, k + width))
                    break
    return out


def _cleared(value: Any) -> set[str]:
    """Normalised values annotators removed from the predicted spans (false alarms), from ``label_pii_cleared``."""
    if not value:
        return set()
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError:
        return set()
    return {_norm(str(i.get("text", ""))) for i in items or [] if isinstance(i, dict) and i.get("text")}


def _norm(value: str) -> str:
    return " ".join(value.lower().split())


def _remainder(a: int, b: int, covered: list[tuple[int, int]], text: str) -> tuple[int, int] | None:
    """The part of [a, b) outside the covered spans, if a word of it is left ("Amit" inserted + " Khandelwal")."""
    pieces = [(a, b)]
    for c0, c1 in covered:
        nxt = []
        for p0, p1 in pieces:
            if c1 <= p0 or c0 >= p1:
                nxt.append((p0, p1))
                continue
            if p0 < c0:
                nxt.append((p0, c0))
            if c1 < p1:
                nxt.append((c1, p1))
        pieces = nxt
    pieces = [(p0, p1) for p0, p1 in pieces if sum(ch.isalnum() for ch in text[p0:p1]) >= 2]
    if not pieces:
        return None
    return min(p[0] for p in pieces), max(p[1] for p in pieces)


def _row_strings(row: dict[str, Any]) -> dict[str, str]:
    from curate.pii.fields import field_strings

    out: dict[str, str] = {}
    for f in FIELDS:
        if row.get(f) is not None:
            out.update(field_strings(f, row[f], as_json=f in JSON_FIELDS))
    return out


def engine_scan(con: duckdb.DuckDBPyConnection, suspects: list[str], limit: int | None,
                params: dict[str, Any], independent: bool = True) -> dict[str, Any]:
    """Residual PII in the suspects and a sample of the other rows, by both detectors (see the module doc).

    ``independent=False`` leaves the second opinion out (the stage's engine alone: the earlier audit, kept for
    the benchmark's baseline)."""
    from curate.audit import residual

    stage, cfg, why = _load_engine(params)
    available = {r[0] for r in con.execute("SELECT column_name FROM (DESCRIBE audit_docs)").fetchall()}
    fields = [f for f in FIELDS if f in available]
    extra = [c for c in ("pii_inserted", "label_pii_cleared", "lang", "script") if c in available]
    con.register("audit_pii_suspects", pa.table({"doc_id": pa.array(suspects, pa.string())}))
    lim = "" if limit is None else f"LIMIT {int(limit)}"
    cols = ", ".join(f'd."{c}"' for c in fields + extra)
    rows_t = con.execute(f"""
        SELECT d.doc_id, {cols} FROM audit_docs d LEFT JOIN audit_pii_suspects s USING (doc_id)
        ORDER BY (s.doc_id IS NULL), hash(d.doc_id), d.doc_id {lim}""").fetch_arrow_table()
    con.unregister("audit_pii_suspects")
    total = int(con.execute("SELECT count(*) FROM audit_docs").fetchone()[0])
    engine_found: list[list[dict]] = [[] for _ in range(rows_t.num_rows)]
    engine_error = None
    if stage is not None and rows_t.num_rows:
        from curate.filemode import apply_stage

        needed = [*stage.inputs(cfg), *(c for c in stage.optional_inputs if c in rows_t.column_names)]
        try:
            out = apply_stage(stage, rows_t.select(list(dict.fromkeys(needed))), cfg)
            engine_found = [json.loads(v or "[]") for v in out.column("pii_entities").to_pylist()]
        except Exception as exc:
            engine_error = f"PII engine failed: {type(exc).__name__}: {exc}"
    engine_ok = stage is not None and engine_error is None
    by_type: Counter[str] = Counter()
    by_detector: Counter[str] = Counter()
    unconfirmed: Counter[str] = Counter()
    stats = Counter()
    examples: list[dict[str, Any]] = []
    unconfirmed_rows: list[str] = []
    residual_rows = 0
    for i, row in enumerate(rows_t.to_pylist()):
        strings = _row_strings(row)
        inserted = _inserted_spans(row.get("pii_inserted"), strings)
        cleared = _cleared(row.get("label_pii_cleared"))
        findings: list[tuple[str, int, int, str, str, bool]] = []
        for e in engine_found[i]:
            findings.append((e.get("field", "text"), int(e["start"]), int(e["end"]), e["type"], "engine", False))
        for path, text in (strings.items() if independent else ()):
            for f in residual.detect(text):
                findings.append((path, f.start, f.end, f.type, f.source.split(":")[0], f.lookalike))
        seen: set[tuple[str, str]] = set()
        confirmed: dict[str, list[tuple[int, int]]] = {}
        counted: dict[str, list[tuple[int, int]]] = {}
        row_count = 0
        row_hits: list[tuple[str, str]] = []
        for path, a, b, typ, source, lookalike in findings:
            text = strings.get(path)
            if text is None or b > len(text):
                continue
            rest = _remainder(a, b, inserted.get(path, []), text)
            if rest is None:
                stats["skipped_inserted"] += 1
                confirmed.setdefault(path, []).append((a, b))
                continue
            a, b = rest
            value = text[a:b]
            if _norm(value) in cleared:
                stats["cleared_by_annotators"] += 1
                confirmed.setdefault(path, []).append((a, b))
                continue
            if lookalike:
                stats["lookalikes_kept"] += 1
                confirmed.setdefault(path, []).append((a, b))
                continue
            # One leak is counted once: overlapping findings (a card number that also passes Verhoeff) and the same
            # value in two fields (an SFT row's text repeats its output) are the same leak.
            overlaps = any(a < y and x < b for x, y in counted.get(path, []))
            confirmed.setdefault(path, []).append((a, b))
            key = (typ, _digest(_norm(re.sub(r"[\s\-.()]", "", value))))
            by_detector[source] += 1
            if key in seen or overlaps:
                continue
            counted.setdefault(path, []).append((a, b))
            row_hits.append((path, typ))
            seen.add(key)
            by_type[typ] += 1
            row_count += 1
        # Regex suspects no detector confirmed (nor explained as inserted, cleared or a look-alike).
        row_unconfirmed = 0
        for path, text in strings.items():
            for name, rx in _PY_PATTERNS.items():
                for m in rx.finditer(text):
                    if not any(m.start() < b and a < m.end() for a, b in confirmed.get(path, []) + inserted.get(path, [])):
                        unconfirmed[name] += 1
                        row_unconfirmed += 1
        if row_unconfirmed and len(unconfirmed_rows) < 10:
            unconfirmed_rows.append(row["doc_id"])
        if row_count:
            residual_rows += 1
            if len(examples) < 10:
                # where and what kind, never the value: a steward can find it from the doc_id and the field
                examples.append({"doc_id": row["doc_id"], "entities": row_count,
                                 "types": sorted({t for _p, t in row_hits}), "fields": sorted({p for p, _t in row_hits})})
    res = {"available": engine_ok, "scanned_rows": rows_t.num_rows, "total_rows": total,
           "complete": rows_t.num_rows == total, "suspects_scanned": min(len(suspects), rows_t.num_rows),
           "detectors": (["pii stage engine"] if engine_ok else []) +
                        (["presidio stock recognizers", "stdnum/phonenumbers digit sweep"] if independent else []),
           "residual_entities": int(sum(by_type.values())), "residual_rows": residual_rows,
           "by_type": dict(by_type.most_common()), "by_detector": dict(by_detector.most_common()),
           "skipped_inserted": stats["skipped_inserted"], "cleared_by_annotators": stats["cleared_by_annotators"],
           "lookalikes_kept": stats["lookalikes_kept"],
           "unconfirmed": {"count": int(sum(unconfirmed.values())), "by_pattern": dict(unconfirmed.most_common()),
                           "examples": unconfirmed_rows},
           "examples": examples}
    if not engine_ok:
        res["reason"] = why or engine_error
    return res


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
    pattern_totals, suspects = pattern_scan(con, columns)
    out["pattern_scan"] = {"matches": pattern_totals, "rows": len(suspects), "examples": suspects[:10]}
    out["engine"] = engine_scan(con, suspects, engine_limit, engine_params)
    out["unconfirmed"] = out["engine"]["unconfirmed"]["count"]
    if out["engine"].get("available"):
        out["residual"] = out["engine"]["residual_entities"]
        out["residual_basis"] = "pii stage engine + independent detector (Presidio stock recognizers, stdnum/phonenumbers)"
    else:
        # Fail closed: without the stage's engine every regex match counts, on top of the independent findings.
        out["residual"] = int(sum(pattern_totals.values())) + out["engine"]["residual_entities"]
        out["residual_basis"] = ("regex pre-scan + independent detector (PII engine unavailable: fails closed: "
                                 f"{out['engine'].get('reason')})")
    return out
