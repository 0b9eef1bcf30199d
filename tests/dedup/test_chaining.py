"""Near-duplicate chains must not pull in documents that are far from their cluster's keeper."""

import random

import pyarrow as pa

from curate.dedup import dedup_table


def test_chained_document_far_from_keeper_is_kept():
    rng = random.Random(3)
    vocab = [f"w{rng.randrange(10**6)}" for _ in range(400)]
    a = " ".join(vocab[0:100])
    b = " ".join(vocab[30:130])   # ~0.5 Jaccard with a and with c
    c = " ".join(vocab[60:160])   # ~0.25 Jaccard with a: only connected through b
    out = dedup_table(pa.table({"text": [a, b, c]}), {"threshold": 0.4}).to_pylist()
    assert [r["dup_keep"] for r in out] == [True, False, True]
    assert out[1]["dup_reason"] == "near" and out[1]["dup_similarity"] >= 0.4
    assert out[2]["dup_cluster"] is None or out[2]["dup_cluster"] != out[0]["dup_cluster"]
