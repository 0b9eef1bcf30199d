import pyarrow as pa
import pytest

from curate.dedup import dedup_table, find_contamination, split_keeping_clusters
from curate.errors import CurateError
from tests.dedup.corpus import corpus

SPLITS = {"train": 0.6, "validation": 0.2, "test": 0.2}


def test_split_keeps_every_cluster_on_one_side():
    rows = corpus(seed=6, per_script=4)
    out = dedup_table(pa.table({"text": [r["text"] for r in rows]}))
    doc_ids = [f"d{i}" for i in range(out.num_rows)]
    clusters = out.column("dup_cluster").to_pylist()
    splits = split_keeping_clusters(doc_ids, clusters, SPLITS, seed=1)
    assert set(splits) == set(SPLITS)
    table = pa.table({"doc_id": doc_ids, "dup_cluster": clusters, "split": splits})
    assert find_contamination(table) == []
    # deterministic, and independent of row order
    assert split_keeping_clusters(doc_ids[::-1], clusters[::-1], SPLITS, seed=1) == splits[::-1]


def test_naive_split_is_caught():
    clusters = ["c1", "c1", "c1", None, "c2", "c2"]
    table = pa.table({"doc_id": list("abcdef"), "dup_cluster": clusters,
                      "split": ["train", "test", "train", "test", "validation", "validation"]})
    found = find_contamination(table)
    assert [f["cluster"] for f in found] == ["c1"]
    assert found[0]["splits"] == {"test": 1, "train": 2} and found[0]["examples"]["test"] == ["b"]


def test_bad_splits_are_user_errors():
    with pytest.raises(CurateError, match="add up to 1"):
        split_keeping_clusters(["a"], [None], {"train": 0.5})
    with pytest.raises(CurateError, match="needs column 'split'"):
        find_contamination(pa.table({"dup_cluster": ["x"]}))
