"""Whole-word lexicon matching in DuckDB: one pass over the text finds every identity, attribute and toxic
term a document contains, as the table ``audit_hits(doc_id, kind, key, sub, lang, term)`` (one row per
distinct term per document). Every later metric is a GROUP BY over this table, which keeps a
100,000-document audit to seconds.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from curate.audit.lexicon import Lexicons

# Same rule as lexicon.normalize_term: letters, combining marks (Devanagari vowel signs) and digits make words.
WORD_SPLIT = r"[^\p{L}\p{M}\p{N}]+"


def build_hits(con: duckdb.DuckDBPyConnection, lex: Lexicons, docs: str = "audit_docs") -> None:
    """Create ``audit_hits`` from the ``doc_id``/``text`` columns of relation ``docs``."""
    con.register("audit_lexicon_src", lex.terms)
    con.execute("CREATE OR REPLACE TEMP TABLE audit_lexicon AS SELECT * FROM audit_lexicon_src")
    con.unregister("audit_lexicon_src")
    # Unigrams plus adjacent-word bigrams (lexicon phrases have at most two words); the inner join keeps only
    # tokens that are lexicon terms, so the big token list is never materialised beyond the join.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE audit_hits AS
        WITH words AS (
            SELECT doc_id, list_filter(regexp_split_to_array(lower(text), '{WORD_SPLIT}'), lambda x: x <> '') AS w
            FROM {docs}
        ), toks AS (
            SELECT doc_id, unnest(list_concat(w, list_transform(range(1, len(w)), lambda i: w[i] || ' ' || w[i + 1]))) AS tok
            FROM words
        )
        SELECT DISTINCT t.doc_id, l.kind, l.key, l.sub, l.lang, l.term
        FROM toks t JOIN audit_lexicon l ON t.tok = l.term
    """)


def mask_inserted(con: duckdb.DuckDBPyConnection, docs: str = "audit_docs") -> tuple[str, dict[str, Any]]:
    """The relation to match lexicons on: ``docs`` with the ``text`` spans the PII stage inserted blanked out.

    A pseudonym ("Customer Jaspreet Thakur says …") is the PII stage's invention, not the data's: its surname
    would count as a caste (or religion, region) mention of a person who is not there.  The ``pii_inserted``
    spans of field ``text`` that still hold what the stage inserted (checked by digest, see
    :func:`curate.audit.metrics.pii._inserted_spans`) are replaced by spaces of the same length, so every
    metric built on ``audit_hits`` skips them.

    Returns (relation name, stats): ``docs`` itself when nothing is masked; stats ``{"rows": rows with a
    masked span, "spans": spans masked, "identity_terms": {axis: documents whose lexicon hit of that axis lay
    only inside inserted spans}}`` (filled by :func:`skipped_identity`).
    """
    cols = {r[0] for r in con.execute(f"SELECT column_name FROM (DESCRIBE {docs})").fetchall()}
    stats: dict[str, Any] = {"rows": 0, "spans": 0}
    if "pii_inserted" not in cols:
        return docs, stats
    from curate.audit.metrics.pii import _inserted_spans

    ids, masked = [], []
    for doc_id, text, value in con.execute(
            f"SELECT doc_id, text, pii_inserted FROM {docs} WHERE pii_inserted IS NOT NULL "
            "AND CAST(pii_inserted AS VARCHAR) NOT IN ('', '[]')").fetchall():
        spans = _inserted_spans(value, {"text": text}).get("text", [])
        if not spans:
            continue
        chars = list(text)
        for a, b in spans:
            chars[a:b] = " " * (b - a)
        ids.append(doc_id)
        masked.append("".join(chars))
        stats["spans"] += len(spans)
    if not ids:
        return docs, stats
    stats["rows"] = len(ids)
    con.register("audit_masked_src", pa.table({"doc_id": pa.array(ids, pa.string()), "text": pa.array(masked, pa.string())}))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE audit_lex_docs AS
        SELECT d.doc_id, coalesce(m.text, d.text) AS text FROM {docs} d LEFT JOIN audit_masked_src m USING (doc_id)""")
    con.unregister("audit_masked_src")
    return "audit_lex_docs", stats



def build_hits_outside_inserted(con: duckdb.DuckDBPyConnection, lex: Lexicons, docs: str = "audit_docs") -> dict[str, Any]:
    """:func:`build_hits` over ``docs`` with the PII stage's inserted spans left out (see :func:`mask_inserted`).

    Returns ``{"rows", "spans", "mentions": {axis: n}}``: rows and spans masked, and per identity axis the
    group mentions (document, group) that only the inserted text held, i.e. what representation skipped.
    """
    lex_docs, stats = mask_inserted(con, docs)
    mentions: dict[str, int] = {}
    if lex_docs != docs:
        build_hits(con, lex, docs)
        con.execute("CREATE OR REPLACE TEMP TABLE audit_hits_unmasked AS SELECT * FROM audit_hits")
    build_hits(con, lex, lex_docs)
    if lex_docs != docs:
        mentions = {k: int(n) for k, n in con.execute("""
            SELECT key, count(*) FROM (
              SELECT doc_id, key, sub FROM audit_hits_unmasked WHERE kind = 'identity'
              EXCEPT SELECT doc_id, key, sub FROM audit_hits WHERE kind = 'identity') GROUP BY 1 ORDER BY 1""").fetchall()}
        con.execute(f"DROP TABLE audit_hits_unmasked; DROP TABLE {lex_docs}")
    return {"rows": stats["rows"], "spans": stats["spans"], "mentions": mentions}
