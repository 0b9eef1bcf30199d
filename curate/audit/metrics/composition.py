"""Composition: size, lengths, sources, language mix, duplicates and quality flags."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np


def _shares(rows: list[tuple[Any, int]], total: int) -> list[dict[str, Any]]:
    return [{"value": "unknown" if v is None else str(v), "rows": int(n), "share": (n / total) if total else 0.0}
            for v, n in rows]


def _bool_share(con: duckdb.DuckDBPyConnection, col: str) -> dict[str, Any]:
    known, true = con.execute(f'SELECT count("{col}"), count(*) FILTER (WHERE "{col}") FROM audit_docs').fetchone()
    return {"rows": int(true), "known": int(known), "share": (true / known) if known else None}


def composition(con: duckdb.DuckDBPyConnection, columns: set[str]) -> dict[str, Any]:
    n = con.execute("SELECT count(*) FROM audit_docs").fetchone()[0]
    lengths = con.execute("""
        SELECT length(text) AS chars,
               CASE WHEN trim(text) = '' THEN 0 ELSE len(string_split_regex(trim(text), '\\s+')) END AS words
        FROM audit_docs""").fetchnumpy()
    chars = lengths["chars"].astype(np.int64) if n else np.zeros(0, np.int64)
    words = lengths["words"].astype(np.int64) if n else np.zeros(0, np.int64)
    out: dict[str, Any] = {"rows": int(n), "tokens": int(words.sum()), "characters": int(chars.sum())}

    def dist(a: np.ndarray) -> dict[str, Any]:
        if not len(a):
            return {}
        q = np.percentile(a, [1, 5, 25, 50, 75, 95, 99])
        return {"min": int(a.min()), "mean": float(a.mean()), "max": int(a.max()),
                **{f"p{p}": float(v) for p, v in zip([1, 5, 25, 50, 75, 95, 99], q)}}

    out["length_chars"] = dist(chars)
    out["length_words"] = dist(words)
    if len(words):
        # Log-spaced bins: support text spans one-word replies to multi-page documents.
        edges = np.unique(np.geomspace(1, max(2, int(words.max()) + 1), 30).astype(int))
        hist, edges = np.histogram(np.clip(words, 1, None), bins=edges)
        out["length_words_histogram"] = {"edges": edges.tolist(), "counts": hist.tolist()}
    if "source" in columns:
        rows = con.execute("SELECT source, count(*) FROM audit_docs GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50").fetchall()
        out["sources"] = _shares(rows, n)
    lang: dict[str, Any] = {}
    for col in ("lang", "script"):
        if col in columns:
            rows = con.execute(f'SELECT "{col}", count(*) FROM audit_docs GROUP BY 1 ORDER BY 2 DESC, 1').fetchall()
            lang[col] = _shares(rows, n)
    for col in ("romanized", "codemixed"):
        if col in columns:
            lang[col] = _bool_share(con, col)
    if lang:
        out["language"] = lang
    if "dup_keep" in columns:
        dups = _bool_share(con, "dup_keep")
        dup_rows = dups["known"] - dups["rows"]
        out["duplicates"] = {"duplicate_rows": int(dup_rows), "rate": (dup_rows / n) if n else 0.0}
        if "dup_cluster" in columns:
            out["duplicates"]["clusters"] = int(con.execute(
                "SELECT count(DISTINCT dup_cluster) FROM audit_docs WHERE dup_keep = false").fetchone()[0])
    quality: dict[str, Any] = {}
    if "quality_ok" in columns:
        ok = _bool_share(con, "quality_ok")
        bad = ok["known"] - ok["rows"]
        quality.update({"flagged_rows": int(bad), "rate": (bad / n) if n else 0.0})
    if "quality_flags" in columns:
        quality["flags"] = [{"flag": f, "rows": int(c)} for f, c in con.execute(
            "SELECT flag, count(DISTINCT doc_id) FROM audit_quality_flags GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()]
    if quality:
        out["quality"] = quality
    return out
