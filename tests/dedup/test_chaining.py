"""Near-duplicate chains must not pull in documents that are far from their cluster's keeper."""

import random

import pyarrow as pa

from curate.dedup import dedup_table


def test_chained_document_far_from_keeper_is_kept():
    rng = random.Random(3)
    vocab = [f"w{rng.randrange(10**6)}" for _ in range(400)]
    a = " ".join(vocab[0:100])
    b = " ".join(vocab[25:125])   # 3-gram Jaccard 73/123 = 0.59 with a and with c
    c = " ".join(vocab[50:150])   # 48/148 = 0.32 with a: only connected through b
    # c is similar to the removed b, but below chain_cut x threshold = 0.75 x 0.5 with the keeper a
    out = dedup_table(pa.table({"text": [a, b, c]}), {"threshold": 0.5, "chain_cut": 0.75}).to_pylist()
    assert [r["dup_keep"] for r in out] == [True, False, True]
    assert out[1]["dup_reason"] == "near" and out[1]["dup_jaccard"] == round(73 / 123, 4)
    assert out[2]["dup_cluster"] is None or out[2]["dup_cluster"] != out[0]["dup_cluster"]


def test_variant_close_enough_to_the_keeper_joins_through_a_removed_member():
    rng = random.Random(4)
    vocab = [f"w{rng.randrange(10**6)}" for _ in range(400)]
    a = " ".join(vocab[0:100])
    b = " ".join(vocab[20:120])   # 78/118 = 0.66 with a
    c = " ".join(vocab[40:140])   # 0.66 with b, 58/138 = 0.42 with a: below 0.5, above 0.5 x 0.5
    out = dedup_table(pa.table({"text": [a, b, c]}), {"threshold": 0.5, "chain_cut": 0.5}).to_pylist()
    assert [r["dup_keep"] for r in out] == [True, False, False]
    assert out[2]["dup_cluster"] == "row:1" and out[2]["dup_jaccard"] == round(58 / 138, 4)


def _letters(rng, n):
    return ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(n)]


def test_variant_with_members_of_its_own_joins_the_family_when_every_member_stays_close():
    # 3-gram Jaccard of two 100-word windows shifted by s: (98 - s) / (98 + s)
    words = _letters(__import__("random").Random(6), 200)
    a, b, c, d = (" ".join(words[s:s + 100]) for s in (0, 20, 40, 50))
    # a~b 0.66, b~c 0.66, c~d 0.81, b~d 0.53; a~c 0.42 and a~d 0.32 are below 0.5, above 0.5 x 0.5.
    # Greedy alone keeps a (b removed) and c (d removed): two clusters for one family.
    out = dedup_table(pa.table({"text": [a, b, c, d]}), {"threshold": 0.5, "chain_cut": 0.5}).to_pylist()
    assert [r["dup_keep"] for r in out] == [True, False, False, False]
    assert {r["dup_cluster"] for r in out} == {"row:1"}
    assert [r["dup_jaccard"] for r in out[1:]] == [round(78 / 118, 4), round(58 / 138, 4), round(48 / 148, 4)]
    # with a stricter cut d (0.32 to a) may not follow, so c stays the keeper of its own cluster
    strict = dedup_table(pa.table({"text": [a, b, c, d]}), {"threshold": 0.5, "chain_cut": 0.7}).to_pylist()
    assert [r["dup_keep"] for r in strict] == [True, False, True, False]
    assert strict[3]["dup_cluster"] == "row:3" and strict[1]["dup_cluster"] == "row:1"
