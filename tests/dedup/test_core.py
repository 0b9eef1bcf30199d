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
    # 16+ words: shorter texts are exact-duplicate candidates only (core.MIN_NEAR_TOKENS)
    base = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi"
    t = pa.table({"id": [1, 2, 3], "text": [base, base + "!!", base.capitalize() + ", rho"]})
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


# --- rows with no text, short texts (issue 17 follow-up) -------------------------------------------------------

LONG = ("the customer asked why the monthly statement of the savings account shows a charge for the debit card "
        "that was never delivered to the registered address")


def test_rows_without_text_are_never_duplicates_and_are_marked_no_text():
    texts = [LONG, None, "", "   ", "\n\t \u3000", LONG, None]
    out = dedup_table(pa.table({"text": texts, "other": ["a", "b", "c", "d", "e", "f", "g"]}))
    assert out.column("dup_reason").to_pylist() == [None, "no_text", "no_text", "no_text", "no_text", "exact",
                                                     "no_text"]
    assert out.column("dup_keep").to_pylist() == [True, True, True, True, True, False, True]
    assert out.column("dup_cluster").to_pylist() == ["row:1", None, None, None, None, "row:1", None]


def test_chats_and_sft_rows_with_nothing_to_compare_are_no_text():
    import json

    system_only = json.dumps([{"role": "system", "content": "You are a bank assistant."}])
    empty_turns = json.dumps([{"role": "user", "content": ""}, {"role": "assistant", "content": " "}])
    chats = dedup_table(pa.table({"messages": [system_only, empty_turns, system_only]}))
    assert chats.column("dup_reason").to_pylist() == ["no_text"] * 3
    assert chats.column("dup_keep").to_pylist() == [True] * 3
    sft = dedup_table(pa.table({"instruction": ["", None, "  "], "input": [None, "", ""], "output": ["", " ", None]}))
    assert sft.column("dup_reason").to_pylist() == ["no_text"] * 3


# Short texts that differ in meaning (negation, a number, a different verb): never near duplicates, as plain
# text and as the user turn of a chat that shares the assistant's reply.
SHORT_DISTINCT = [
    ("your loan is eligible for top-up", "your loan is not eligible for top-up"),
    ("FD rate for 1 year", "FD rate for 2 years"),
    ("blocked", "not blocked"),
    ("हो गया", "नहीं हुआ"),
    ("मेरा कार्ड ब्लॉक हो गया है", "मेरा कार्ड ब्लॉक नहीं हुआ है"),
    ("என் கார்டு முடக்கப்பட்டது", "என் கார்டு முடக்கப்படவில்லை"),
    ("பணம் வந்துவிட்டது நன்றி", "பணம் இன்னும் வரவில்லை நன்றி"),
    ("mera refund aa gaya hai bhai", "mera refund nahi aaya hai bhai"),
    ("EMI 5 tarikh ko kategi na", "EMI 15 tarikh ko kategi na"),
    ("card block kar do please", "card unblock kar do please"),
]
# Short re-sends: the same text after case, punctuation, full-width digit and nukta folding.
SHORT_RESENT = [
    ("Blocked!", "blocked"),
    ("My card is BLOCKED!!", "my card is blocked"),
    ("FD rate for １ year?", "FD rate for 1 year"),
    ("मेरा काम ज़रूरी है।", "मेरा काम जरूरी है"),
    ("mera refund aa gaya, thanks", "Mera refund aa gaya thanks"),
]


def _chat(user):
    import json

    return json.dumps([{"role": "user", "content": user},
                       {"role": "assistant", "content": "Noted, we will check."}])


@pytest.mark.parametrize("a,b", SHORT_DISTINCT)
def test_short_texts_that_differ_are_kept_apart(a, b):
    for table in (pa.table({"text": [a, b]}), pa.table({"messages": [_chat(a), _chat(b)]})):
        out = dedup_table(table)
        assert out.column("dup_cluster").to_pylist() == [None, None], (a, b)
        assert out.column("dup_keep").to_pylist() == [True, True]


@pytest.mark.parametrize("a,b", SHORT_RESENT)
def test_short_resent_copies_still_cluster_as_exact(a, b):
    for table in (pa.table({"text": [a, b]}), pa.table({"messages": [_chat(a), _chat(b)]})):
        out = dedup_table(table)
        assert out.column("dup_reason").to_pylist() == [None, "exact"], (a, b)
        assert out.column("dup_keep").to_pylist() == [True, False]


# Short tickets (under 16 content words) re-sent with one word changed: near duplicates when both carry the same
# strong identifier (phone, account, PAN, e-mail: 9+ characters), never on a shared date or amount alone.
SHORT_WITH_ID = [
    ("My card is blocked, call me on 98450 12345 please", "My card is blocked, call me on 98450 12345 pls"),
    ("PAN ABCPK1234Q par KYC pending hai, jaldi karo", "PAN ABCPK1234Q par KYC pending hai, jaldi karo na"),
    ("refund not received, mail me at ravi.k@example.com today", "refund not received, mail me at ravi.k@example.com now"),
]
SHORT_SHARED_DATE_ONLY = [
    ("On 14-12-2025 my EMI of Rs 4500 bounced, please help", "On 14-12-2025 my EMI of Rs 4500 bounced, kindly help"),
]


@pytest.mark.parametrize("a,b", SHORT_WITH_ID)
def test_short_resent_copies_sharing_a_strong_identifier_are_near(a, b):
    out = dedup_table(pa.table({"text": [a, b]}))
    assert out.column("dup_reason").to_pylist() == [None, "near"], (a, b)


@pytest.mark.parametrize("a,b", SHORT_SHARED_DATE_ONLY + [
        ("My card is blocked, call me on 98450 12345 please", "My card is blocked, call me on 98450 67890 please")])
def test_short_texts_sharing_only_a_date_or_with_other_numbers_stay_apart(a, b):
    out = dedup_table(pa.table({"text": [a, b]}))
    assert out.column("dup_cluster").to_pylist() == [None, None], (a, b)


def test_long_texts_with_one_edit_still_cluster_as_near():
    edited = LONG.replace("registered address", "registerd adress")
    out = dedup_table(pa.table({"text": [LONG, edited]}))
    assert out.column("dup_reason").to_pylist() == [None, "near"]
