"""Representation: how often each identity group is mentioned, per axis, against a reference distribution.

Group membership (``audit_groups(doc_id, axis, grp)``) comes from the lexicon hits (gender, religion, caste,
region), the region→zone map, the ``lang`` column (axis ``language``) and metadata keys (``meta_axes``).
A document mentioning two groups of an axis counts for both, so shares are shares of *mentions*.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from curate.audit.lexicon import Lexicons

LEXICON_AXES = ("gender", "religion", "caste", "region")


def build_groups(con: duckdb.DuckDBPyConnection, lex: Lexicons, columns: set[str],
                 meta_axes: dict[str, list[str]]) -> list[str]:
    """Create ``audit_groups``; return the meta axes actually found."""
    con.register("audit_zone_src", pa.table({"state": list(lex.zones), "zone": list(lex.zones.values())}))
    parts = ["SELECT DISTINCT doc_id, key AS axis, sub AS grp FROM audit_hits WHERE kind = 'identity'",
             "SELECT DISTINCT h.doc_id, 'zone' AS axis, z.zone AS grp FROM audit_hits h JOIN audit_zone_src z "
             "ON h.sub = z.state WHERE h.kind = 'identity' AND h.key = 'region'"]
    if "lang" in columns:
        parts.append("SELECT doc_id, 'language' AS axis, lang AS grp FROM audit_docs WHERE lang IS NOT NULL")
    found: list[str] = []
    if "meta" in columns:
        for axis, keys in meta_axes.items():
            expr = "coalesce(" + ", ".join(f"json_extract_string(meta, '$.\"{k}\"')" for k in keys) + ")" if keys else "NULL"
            sql = (f"SELECT doc_id, '{axis}' AS axis, lower(trim({expr})) AS grp FROM audit_docs "
                   f"WHERE try(json_valid(meta)) AND {expr} IS NOT NULL AND trim({expr}) <> ''")
            if con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]:
                parts.append(sql)
                found.append(axis)
    con.execute("CREATE OR REPLACE TEMP TABLE audit_groups AS " + " UNION ALL ".join(parts))
    con.unregister("audit_zone_src")
    return found


def tvd(p: dict[str, float], q: dict[str, float]) -> float:
    """Total-variation distance between two share distributions (0 = same, 1 = disjoint)."""
    keys = set(p) | set(q)
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys)


def representation(con: duckdb.DuckDBPyConnection, n_rows: int, lex: Lexicons,
                   reference: dict[str, dict[str, float]]) -> dict[str, Any]:
    rows = con.execute("SELECT axis, grp, count(DISTINCT doc_id) FROM audit_groups GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2").fetchall()
    covered = dict(con.execute("SELECT axis, count(DISTINCT doc_id) FROM audit_groups GROUP BY 1").fetchall())
    axes: dict[str, Any] = {}
    for axis, grp, cnt in rows:
        a = axes.setdefault(axis, {"groups": {}, "rows_mentioning": int(covered.get(axis, 0))})
        a["groups"][grp] = {"rows": int(cnt)}
    for axis in list(LEXICON_AXES) + ["zone"] + list(reference):
        axes.setdefault(axis, {"groups": {}, "rows_mentioning": 0})
    for axis, a in axes.items():
        total = sum(g["rows"] for g in a["groups"].values())
        for g in a["groups"].values():
            g["share"] = g["rows"] / total if total else 0.0
        a["coverage"] = a["rows_mentioning"] / n_rows if n_rows else 0.0
        known = lex.groups(axis) if axis in LEXICON_AXES else (sorted(set(lex.zones.values())) if axis == "zone" else [])
        a["absent_groups"] = [g for g in known if g not in a["groups"]]
        ref = reference.get(axis)
        if ref:
            obs = {g: v["share"] for g, v in a["groups"].items()}
            a["reference"] = {g: {"expected": s, "observed": obs.get(g, 0.0), "difference": obs.get(g, 0.0) - s,
                                  "ratio": (obs.get(g, 0.0) / s) if s else None} for g, s in ref.items()}
            a["reference_tvd"] = tvd(obs, ref) if total else 1.0
    return {"axes": dict(sorted(axes.items()))}

