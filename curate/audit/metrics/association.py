"""Association: which sentiment, occupation and derogatory/toxic terms co-occur with each identity group.

Normalised PMI over documents (Bouma, 2009):
    npmi(g, a) = ln(p(g, a) / (p(g) p(a))) / -ln p(g, a)
in [-1, 1]: 1 = the attribute appears only with the group, 0 = independent, -1 = never together.
Counts are documents, so a long document cannot inflate an association.
"""

from __future__ import annotations

from typing import Any

import duckdb

_NPMI = """
    CASE WHEN ga.n = {N} THEN 1.0
         ELSE ln((ga.n::DOUBLE * {N}) / (gc.n::DOUBLE * ac.n)) / -ln(ga.n::DOUBLE / {N}) END
"""


def _pairs(con: duckdb.DuckDBPyConnection, n_rows: int, attr_cols: str, min_count: int) -> list[tuple]:
    npmi = _NPMI.format(N=n_rows)
    return con.execute(f"""
        WITH g AS (SELECT DISTINCT doc_id, key AS axis, sub AS grp FROM audit_hits WHERE kind = 'identity'),
        a AS (SELECT DISTINCT doc_id, CASE kind WHEN 'toxic' THEN 'derogatory' ELSE key END AS category,
                     CASE kind WHEN 'toxic' THEN 'toxic_' || sub ELSE sub END AS cls, term
              FROM audit_hits WHERE kind IN ('attribute', 'toxic')),
        a2 AS (SELECT DISTINCT doc_id, {attr_cols} FROM a),
        gc AS (SELECT axis, grp, count(*) AS n FROM g GROUP BY ALL),
        ac AS (SELECT {attr_cols}, count(*) AS n FROM a2 GROUP BY ALL),
        ga AS (SELECT axis, grp, {attr_cols}, count(*) AS n FROM g JOIN a2 USING (doc_id) GROUP BY ALL)
        SELECT ga.axis, ga.grp, {', '.join('ga.' + c.strip() for c in attr_cols.split(','))}, ga.n, gc.n, ac.n, {npmi} AS npmi
        FROM ga JOIN gc USING (axis, grp) JOIN ac USING ({attr_cols})
        WHERE ga.n >= {int(min_count)}
        ORDER BY ga.axis, ga.grp, npmi DESC
    """).fetchall()


def association(con: duckdb.DuckDBPyConnection, n_rows: int, min_count: int, top_k: int, examples: int) -> dict[str, Any]:
    if n_rows == 0:
        return {"groups": {}, "classes": []}
    classes = [{"axis": r[0], "group": r[1], "category": r[2], "class": r[3], "rows": r[4], "npmi": round(r[7], 4)}
               for r in _pairs(con, n_rows, "category, cls", min_count)]
    terms = _pairs(con, n_rows, "category, cls, term", min_count)
    groups: dict[str, list[dict[str, Any]]] = {}
    for axis, grp, cat, cls, term, n, ng, na, npmi in terms:
        lst = groups.setdefault(f"{axis}:{grp}", [])
        if len(lst) < top_k and npmi > 0:
            lst.append({"axis": axis, "group": grp, "category": cat, "class": cls, "term": term, "rows": n,
                        "group_rows": ng, "term_rows": na, "npmi": round(npmi, 4)})
    if examples:
        for lst in groups.values():
            for item in lst:
                item["examples"] = [{"doc_id": d, "text": t} for d, t in con.execute("""
                    SELECT d.doc_id, left(d.text, 240) FROM audit_docs d
                    WHERE d.doc_id IN (SELECT doc_id FROM audit_hits WHERE kind = 'identity' AND key = ? AND sub = ?)
                      AND d.doc_id IN (SELECT doc_id FROM audit_hits WHERE kind IN ('attribute', 'toxic') AND term = ?)
                    ORDER BY d.doc_id LIMIT ?""", [item["axis"], item["group"], item["term"], examples]).fetchall()]
    return {"groups": {k: v for k, v in groups.items() if v}, "classes": classes}
