"""Which snapshot rows go to annotators: filter, then sample N by a strategy, all inside DuckDB.

Every strategy is deterministic for a given seed (ordering by a hash of ``doc_id``), so running the
same push twice selects the same documents and the second run imports nothing new.

* ``random``: N documents in hash order.
* ``uncertainty``: the N least confident predictions first (PII: the lowest span score of the
  document; lang: ``lang_score``; classify: the score column); ties broken by hash.
* ``stratified``: round-robin over the strata of a column (default ``lang``), so a rare stratum
  gets as many items as a common one until it runs out.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from curate.errors import CurateError
from curate.usersql import select_keys

STRATEGIES = ("random", "uncertainty", "stratified")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def uncertainty_expr(task: str, columns: list[str], score_column: str | None) -> str:
    """SQL giving a confidence per row (lower = more uncertain = labelled first)."""
    if task == "pii" and "pii_entities" in columns:
        # min over the spans' scores; a document without spans counts as certain (1.0).
        return ("coalesce(list_min(CAST(json_extract(CAST(pii_entities AS JSON), '$[*].score') AS DOUBLE[])), 1.0)")
    if task == "lang" and "lang_score" in columns:
        return "coalesce(CAST(lang_score AS DOUBLE), 0.0)"
    if task == "classify" and score_column and score_column in columns:
        return f"coalesce(CAST({_q(score_column)} AS DOUBLE), 0.0)"
    raise CurateError(f"--strategy uncertainty needs prediction scores, which --task {task} does not have here "
                      "(pii: pii_entities; lang: lang_score; classify: --score-column): use random or stratified")


def select(rel: duckdb.DuckDBPyRelation, columns: list[str], task: str, where: str | None = None,
           sample: int | None = None, strategy: str = "random", seed: int = 0, stratify_by: str | None = None,
           score_column: str | None = None) -> pa.Table:
    """The rows to push: ``columns`` of ``rel`` after ``where`` and sampling (all rows when no sample)."""
    have = rel.columns
    if where is not None:
        # user SQL runs in a confined connection (curate.usersql); only the selected doc_ids come back, joined
        # here through DuckDB's scan of this function's local Arrow table
        __curate_selected__ = select_keys(rel, where)  # noqa: F841 - read by name in the SQL below
        rel = rel.query("__curate_rel__", "SELECT * FROM __curate_rel__ WHERE doc_id IN "
                                          "(SELECT doc_id FROM __curate_selected__)")
    h = f"hash(doc_id || '#{int(seed)}')"
    if sample is None:
        return rel.project(", ".join(_q(c) for c in columns)).order("doc_id").fetch_arrow_table()
    if sample <= 0:
        raise CurateError("--sample must be a positive number")
    if strategy not in STRATEGIES:
        raise CurateError(f"unknown --strategy '{strategy}' (use {', '.join(STRATEGIES)})")
    if strategy == "random":
        order = "_h"
        rel = rel.project(f"*, {h} AS _h")
    elif strategy == "uncertainty":
        rel = rel.project(f"*, {uncertainty_expr(task, have, score_column)} AS _conf, {h} AS _h")
        order = "_conf, _h"
    else:
        col = stratify_by or ("lang" if "lang" in have else "source")
        if col not in have:
            raise CurateError(f"--stratify-by column '{col}' is not in the snapshot")
        rel = rel.project(f"*, {h} AS _h, row_number() OVER (PARTITION BY {_q(col)} ORDER BY {h}) AS _rn")
        order = "_rn, _h"
    picked = rel.order(order).limit(int(sample))
    return picked.project(", ".join(_q(c) for c in columns)).fetch_arrow_table()
