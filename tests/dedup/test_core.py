from collections import defaultdict

import pyarrow as pa
import pytest

from curate.dedup import dedup_table
from curate.errors import CurateError
from tests.dedup.corpus import corpus


def _table(rows):
    return pa.table({"text": [r["text"] for r in rows], "group": [r["group"] for r in rows],
                     "kind": [r["kind"] for r in rows]})


def test_finds_exact_and_near_duplicates_and_keeps_hard_negatives_apart():
    rows = corpus(seed=0)
    out = dedup_table(_table(rows))
    clusters = out.column("dup_cluster").to_pylist()
    by_group = defaultdict(set)
    for r, c in zip(rows, clusters):
        by_group[r["group"]].add(c)
    for group, cs in by_group.items():
        if group < 10_000:   # original + exact copy + edited copy: one cluster
            assert len(cs) == 1 and None not in cs, group
        else:                # hard negative shares 25 % of the sentences: stays alone
            assert cs == {None}, group
    reasons = out.column("dup_reason").to_pylist()
    kinds = [r["kind"] for r in rows]
    keep = out.column("dup_keep").to_pylist()
    originals = sum(1 for g in by_group if g < 10_000)
    assert len(rows) - sum(keep) == 2 * originals   # each exact and each edited copy goes
    # earliest policy: the first row of each cluster is kept
    seen = set()
    for i, c in enumerate(clusters):
        if c is not None:
            assert keep[i] == (c not in seen)
            seen.add(c)
    # an edited copy is never called exact; the exact copy is exact unless it was the keeper
    for kind, reason in zip(kinds, reasons):
        if kind == "near":
            assert reason in (None, "near")
    sims = out.column("dup_similarity").to_pylist()
    assert all(0.4 <= s <= 1.0 for s, c in zip(sims, clusters) if c is not None)


def test_every_script_gets_clustered():
    rows = corpus(seed=1, per_script=2)
    out = dedup_table(_table(rows))
    removed_kinds = {k for k, keep in zip(out.column("kind").to_pylist(), out.column("dup_keep").to_pylist()) if not keep}
    assert "hard_negative" not in removed_kinds
    assert out.column("dup_reason").to_pylist().count("exact") >= 1
    assert out.column("dup_reason").to_pylist().count("near") >= 1


def test_deterministic_across_runs_and_batch_sizes():
    t = _table(corpus(seed=2))
    a = dedup_table(t)
    b = dedup_table(t, batch_size=7)
    c = dedup_table(t, batch_size=1)
    assert a.equals(b) and a.equals(c)


def test_keep_longest_and_input_columns_kept():
    t = pa.table({"id": [1, 2, 3], "text": ["alpha beta gamma delta epsilon", "alpha beta gamma delta epsilon!!",
                                            "Alpha beta gamma delta epsilon, zeta"]})
    out = dedup_table(t, {"keep": "longest", "threshold": 0.5})
    assert out.column_names[:2] == ["id", "text"] and out.column("id").to_pylist() == [1, 2, 3]
    assert out.column("dup_keep").to_pylist() == [False, False, True]
    assert out.column("dup_cluster").to_pylist() == ["row:3"] * 3
    assert out.column("dup_reason").to_pylist() == ["near", "near", None]


def test_empty_and_bad_input():
    out = dedup_table(pa.table({"text": pa.array([], pa.string())}))
    assert out.num_rows == 0 and "dup_keep" in out.column_names
    with pytest.raises(CurateError, match="no column 'body'"):
        dedup_table(pa.table({"text": ["x"]}), {"text_field": "body"})
    with pytest.raises(CurateError, match="not text"):
        dedup_table(pa.table({"text": [1, 2]}))
