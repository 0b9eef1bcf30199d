"""Shape-aware matching: distinct chats / SFT pairs sharing a system prompt and a canned reply are never
removed, their re-sent copies are; folding; texts without letters; every removal explained."""

import re

import pyarrow as pa
import pytest

from curate.dedup import dedup_table
from tests.dedup.shapes import scenario


def _table(rows):
    return pa.Table.from_pylist([{k: r.get(k) for k in ("text", "messages", "instruction", "input", "output")}
                                 for r in rows])


def _keeper_index(cluster, i):
    return int(cluster.split(":")[1]) - 1 if cluster else i


def test_issue_scenario_keeps_every_distinct_example_and_finds_every_resent_copy():
    rows = scenario(seed=0)
    out = dedup_table(_table(rows)).to_pylist()
    removed = [(i, o) for i, o in enumerate(out) if not o["dup_keep"]]
    wrong = [i for i, o in removed if rows[_keeper_index(o["dup_cluster"], i)]["group"] != rows[i]["group"]]
    assert wrong == []                                  # none of the 480 distinct examples removed
    copies = {r["group"] for r in rows if r["copy"]}
    assert len(copies) == 20
    for g in copies:                                    # each re-sent copy is found: one of the pair removed
        members = [i for i, r in enumerate(rows) if r["group"] == g]
        assert len({out[i]["dup_cluster"] for i in members}) == 1 and out[members[0]]["dup_cluster"]
        assert sum(not out[i]["dup_keep"] for i in members) == 1
    assert len(removed) == 20
    # the canned reply / shared instruction was set aside as boilerplate and the removal says so
    assert all(o["dup_boilerplate"] >= 1 for _, o in removed)


def test_system_prompt_alone_does_not_make_chats_duplicates_even_without_boilerplate_detection():
    rows = [r for r in scenario(seed=1, distinct=30, copies=0) if "messages" in r]
    out = dedup_table(_table(rows), {"boilerplate_share": 1.0})   # detector off: the role rule alone
    assert all(o["dup_keep"] for o in out.to_pylist())
    # whereas comparing the whole text (system prompt included) makes distinct chats near by Jaccard: removed, or
    # kept only because the dates and reference numbers their customers wrote differ (distinct_facts)
    whole = dedup_table(_table(rows), {"fields": "text", "boilerplate_share": 1.0})
    assert not all(whole.column("dup_keep").to_pylist()) or "distinct_facts" in whole.column("dup_reason").to_pylist()
    assert all(o["dup_reason"] is None for o in out.to_pylist())   # the role rule: not even near


def test_messages_as_json_text_work_like_nested_messages():
    import json

    rows = scenario(seed=2, distinct=15, copies=5)
    rows = [r for r in rows if "messages" in r]
    nested = dedup_table(_table(rows), {"boilerplate_min_docs": 3})
    as_json = pa.table({"messages": [json.dumps(r["messages"]) for r in rows], "text": [r["text"] for r in rows]})
    flat = dedup_table(as_json, {"boilerplate_min_docs": 3})
    assert nested.column("dup_cluster").to_pylist() == flat.column("dup_cluster").to_pylist()


def test_content_parts_are_compared_on_their_text_like_plain_content():
    """OpenAI's content as a list of parts ({"type": "text", "text": ...}) is the same chat as content as a string:
    the re-sent copy written with parts is found, and the parts' JSON keys make no two distinct chats alike."""
    import json

    rows = scenario(seed=2, distinct=15, copies=5)
    rows = [r for r in rows if "messages" in r]

    def parts(msgs):
        return [{**m, "content": [{"type": "text", "text": m["content"]}]} if m["role"] == "user" else m for m in msgs]

    plain = pa.table({"messages": [json.dumps(r["messages"]) for r in rows], "text": [r["text"] for r in rows]})
    mixed = pa.table({"messages": [json.dumps(parts(r["messages"]) if i % 2 else r["messages"])
                                   for i, r in enumerate(rows)], "text": [r["text"] for r in rows]})
    cols = ["dup_cluster", "dup_keep", "dup_reason", "dup_jaccard", "dup_shared"]
    want = dedup_table(plain, {"boilerplate_min_docs": 3}).select(cols).to_pylist()
    assert any(r["dup_cluster"] for r in want)  # the scenario's re-sent copies are found
    assert dedup_table(mixed, {"boilerplate_min_docs": 3}).select(cols).to_pylist() == want


def test_fullwidth_ligature_indic_digit_case_and_elongation_copies_cluster():
    base = "Please refund order 45123 for the broken file cabinet delivered to Pune last week"
    variants = [
        "Ｐｌｅａｓｅ ｒｅｆｕｎｄ ｏｒｄｅｒ ４５１２３ ｆｏｒ ｔｈｅ ｂｒｏｋｅｎ ﬁｌｅ ｃａｂｉｎｅｔ ｄｅｌｉｖｅｒｅｄ ｔｏ Ｐｕｎｅ ｌａｓｔ ｗｅｅｋ",
        "PLEASE refund order ४५१२३ for the broken ﬁle cabinet delivered to Pune last week",
        "Pleaseeeee refund order ৪৫১২৩ for the brokennn file cabinet delivered to Pune last weeeek!!!",
    ]
    other = "Please refund order 99871 for the torn sofa cover that reached Nagpur in May"
    out = dedup_table(pa.table({"text": [base, *variants, other]})).to_pylist()
    assert [o["dup_keep"] for o in out] == [True, False, False, False, True]
    assert [o["dup_reason"] for o in out[1:4]] == ["exact", "exact", "exact"]
    assert out[4]["dup_cluster"] is None or out[4]["dup_cluster"] != out[0]["dup_cluster"]


def test_texts_without_letters_match_only_identical_texts():
    texts = ["👍", "👍", "👎", "?", "?", "!!", "ok 👍", "ok 👎", "ok 👍", "🙏🙏", "🙏", "12345", "12345", "१२३४५"]
    out = dedup_table(pa.table({"text": texts})).to_pylist()
    # every cluster holds one distinct text only, and exactly the repeated texts form clusters
    for o, t in zip(out, texts):
        if o["dup_cluster"] is not None:
            members = {texts[i] for i, p in enumerate(out) if p["dup_cluster"] == o["dup_cluster"]}
            assert members == {t}, (t, members)
    in_cluster = sorted({t for t, o in zip(texts, out) if o["dup_cluster"] is not None})
    assert in_cluster == sorted(["👍", "?", "ok 👍", "12345"])


def _shingles(text, n=3):
    """Independent reference: lower-case words, elongations folded, word 3-grams as a Python set."""
    words = [re.sub(r"(\D)\1+", r"\1", w) for w in re.findall(r"\w+", text.lower())]
    return {tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def test_every_removed_row_has_keeper_and_exact_jaccard_equal_to_set_jaccard():
    import random

    rng = random.Random(5)
    vocab = [f"w{rng.randrange(10**6)}x" for _ in range(300)]
    docs = []
    for k in range(12):
        base = [rng.choice(vocab) for _ in range(60)]
        docs.append(" ".join(base))
        for _ in range(2):
            v = list(base)
            for _ in range(rng.randint(1, 6)):
                v[rng.randrange(len(v))] = rng.choice(vocab)
            docs.append(" ".join(v))
    out = dedup_table(pa.table({"text": docs}), {"threshold": 0.5}).to_pylist()
    removed = [(i, o) for i, o in enumerate(out) if not o["dup_keep"]]
    assert len(removed) >= 12
    for i, o in removed:
        k = _keeper_index(o["dup_cluster"], i)
        assert out[k]["dup_keep"] and k != i
        a, b = _shingles(docs[i]), _shingles(docs[k])
        assert o["dup_jaccard"] == round(len(a & b) / len(a | b), 4) >= 0.5
        assert 0.0 < o["dup_similarity"] <= 1.0 and o["dup_shared"]
        assert " ".join(o["dup_shared"].rstrip("…").split()[:3]) in docs[i]


def _template_tickets(seed=7, distinct=80, copies=12, greeting=""):
    """Tickets filled in from the same few template sentences for different customers: the text around
    the slots is shared, the customer's identifiers (or only their name) differ.  Re-sent copies keep
    the identifiers and change spacing and punctuation (and get ``greeting`` in front)."""
    import random

    rng = random.Random(seed)
    opening = ["Hello team, my debit card got blocked after I entered the wrong PIN three times at the ATM.",
               "Hi, the UPI payment failed but the money was debited from my savings account yesterday evening."]
    middle = ["I have already visited the branch twice and nobody could tell me when it will be fixed."]
    slots = [lambda: f"My registered mobile is {rng.randint(70000, 99999)} {rng.randint(10000, 99999)}.",
             lambda: f"Mail me at {rng.choice(['priya', 'arjun', 'meena', 'rahul'])}.{rng.randint(10, 999)}@example.in.",
             lambda: f"My UPI id is {rng.choice(['kiran', 'sunita', 'imran'])}{rng.randint(1, 99)}@okaxis.",
             lambda: f"Aadhaar {rng.randint(2000, 9999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}, "
                     f"uploaded on {rng.randint(1, 28)}/{rng.randint(1, 12)}/2026.",
             lambda: f"Account holder: {rng.choice(['Arjun', 'Meena', 'Divya'])} {rng.choice(['Rao', 'Iyer', 'Khan'])}."]
    rows, seen = [], set()
    while len(rows) < distinct:
        text = " ".join([rng.choice(opening), middle[0], rng.choice(slots)(), "Please resolve this at the earliest."])
        if text not in seen:   # an identical text would be a true duplicate, not a distinct example
            seen.add(text)
            rows.append({"text": text, "group": len(rows)})
    for g in rng.sample(range(distinct), copies):
        t = rows[g]["text"].replace(" twice", "  twice").replace("earliest.", "earliest!!")
        rows.append({"text": greeting + t, "group": g})
    rng.shuffle(rows)
    return rows


def test_template_tickets_of_different_customers_stay_apart_and_resent_copies_are_found():
    rows = _template_tickets()
    out = dedup_table(pa.table({"text": [r["text"] for r in rows]})).to_pylist()

    def has_id(text):
        return any(ch.isdigit() or ch == "@" for ch in text)

    # Every ticket that carries an identifier keeps its place; tickets that differ only in a name are
    # beyond the matcher (no identifier to tell them apart) and are not checked here.
    for i, o in enumerate(out):
        if not o["dup_keep"] and has_id(rows[i]["text"]):
            k = _keeper_index(o["dup_cluster"], i)
            assert rows[k]["group"] == rows[i]["group"], (rows[i]["text"], rows[k]["text"])
    assert sum(has_id(r["text"]) for r in rows) >= 50
    groups = {}
    for i, r in enumerate(rows):
        groups.setdefault(r["group"], []).append(i)
    resent = [m for m in groups.values() if len(m) > 1]
    found = [m for m in resent if len({out[i]["dup_cluster"] for i in m}) == 1 and out[m[0]]["dup_cluster"]]
    with_id = [m for m in resent if has_id(rows[m[0]]["text"])]
    assert all(m in found for m in with_id) and len(with_id) >= 6


@pytest.mark.xfail(strict=True, reason="known limitation: boilerplate is set aside by whole segments, so a greeting "
                   "glued to a template sentence ('Dear Sir, Hello team, my card...') makes that sentence content "
                   "in the copy only; when the template sentences are most of the text the copy is missed")
def test_resent_template_ticket_with_a_greeting_glued_to_a_boilerplate_sentence_is_found():
    rows = _template_tickets(greeting="Dear Sir, ")
    out = dedup_table(pa.table({"text": [r["text"] for r in rows]})).to_pylist()
    groups = {}
    for i, r in enumerate(rows):
        groups.setdefault(r["group"], []).append(i)
    resent = [m for m in groups.values() if len(m) > 1 and any(ch.isdigit() for ch in rows[m[0]]["text"])]
    assert all(len({out[i]["dup_cluster"] for i in m}) == 1 and out[m[0]]["dup_cluster"] for m in resent)


@pytest.mark.parametrize("shingle", ["word", "char"])
def test_kept_first_pass_tokens_give_the_same_result_as_reading_the_texts_again(monkeypatch, shingle):
    """Verification takes the first pass's tokens when they fit the budget, else re-reads and re-tokenizes the
    texts (file mode, big tables); a budget crossed half-way drops them.  All three give the same columns."""
    from curate.dedup import core
    from tests.dedup.corpus import corpus

    rows = scenario(seed=3, distinct=60, copies=12)
    texts = [r["text"] for r in corpus(seed=3, per_script=4)]
    rng = __import__("random").Random(3)
    rows += [{"text": t} for t in texts] + [{"text": t.upper() + " 👍"} for t in rng.sample(texts, 10)]
    rows += [{"text": "Ｏｒｄｅｒ １２３４５ ﬁled by priya.k@okaxis"}, {"text": "order 12345 filed by PRIYA.K@OKAXIS"},
             {"text": "👍"}, {"text": "👍"}, {"text": ""}, {"text": None}]
    table = _table(rows)
    params = {"shingle": shingle, "ngram": 5 if shingle == "char" else 3}
    outs = []
    for budget in (core.KEEP_TOKEN_BYTES, 0, 200_000):
        monkeypatch.setattr(core, "KEEP_TOKEN_BYTES", budget)
        outs.append(dedup_table(table, params, batch_size=64))
    assert outs[0].column("dup_keep").to_pylist().count(False) > 12      # the comparison is not vacuous
    assert outs[0].equals(outs[1]) and outs[0].equals(outs[2])


def test_chats_that_call_different_tools_or_arguments_are_distinct_examples():
    """An assistant turn with ``content: null`` and ``tool_calls`` is compared on its calls (the training target):
    chats that differ only in the function called or its arguments are not duplicates, a re-sent copy is exact,
    and a chat differing only in an account number is at most a near duplicate (never called exact)."""
    import json

    def chat(name, args, result):
        return json.dumps([
            {"role": "system", "content": "You are the bank's assistant. Use the tools."},
            {"role": "user", "content": "Please help me with my savings account."},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}]},
            {"role": "tool", "tool_call_id": "c1", "content": json.dumps(result)},
            {"role": "assistant", "content": "Done, please check the app."}])

    msgs = [chat("get_balance", {"account": "savings"}, {"ok": True}),
            chat("block_card", {"card": "debit", "reason": "lost"}, {"ok": True}),
            chat("update_address", {"city": "Pune", "pin_from_profile": True}, {"ok": True}),
            chat("get_balance", {"account": "savings"}, {"ok": True}),            # re-sent copy of row 1
            chat("get_balance", {"account": "SB-0042"}, {"ok": True}),
            chat("get_balance", {"account": "SB-0043"}, {"ok": True})]
    out = dedup_table(pa.table({"messages": msgs, "text": ["x"] * len(msgs)})).to_pylist()
    assert [o["dup_keep"] for o in out[:3]] == [True, True, True]
    assert (out[3]["dup_keep"], out[3]["dup_reason"], out[3]["dup_cluster"]) == (False, "exact", out[0]["dup_cluster"])
    assert out[5]["dup_reason"] != "exact"
