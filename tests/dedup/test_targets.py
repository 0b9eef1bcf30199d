"""Chats and SFT pairs whose training targets (assistant turns / output) say different things are distinct
examples, however near their prompts; their re-sent copies (same target, numbers aside) are still found.
Expected values are hand-written: which rows a person would call one example."""

import pyarrow as pa
import pytest

from curate.dedup import dedup_table

INSTRUCTION = "Summarise the account status for the customer in one line."
INPUT = ("Our records show that the savings account linked to this request has been {w} for all online "
         "transactions including NEFT, RTGS and IMPS, and the change was recorded by the branch after the "
         "customer's written request last week.")
OUTPUT = "The account is {w} for online transactions."
STATES = ("blocked", "unblocked", "enabled", "disabled")

HI_INSTRUCTION = "इस वाक्य का हिंदी में अनुवाद करें।"
HI_INPUT = ("The branch opens at 10 in the {w} and the manager meets customers in the {w} on all working days "
            "except Saturday.")
HI_OUTPUT = "शाखा {w} 10 बजे खुलती है और प्रबंधक शनिवार को छोड़कर सभी कार्य दिवसों में {w} ग्राहकों से मिलते हैं।"


def _sft(rows):
    return pa.Table.from_pylist([{"instruction": i, "input": x, "output": o} for i, x, o in rows])


def _chats(chats):
    return pa.table({"messages": [[{"role": r, "content": c} for r, c in turns] for turns in chats]})


def _kept_all(out: pa.Table) -> bool:
    return all(out.column("dup_keep").to_pylist()) and not any(out.column("dup_cluster").to_pylist())


def _one_cluster(out: pa.Table) -> bool:
    clusters = out.column("dup_cluster").to_pylist()
    return clusters[0] is not None and len(set(clusters)) == 1 and out.column("dup_keep").to_pylist().count(True) == 1


def test_newcomers_four_account_states_are_four_examples():
    out = dedup_table(_sft([(INSTRUCTION, INPUT.format(w=w), OUTPUT.format(w=w)) for w in STATES]))
    assert _kept_all(out)


def test_newcomers_hindi_morning_and_evening_translations_are_two_examples():
    rows = [(HI_INSTRUCTION, HI_INPUT.format(w=en), HI_OUTPUT.format(w=hi))
            for en, hi in (("morning", "सुबह"), ("evening", "शाम"))]
    assert _kept_all(dedup_table(_sft(rows)))


def test_same_output_for_a_changed_prompt_word_is_still_one_example():
    # the target is what training teaches: an input re-sent with one word edited and the same output is a copy
    rows = [(INSTRUCTION, INPUT.format(w="blocked"), OUTPUT.format(w="blocked")),
            (INSTRUCTION, INPUT.format(w="blocked").replace("written request", "signed request"),
             OUTPUT.format(w="blocked"))]
    assert _one_cluster(dedup_table(_sft(rows)))


@pytest.mark.parametrize("output_copy", [
    "the account is BLOCKED for online transactions",          # case and a dropped full stop: folded away
    "The account is blocked for online transactions.",
])
def test_resent_sft_copy_with_the_same_target_clusters(output_copy):
    rows = [(INSTRUCTION, INPUT.format(w="blocked"), OUTPUT.format(w="blocked")),
            (INSTRUCTION, INPUT.format(w="blocked").replace("Our records", "Our  records").replace(" last week", ""),
             output_copy)]
    assert _one_cluster(dedup_table(_sft(rows)))


USER = ("My debit card ending 4417 was blocked yesterday after I entered a wrong PIN twice at the ATM near "
        "Andheri station and now I cannot pay my electricity bill online, please help me get it working again.")


def test_resent_chat_with_a_fresh_ticket_number_in_the_reply_clusters():
    chats = [[("system", "You are a bank assistant."), ("user", USER),
              ("assistant", "Your ticket number is 48213977. The card will be unblocked within 24 hours.")],
             [("system", "You are a bank assistant."), ("user", USER.replace("please help", "kindly help")),
              ("assistant", "Your ticket number is 90311544. The card will be unblocked within 24 hours.")]]
    assert _one_cluster(dedup_table(_chats(chats)))


def test_chats_whose_assistant_turns_say_different_things_are_distinct():
    chats = [[("user", USER), ("assistant", "The card will be unblocked within 24 hours.")],
             [("user", USER), ("assistant", "The card will stay blocked until you visit the branch.")]]
    assert _kept_all(dedup_table(_chats(chats)))


def test_plain_text_near_duplicates_are_untouched_by_the_target_rule():
    text = INPUT.format(w="blocked")
    out = dedup_table(pa.table({"text": [text, text.replace("written request", "signed request")]}))
    assert _one_cluster(out)


def test_the_same_input_with_two_labels_is_a_conflict_kept_not_a_copy_removed():
    """A second newcomer's classification pairs: one input labelled "positive" and "negative". The labels are so
    frequent they are boilerplate, which made both targets "no content" and removed one as a near duplicate."""
    import random

    rng = random.Random(1)  # filler rows so the two labels occur in well over 1 % of the rows
    words = ("branch manager helpful rude slow fast card loan account app login failed refund delayed quick staff "
             "service queue waiting excellent poor upi transfer cheque deposit").split()
    rows = [{"instruction": "Classify sentiment as positive or negative",
             "input": " ".join(rng.choice(words) for _ in range(18)) + f" visit {i}",
             "output": rng.choice(["positive", "negative"])} for i in range(120)]
    conflict = ("The branch manager in Andheri was extremely helpful and solved my KYC issue the same day and also "
                "waived the charges")
    rows += [{"instruction": "Classify sentiment as positive or negative", "input": conflict, "output": "positive"},
             {"instruction": "Classify sentiment as positive or negative", "input": conflict, "output": "negative"},
             {"instruction": "Classify sentiment as positive or negative", "input": conflict + "!!",
              "output": "positive"}]
    out = dedup_table(pa.Table.from_pylist(rows)).to_pylist()[-3:]
    assert [r["dup_keep"] for r in out] == [True, True, False]   # the re-sent copy of the first still goes
    assert out[2]["dup_cluster"] == out[0]["dup_cluster"] and out[1]["dup_cluster"] != out[0]["dup_cluster"]
