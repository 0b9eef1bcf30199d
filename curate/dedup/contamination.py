"""Train/validation/test contamination: near duplicates must not straddle splits.

* :func:`split_keeping_clusters` assigns a split per document by hashing its *group key*:
  the duplicate cluster when it has one, else its own doc_id.  Every member of a cluster
  therefore lands in the same split, the assignment does not depend on row order, and a
  document keeps its split when others are added (the hash is of the key alone).
* :func:`find_contamination` lists clusters whose members fall in more than one split
  (e.g. after a split made without clusters, or clusters computed later).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import pyarrow as pa
import xxhash

from curate.errors import CurateError


def _bounds(splits: dict[str, float]) -> list[tuple[float, str]]:
    if not splits:
        raise CurateError("no splits given")
    if any(v < 0 for v in splits.values()) or abs(sum(splits.values()) - 1.0) > 1e-6:
        raise CurateError(f"split fractions must be non-negative and add up to 1 (got {sum(splits.values()):g})")
    acc, out = 0.0, []
    for name, frac in splits.items():
        acc += frac
        out.append((acc, name))
    return out


def split_keeping_clusters(doc_ids: Sequence[str], clusters: Sequence[str | None], splits: dict[str, float],
                           seed: int = 0) -> list[str]:
    """Split name per document; members of one cluster always share a split."""
    if len(doc_ids) != len(clusters):
        raise ValueError("doc_ids and clusters differ in length")
    bounds = _bounds(splits)
    last = bounds[-1][1]
    out = []
    for doc_id, cluster in zip(doc_ids, clusters):
        key = cluster if cluster is not None else doc_id
        u = xxhash.xxh64_intdigest(str(key).encode("utf-8"), seed=seed) / 2**64
        out.append(next((name for b, name in bounds if u < b), last))
    return out


def find_contamination(table: pa.Table, split_col: str = "split", cluster_col: str = "dup_cluster",
                       id_col: str = "doc_id", max_examples: int = 5) -> list[dict]:
    """Clusters present in more than one split: [{cluster, splits: {split: count}, examples}]."""
    for col in (split_col, cluster_col):
        if col not in table.column_names:
            raise CurateError(f"contamination check needs column '{col}'")
    ids = table.column(id_col).to_pylist() if id_col in table.column_names else list(range(table.num_rows))
    per: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for cluster, split, doc in zip(table.column(cluster_col).to_pylist(), table.column(split_col).to_pylist(), ids):
        if cluster is not None:
            per[cluster][split].append(doc)
    out = []
    for cluster in sorted(per):
        by_split = per[cluster]
        if len(by_split) > 1:
            out.append({"cluster": cluster, "splits": {s: len(d) for s, d in sorted(by_split.items())},
                        "examples": {s: d[:max_examples] for s, d in sorted(by_split.items())}})
    return out
