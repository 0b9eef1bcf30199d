"""Split by cluster (curate.export): every near-duplicate cluster lands on one side, whatever the row order."""

import pyarrow as pa

from curate.dedup import dedup_table
from curate.export import assign_splits, find_straddling
from tests.dedup.corpus import corpus

SPLITS = {"train": 0.6, "validation": 0.2, "test": 0.2}


def test_cluster_keys_keep_every_cluster_on_one_side():
    rows = corpus(seed=6, per_script=4)
    out = dedup_table(pa.table({"text": [r["text"] for r in rows]}))
    doc_ids = [f"d{i}" for i in range(out.num_rows)]
    clusters = out.column("dup_cluster").to_pylist()
    assert len(set(c for c in clusters if c)) < sum(1 for c in clusters if c)  # the corpus has real clusters
    keys = [c or d for c, d in zip(clusters, doc_ids)]
    splits = assign_splits(keys, SPLITS, seed=1)
    assert set(splits) == set(SPLITS)
    assert find_straddling(pa.table({"dup_cluster": clusters, "split": splits})) == []
    # deterministic and independent of row order: a key's split depends on the key alone
    assert assign_splits(keys[::-1], SPLITS, seed=1) == splits[::-1]


def test_a_naive_split_is_caught():
    table = pa.table({"dup_cluster": ["c1", "c1", "c1", None, "c2", "c2"],
                      "split": ["train", "test", "train", "test", "validation", "validation"]})
    assert find_straddling(table) == [{"cluster": "c1", "splits": ["test", "train"]}]
    assert find_straddling(pa.table({"split": ["train"]})) == []
