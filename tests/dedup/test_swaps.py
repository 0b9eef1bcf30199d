"""A newcomer's chats and SFT pairs built from one template, where one swapped word makes another request.

Every expected value is decided by hand (a data engineer's reading of the rows, written here): a chat asking
about a *current* account is not a re-send of one about a *savings* account, nor is Priya's transfer Rahul's,
nor one to Delhi one to Mumbai, nor a *credit* card a *debit* card; a romanized Tamil "varala" (has not come)
denies what "vandhuduchu" (has come) states.  A copy re-sent through an HTML form (``don&#39;t``, ``&amp;``,
``&quot;``) is the same message.  No expected value is computed by curate.dedup.
"""

import html
import json

import pyarrow as pa
import pytest
from click.testing import CliRunner

from curate.cli.main import cli
from curate.dedup import dedup_table

SYSTEM = ("You are Aarav, a courteous virtual assistant for Bharat National Bank. Always greet the customer, never ask "
          "for the full card number, PIN, CVV or OTP, and never promise a refund before the branch verifies the claim. "
          "Escalate fraud reports to the cyber-cell queue and log every complaint with a ticket.")
CANNED = ("Thank you for contacting Bharat National Bank. We have registered your complaint and our team will get back "
          "to you within 48 hours. Your ticket number is TKT-{}. Is there anything else I can help you with?")
USER = ("Hello, I transferred Rs 5000 from my {acct} account to my brother {name} in {city} on 12 March using NEFT, "
        "but the money has not reached his account and the app shows the transaction as pending since then. "
        "Please help me resolve this quickly.")
TANGLISH = ("Vanakkam, naan 12 March anniki en savings account la irundhu 5000 rupai en thambi ku Madurai ku anuppinen "
            "aana panam innum {}, app la transaction pending nu kaatudhu, konjam seekiram check panni sollunga please.")


def _chat(user: str, ticket: int) -> str:
    return json.dumps([{"role": "system", "content": SYSTEM}, {"role": "user", "content": user},
                       {"role": "assistant", "content": CANNED.format(ticket)}], ensure_ascii=False)


def _out(table: pa.Table) -> list[dict]:
    return dedup_table(table).select(["dup_keep", "dup_cluster", "dup_reason", "dup_similarity", "dup_jaccard",
                                      "dup_shared"]).to_pylist()


def test_a_swapped_account_kind_name_place_or_card_is_another_chat():
    users = [USER.format(acct="savings", name="Rahul", city="Mumbai"),
             USER.format(acct="current", name="Rahul", city="Mumbai"),     # another account
             USER.format(acct="savings", name="Priya", city="Mumbai"),     # another beneficiary
             USER.format(acct="savings", name="Rahul", city="Delhi"),      # another city
             USER.format(acct="salary", name="Suresh", city="Chennai"),
             USER.format(acct="savings", name="Rahul", city="Mumbai").replace("NEFT", "IMPS"),   # another channel
             TANGLISH.format("varala"),                                    # has not come
             TANGLISH.format("vandhuduchu"),                               # has come
             # the first chat re-sent: all capitals, spaces doubled, a fresh ticket number in the reply
             "  " + USER.format(acct="savings", name="Rahul", city="Mumbai").upper().replace(" ", "  "),
             # ... and re-sent with the city mistyped and a shouted word: a typo is no other city
             USER.format(acct="savings", name="Rahul", city="Mumbia").replace("quickly", "URGENTLY")]
    rows = _out(pa.table({"messages": [_chat(u, 481200 + k) for k, u in enumerate(users)]}))
    assert [r["dup_keep"] for r in rows] == [True] * 8 + [False, False]
    for copy in rows[8:]:
        assert copy["dup_reason"] == "near" and copy["dup_cluster"] == rows[0]["dup_cluster"] == "row:1"
        assert copy["dup_jaccard"] >= 0.5 and copy["dup_similarity"] > 0
        assert "USING NEFT, BUT THE MONEY" in copy["dup_shared"].upper()
    # the swaps were near by Jaccard: they are kept for their facts, and say so
    assert [r["dup_reason"] for r in rows[1:4]] == ["distinct_facts"] * 3


def test_a_debit_card_is_not_a_credit_card_in_a_multi_turn_chat():
    follow = ("Also, should I block my {} card ending 4421 until this is resolved or can I keep using it for "
              "payments at shops and online?")
    reply = "You can keep using the card; there is no sign of fraud on this transaction."
    base = USER.format(acct="savings", name="Rahul", city="Mumbai")
    chats = [json.dumps([{"role": "user", "content": base}, {"role": "assistant", "content": CANNED.format(11)},
                         {"role": "user", "content": follow.format(kind)}, {"role": "assistant", "content": reply}])
             for kind in ("debit", "credit")]
    assert [r["dup_keep"] for r in _out(pa.table({"messages": chats}))] == [True, True]


def test_sft_inputs_from_one_template_with_the_same_label_stay():
    instruction = "Identify the intent of the customer message and answer with one label."
    inputs = [f"Customer message: I want to close my savings account because I am moving to {c} next month and "
              "will not need it anymore, please guide me." for c in ("Canada", "Dubai", "Singapore")]
    rows = _out(pa.table({"instruction": [instruction] * 3, "input": inputs, "output": ["account_closure"] * 3}))
    assert [r["dup_keep"] for r in rows] == [True, True, True]


def test_an_html_escaped_copy_is_a_copy(tmp_path):
    text = ("I don't understand why my EMI of Rs 12,400 for the home loan & car loan was debited twice this month; "
            "please reverse the extra debit and confirm by SMS as soon as possible, it's urgent.")
    rows = [{"id": "orig", "text": text},
            {"id": "escaped", "text": html.escape(text)},                       # don&#x27;t, &amp;
            {"id": "numeric", "text": text.replace("'", "&#39;")},              # don&#39;t
            {"id": "para", "text": "<p>" + text.replace("&", "&amp;") + "</p>"},
            {"id": "denied", "text": text.replace("I don't understand", "I understand")}]   # another statement
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    res = CliRunner().invoke(cli, ["dedup", str(src), "--output", str(dst), "--json"])
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["dup_keep"] for r in out] == [True, False, False, False, True]
    assert [r["dup_cluster"] for r in out[1:4]] == ["row:1"] * 3
    # read as the ingest reads markup, the three are the same folded text: exact copies of row 1
    assert [(r["dup_reason"], r["dup_jaccard"], r["dup_similarity"]) for r in out[1:4]] == [("exact", 1.0, 1.0)] * 3
    assert out[3]["text"].startswith("<p>")   # the stored text is not changed


def test_a_copy_that_drops_a_name_and_shouts_a_word_is_still_a_copy():
    # "Bharat" dropped (a name on one side only), "URGENT" added in capitals: a shouted word is no name, so
    # nothing names something the other lacks on *both* sides.
    text = ("My debit card was swallowed by the Bharat Bank ATM near the railway station yesterday evening and the "
            "branch asked me to write in, please tell me how to get it back or block it.")
    copy = text.replace("the Bharat Bank ATM", "the Bank ATM").replace("please tell", "URGENT please tell")
    rows = _out(pa.table({"text": [text, copy]}))
    assert [(r["dup_keep"], r["dup_reason"], r["dup_cluster"]) for r in rows] == [(True, None, "row:1"),
                                                                                 (False, "near", "row:1")]


def test_an_opposite_swapped_in_a_template_is_another_entry():
    # debited / credited, 10 am / 10 pm, before / after; Hindi morning / evening (सुबह / शाम), deposit / debit.
    en = ("Hello team, an amount of Rs 4500 was {v} my salary account on 3 June at 10 {t} and I did not get any SMS "
          "alert about it, please check and explain this entry {p} the month end closing.")
    hi = ("नमस्ते, मेरे बचत खाते में 3 जून को {t} के समय 4500 रुपये {v} हुए लेकिन मुझे कोई एसएमएस नहीं आया, कृपया इस "
          "लेनदेन की जांच करके मुझे जल्द से जल्द जानकारी दें।")
    texts = [en.format(v="debited from", t="am", p="before"), en.format(v="credited to", t="am", p="before"),
             en.format(v="debited from", t="pm", p="before"), en.format(v="debited from", t="am", p="after"),
             hi.format(t="सुबह", v="जमा"), hi.format(t="शाम", v="जमा"), hi.format(t="सुबह", v="डेबिट"),
             # a re-send of the first: a greeting, the amount as ₹4,500.00
             "Good evening. " + en.format(v="debited from", t="am", p="before").replace("Rs 4500", "Rs 4,500.00")]
    rows = _out(pa.table({"text": texts}))
    assert [r["dup_keep"] for r in rows] == [True] * 7 + [False]
    assert rows[7]["dup_cluster"] == "row:1" and rows[7]["dup_reason"] == "near"


def test_an_indic_word_one_byte_from_another_is_no_typo_of_it():
    # शाम (evening) and काम (work) differ in one UTF-8 byte: the evening entry is not the morning one
    hi = ("मैंने कल {} को ऑफिस के काम से लौटते समय एटीएम से 2000 रुपये निकाले लेकिन मशीन से पैसे नहीं निकले और खाते से "
          "राशि कट गई, कृपया जांच करके पैसे वापस करें।")
    rows = _out(pa.table({"text": [hi.format("शाम"), hi.format("सुबह")]}))
    assert [r["dup_keep"] for r in rows] == [True, True]


# Found by the newcomer and not fixed yet (expected values are the newcomer's, by hand): each is two examples.
@pytest.mark.xfail(strict=True, reason="known limitation: the system prompt is never compared, so two chats whose "
                   "per-row system prompts carry another customer's profile are exact duplicates when their turns "
                   "are the same (a shared system prompt is boilerplate and should stay aside; a per-row one is "
                   "context that should split exact groups and near pairs, like the target rule)")
def test_chats_with_another_customers_system_prompt_are_two_examples():
    user = "Can I make a transfer of Rs 2,000 to my landlord today through the app, and will there be any charges?"
    reply = "Let me check your account details and the transfer limits for you, one moment please."
    chats = [json.dumps([{"role": "system", "content": f"You are a support assistant. Customer profile: {p}."},
                         {"role": "user", "content": user}, {"role": "assistant", "content": reply}])
             for p in ("Rahul Sharma, savings account, balance Rs 5,000, KYC complete",
                       "Priya Nair, current account, balance Rs 300, KYC pending")]
    assert [r["dup_keep"] for r in _out(pa.table({"messages": chats}))] == [True, True]


@pytest.mark.xfail(strict=True, reason="known limitation: a swapped common noun in lower case (phone / laptop, card / "
                   "wallet) is read as a word edit of a re-send; only the KINDS lexicon and capitalised names count")
def test_sft_inputs_that_swap_a_product_are_two_examples():
    review = ("The delivery was quick and the {} works perfectly after two weeks of daily use, very happy with this "
              "purchase overall and would recommend it.")
    rows = _out(pa.table({"instruction": ["Classify the sentiment of the review."] * 2,
                          "input": [review.format("phone"), review.format("laptop")], "output": ["positive"] * 2}))
    assert [r["dup_keep"] for r in rows] == [True, True]


@pytest.mark.xfail(strict=True, reason="known limitation: names and places in scripts without capitals are not read "
                   "(मुंबई / दिल्ली)")
def test_a_hindi_chat_to_another_city_is_another_chat():
    hi = ("नमस्ते, मैंने 12 मार्च को अपने बचत खाते से 5000 रुपये अपने भाई को {} भेजे थे लेकिन पैसे अभी तक नहीं पहुंचे और "
          "ऐप में लेनदेन लंबित दिखा रहा है, कृपया जल्दी जांच करके बताइए कि क्या करना है।")
    assert [r["dup_keep"] for r in _out(pa.table({"text": [hi.format("मुंबई"), hi.format("दिल्ली")]}))] == [True, True]


@pytest.mark.xfail(strict=True, reason="known limitation: currency symbols and signs are word separators, so $4500 / "
                   "Rs 4500 differ by a dropped word and Rs -4500 / Rs 4500 are the same folded text")
def test_another_currency_or_sign_is_another_entry():
    en = ("Hello team, an amount of {} was debited from my salary account on 3 June at 10 am and I did not get any "
          "SMS alert about it, please check and explain this entry before the month end closing.")
    rows = _out(pa.table({"text": [en.format("Rs 4500"), en.format("$4500"), en.format("Rs -4500")]}))
    assert [r["dup_keep"] for r in rows] == [True, True, True]
