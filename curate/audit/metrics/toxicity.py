"""Toxicity/profanity rates from the lexicons, per lexicon language and per document language.

Rows are flagged, never deleted: the audit lists them (``flagged_toxicity.parquet`` in the output folder) so a
steward decides; many support conversations quote abuse they are complaining about.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa


def toxicity(con: duckdb.DuckDBPyConnection, n_rows: int, columns: set[str], examples: int) -> tuple[dict[str, Any], pa.Table]:
    flagged = con.execute("""
        SELECT doc_id, list(DISTINCT term ORDER BY term) AS terms, list(DISTINCT lang ORDER BY lang) AS lexicon_langs,
               list(DISTINCT sub ORDER BY sub) AS severities
        FROM audit_hits WHERE kind = 'toxic' GROUP BY doc_id ORDER BY doc_id""").fetch_arrow_table()
    n_flag = flagged.num_rows
    out: dict[str, Any] = {"flagged_rows": n_flag, "rate": (n_flag / n_rows) if n_rows else 0.0}
    by_lex = con.execute("""SELECT lang, sub, count(DISTINCT doc_id) FROM audit_hits WHERE kind = 'toxic'
                            GROUP BY 1, 2 ORDER BY 1, 2""").fetchall()
    lex: dict[str, Any] = {}
    for lang, sev, n in by_lex:
        e = lex.setdefault(lang, {"rows": 0, "by_severity": {}})
        e["by_severity"][sev] = int(n)
    for lang, n in con.execute("SELECT lang, count(DISTINCT doc_id) FROM audit_hits WHERE kind = 'toxic' GROUP BY 1").fetchall():
        lex[lang]["rows"] = int(n)
        lex[lang]["rate"] = n / n_rows if n_rows else 0.0
    out["by_lexicon_language"] = lex
    if "lang" in columns:
        # Romanized text is its own row: romanized Hindi abuse is far more common than Devanagari in chats.
        key = ("CASE WHEN romanized THEN coalesce(lang, 'unknown') || '-latn' ELSE coalesce(lang, 'unknown') END"
               if "romanized" in columns else "coalesce(lang, 'unknown')")
        rows = con.execute(f"""
            SELECT {key} AS l, count(*) AS n, count(*) FILTER (WHERE doc_id IN (SELECT doc_id FROM audit_hits WHERE kind = 'toxic'))
            FROM audit_docs GROUP BY 1 ORDER BY 2 DESC, 1""").fetchall()
        out["by_document_language"] = {l: {"rows": int(n), "flagged": int(f), "rate": f / n if n else 0.0} for l, n, f in rows}
    ex: dict[str, list[dict[str, Any]]] = {}
    if examples:
        for lang in lex:
            ex[lang] = [{"doc_id": d, "terms": t, "text": s} for d, t, s in con.execute("""
                SELECT d.doc_id, list(DISTINCT h.term ORDER BY h.term), left(any_value(d.text), 240)
                FROM audit_docs d JOIN audit_hits h USING (doc_id)
                WHERE h.kind = 'toxic' AND h.lang = ? GROUP BY d.doc_id ORDER BY d.doc_id LIMIT ?""",
                [lang, examples]).fetchall()]
    out["examples"] = ex
    return out, flagged
