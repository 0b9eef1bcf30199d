"""Label fairness across identity groups, with the definitions of Fairlearn and AIF360.

For a label value y taken as the favourable outcome, the selection rate of group g is
P(label = y | g). Then
  * demographic-parity difference (Fairlearn ``demographic_parity_difference``) = max_g rate − min_g rate;
  * disparate-impact ratio: with a privileged group p named in the policy, AIF360's
    P(y | unprivileged) / P(y | privileged), taking the worst unprivileged group; otherwise Fairlearn's
    ``demographic_parity_ratio`` = min_g rate / max_g rate.
Without a favourable label every label value is tried and the worst is reported (binary labels give the same
difference either way; the ratio is not symmetric, so name the favourable label in the policy when you can).
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

LABEL_CANDIDATES = ("label_value", "label")


def pick_label_field(columns: set[str], configured: str | None) -> str | None:
    if configured:
        return configured if configured in columns else None
    return next((c for c in LABEL_CANDIDATES if c in columns), None)


def parity(rates: dict[str, float], privileged: str | None) -> tuple[float, float | None]:
    """(demographic-parity difference, disparate-impact ratio) of per-group selection rates."""
    vals = list(rates.values())
    dpd = max(vals) - min(vals)
    if privileged and privileged in rates:
        base = rates[privileged]
        others = [r for g, r in rates.items() if g != privileged]
        dir_ = (min(others) / base) if base > 0 and others else None
    else:
        dir_ = (min(vals) / max(vals)) if max(vals) > 0 else None
    return dpd, dir_


def _meta_label(con: duckdb.DuckDBPyConnection, columns: set[str], configured: str | None) -> tuple[str, str] | None:
    """``(shown name, SQL)`` of a label kept as a field of ``meta`` (ingest puts every field that is not a text
    field there, so a ``label`` column of the source arrives as ``meta.label``); None when no row has one."""
    if "meta" not in columns:
        return None
    for name in ([configured] if configured else list(LABEL_CANDIDATES)):
        path = "$." + json.dumps(name)  # a quoted JSON path key: any field name, no SQL built from it
        expr = f"CASE WHEN json_valid(meta) THEN json_extract_string(meta, {_sql_str(path)}) END"
        if con.execute(f"SELECT count(*) FROM audit_docs WHERE {expr} IS NOT NULL").fetchone()[0]:
            return f"meta.{name}", expr
    return None


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def fairness(con: duckdb.DuckDBPyConnection, columns: set[str], label_field: str | None, favorable: str | None,
             privileged: dict[str, str], min_group_size: int, axes: list[str] | None) -> dict[str, Any]:
    """Label fairness of the snapshot rows in ``audit_docs`` over the groups in ``audit_groups``.

    The label is a column (``label_field``, else the first of :data:`LABEL_CANDIDATES`), or the same-named field
    of ``meta`` when the snapshot has no such column (reported as ``meta.<name>``).
    """
    field = pick_label_field(columns, label_field)
    expr = f'"{field}"' if field else None
    if field is None:
        found = _meta_label(con, columns, label_field)
        if found is None:
            why = (f"label column '{label_field}' not in snapshot (nor a '{label_field}' field in meta)" if label_field
                   else "snapshot has no label column")
            return {"available": False, "reason": why}
        field, expr = found
    con.execute(f"""CREATE OR REPLACE TEMP TABLE audit_labels AS
        SELECT doc_id, CAST({expr} AS VARCHAR) AS label FROM audit_docs WHERE {expr} IS NOT NULL""")
    labelled = con.execute("SELECT count(*) FROM audit_labels").fetchone()[0]
    if not labelled:
        return {"available": False, "reason": f"label column '{field}' is empty"}
    overall = dict(con.execute("SELECT label, count(*) FROM audit_labels GROUP BY 1 ORDER BY 1").fetchall())
    counts = con.execute("""
        SELECT g.axis, g.grp, l.label, count(DISTINCT g.doc_id) FROM audit_groups g JOIN audit_labels l USING (doc_id)
        GROUP BY ALL ORDER BY ALL""").fetchall()
    table: dict[str, dict[str, dict[str, int]]] = {}
    for axis, grp, label, n in counts:
        table.setdefault(axis, {}).setdefault(grp, {})[label] = int(n)
    labels = [favorable] if favorable is not None else sorted(overall)
    result_axes: dict[str, Any] = {}
    for axis, groups in sorted(table.items()):
        if axes is not None and axis not in axes:
            continue
        sizes = {g: sum(c.values()) for g, c in groups.items()}
        eligible = {g for g, s in sizes.items() if s >= min_group_size}
        entry: dict[str, Any] = {
            "distribution": {g: {"rows": sizes[g], "labels": c} for g, c in groups.items()},
            "excluded_small_groups": sorted(set(groups) - eligible),
        }
        if len(eligible) >= 2:
            per_label = {}
            for y in labels:
                rates = {g: groups[g].get(y, 0) / sizes[g] for g in sorted(eligible)}
                dpd, dir_ = parity(rates, privileged.get(axis))
                per_label[y] = {"selection_rate": rates, "parity_difference": dpd, "disparate_impact": dir_}
            entry["by_label"] = per_label
            entry["parity_difference"] = max(v["parity_difference"] for v in per_label.values())
            dirs = [v["disparate_impact"] for v in per_label.values() if v["disparate_impact"] is not None]
            entry["disparate_impact"] = min(dirs) if dirs else None
        result_axes[axis] = entry
    scored = {a: e for a, e in result_axes.items() if "parity_difference" in e}
    worst_dpd = max(scored.items(), key=lambda kv: kv[1]["parity_difference"], default=None)
    with_dir = [(a, e["disparate_impact"]) for a, e in scored.items() if e["disparate_impact"] is not None]
    worst_dir = min(with_dir, key=lambda kv: kv[1], default=None)
    return {"available": True, "label_field": field, "labelled_rows": int(labelled), "labels": overall,
            "favorable_label": favorable, "axes": result_axes,
            "worst_parity_difference": {"axis": worst_dpd[0], "value": worst_dpd[1]["parity_difference"]} if worst_dpd else None,
            "worst_disparate_impact": {"axis": worst_dir[0], "value": worst_dir[1]} if worst_dir else None}
