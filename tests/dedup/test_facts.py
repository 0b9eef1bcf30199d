"""Near pairs whose facts differ (numbers, negations) are two examples; re-sent copies keep their facts.

Every expected value is written by hand: which rows are the same message re-sent (same amounts, dates and
polarity, only formatting changed) and which state another fact.  No expected value is computed by
curate.dedup itself.
"""

import json
import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from curate.cli.main import cli
from curate.dedup import dedup_table

NEWCOMER = [
    {"id": "n0", "text": "The customer says the cheque was cleared on Monday and the money is reflected in the account "
                         "balance now, no further action needed from branch."},
    {"id": "n1", "text": "The customer says the cheque was not cleared on Monday and the money is not reflected in the "
                         "account balance now, further action needed from branch."},
    {"id": "t0", "text": "Dear Sir, an amount of Rs 5000 was debited from my savings account on 12 March via ATM but "
                         "the beneficiary did not receive it. Kindly look into this and reverse the transaction at the "
                         "earliest. Regards"},
    {"id": "t2", "text": "Dear Sir, an amount of Rs 250 was debited from my savings account on 7 May via NEFT but the "
                         "beneficiary did not receive it. Kindly look into this and reverse the transaction at the "
                         "earliest. Regards"},
]
EN = ("Dear Sir, an amount of Rs {amt} was debited from my savings account on {date} via UPI but the beneficiary "
      "{pol} receive it. Kindly look into this and reverse the transaction at the earliest. Regards")
HI = ("महोदय, मेरे बचत खाते से {date} को यूपीआई द्वारा ₹{amt} कटे हैं लेकिन लाभार्थी को पैसे {pol}। कृपया जांच करके "
      "राशि जल्द से जल्द वापस करें, बहुत परेशानी हो रही है, धन्यवाद।")
TA = ("ஐயா, என் சேமிப்பு கணக்கிலிருந்து {date} அன்று ரூ {amt} யுபிஐ மூலம் எடுக்கப்பட்டது ஆனால் பணம் பயனாளிக்கு "
      "{pol}. தயவுசெய்து பரிவர்த்தனையை சரிபார்த்து பணத்தை உடனடியாக திருப்பி அனுப்பவும், மிக்க நன்றி.")


def _dedup(texts):
    out = dedup_table(pa.table({"text": texts}))
    return (out.column("dup_keep").to_pylist(), out.column("dup_cluster").to_pylist(),
            out.column("dup_reason").to_pylist())


def _write(path, rows):
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def test_the_newcomers_rows_are_all_kept_in_file_mode(tmp_path):
    # n1 states the opposite fact (not cleared, not reflected); t2 another amount, date and channel.
    src, dst = tmp_path / "dd.jsonl", tmp_path / "out.jsonl"
    _write(src, NEWCOMER)
    res = CliRunner().invoke(cli, ["dedup", str(src), "--output", str(dst), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["n0", "n1", "t0", "t2"]
    assert [r["dup_keep"] for r in rows] == [True, True, True, True]
    assert summary["removed"] == 0
    # each pair was near by Jaccard (0.516 and 0.59 in the report) and is kept apart for its facts
    assert [r["dup_reason"] for r in rows] == ["distinct_facts"] * 4
    assert summary["distinct_facts"] == 4


def test_a_resent_copy_with_reformatting_is_still_removed_beside_the_newcomers_rows():
    copy = ("Hello team,\n" + NEWCOMER[2]["text"].replace("Rs 5000", "Rs. 5,000.00").replace("12 March", "12/03")
            .replace("Kindly look", "Kindly  lok") + "\nRavi")
    keep, cluster, reason = _dedup([r["text"] for r in NEWCOMER] + [copy])
    assert keep == [True, True, True, True, False]
    assert cluster[4] == "row:3" and reason[4] == "near"


@pytest.mark.parametrize("a, b, how", [
    # the same amount and date: in Devanagari / Tamil digits (folded to ASCII: the same tokens, an exact
    # duplicate), the date with other separators / zero padding, a month name for the month number, Indian digit
    # grouping, a decimal zero, a greeting
    (EN.format(amt="5000", date="12/03/2024", pol="did not"),
     EN.format(amt="5,000.00", date="12-3-2024", pol="did not"), "near"),
    (EN.format(amt="100000", date="12/03/2024", pol="did not"),
     EN.format(amt="1,00,000", date="12 March 2024", pol="did not"), "near"),
    (HI.format(amt="5000", date="12/03/2024", pol="नहीं मिले"), HI.format(amt="५०००", date="१२/०३/२०२४", pol="नहीं मिले"),
     "exact"),
    (TA.format(amt="5000", date="12.03.2024", pol="வரவில்லை"), TA.format(amt="௫௦௦௦", date="௧௨.௦௩.௨௦௨௪", pol="வரவில்லை"),
     "exact"),
    (TA.format(amt="5000", date="12.03.2024", pol="வந்தது"),
     "வணக்கம் ஐயா, " + TA.format(amt="௫௦௦௦", date="௧௨/௩/௨௦௨௪", pol="வந்தது"), "near"),
])
def test_resent_copies_with_the_same_facts_written_differently_are_removed(a, b, how):
    keep, cluster, reason = _dedup([a, b])
    assert keep == [True, False] and cluster == ["row:1", "row:1"] and reason == [None, how]


@pytest.mark.parametrize("a, b", [
    # another amount (Devanagari digits on both sides), another month written out, another amount in Tamil digits
    (HI.format(amt="५०००", date="१२/०३/२०२४", pol="नहीं मिले"), HI.format(amt="२५०", date="१२/०३/२०२४", pol="नहीं मिले")),
    (EN.format(amt="5000", date="12 March 2024", pol="did not"),
     EN.format(amt="5000", date="12 April 2024", pol="did not")),
    (TA.format(amt="௫௦௦௦", date="௧௨.௦௩.௨௦௨௪", pol="வரவில்லை"), TA.format(amt="௨௫௦", date="௧௨.௦௩.௨௦௨௪", pol="வரவில்லை")),
    # a negation on one side only: English "not", "n't", Hindi नहीं, Tamil fused -இல்லை (வரவில்லை) and இல்லை
    (EN.format(amt="5000", date="12/03/2024", pol="did"), EN.format(amt="5000", date="12/03/2024", pol="did not")),
    (EN.format(amt="5000", date="12/03/2024", pol="did"), EN.format(amt="5000", date="12/03/2024", pol="didn't")),
    (HI.format(amt="5000", date="12/03/2024", pol="मिल गए"), HI.format(amt="5000", date="12/03/2024", pol="नहीं मिले")),
    (TA.format(amt="5000", date="12/03/2024", pol="வந்தது"), TA.format(amt="5000", date="12/03/2024", pol="வரவில்லை")),
    (TA.format(amt="5000", date="12/03/2024", pol="வந்தது"), TA.format(amt="5000", date="12/03/2024", pol="வந்தது இல்லை")),
])
def test_pairs_stating_another_number_or_a_negation_are_kept(a, b):
    keep, cluster, reason = _dedup([a, b])
    assert keep == [True, True] and cluster == [None, None]
    assert reason == ["distinct_facts", "distinct_facts"]


def test_another_day_in_digits_is_kept_apart_and_a_date_only_one_side_writes_in_digits_is_no_contradiction():
    # 12.03.2024 / 13.03.2024 (Tamil digits), 12/03/2024 / 13-03-2024: another day; 6/6/2026 / 6/12/2026: the
    # 6 stated twice against once.  3 November 2026 / 3/11/2026: the same date (a re-sent copy).
    a = TA.format(amt="௫௦௦௦", date="௧௨.௦௩.௨௦௨௪", pol="வரவில்லை")
    b = TA.format(amt="௫௦௦௦", date="௧௩.௦௩.௨௦௨௪", pol="வரவில்லை")
    c = EN.format(amt="5000", date="12/03/2024", pol="did not")
    d = EN.format(amt="5000", date="13-03-2024", pol="did not")
    e = EN.format(amt="49312", date="6/6/2026", pol="did not")
    f = EN.format(amt="49312", date="6/12/2026", pol="did not")
    keep, cluster, reason = _dedup([a, b, c, d, e, f])
    assert keep == [True] * 6 and reason == ["distinct_facts"] * 6
    keep, cluster, reason = _dedup([EN.format(amt="2500", date="3 November 2026", pol="did not"),
                                    EN.format(amt="2,500", date="3/11/2026", pol="did not")])
    assert keep == [True, False] and reason == [None, "near"]


def test_account_no_is_not_a_negation_and_a_number_only_one_side_adds_is_no_contradiction():
    base = ("I want to close my fixed deposit linked to account {acc} and move the money to my savings account "
            "at the Andheri branch before the end of this month please")
    a = base.format(acc="no. 123456789012")
    b = base.format(acc="number 123456789012") + ". Call me on 9876543210"
    keep, cluster, reason = _dedup([a, b])
    assert keep == [True, False] and reason == [None, "near"]


def test_a_system_ticket_number_inside_a_boilerplate_line_does_not_split_a_resent_copy():
    # 30 distinct messages, each with the helpdesk's line "Ticket NNNN logged at HH:MM ..." (a boilerplate segment:
    # digits aside, the same line in every document); the re-sent copy of message 0 got another ticket number
    # and time, its own words are the same.
    rng = random.Random(7)
    vocab = ["refund", "card", "branch", "loan", "balance", "statement", "transfer", "cheque", "limit", "pension",
             "nominee", "locker", "interest", "mandate", "passbook", "address", "mobile", "kyc", "deposit", "charges",
             "reversal", "dispute", "merchant", "wallet", "blocked", "delayed", "wrong", "extra", "pending", "closed"]
    msgs = [" ".join(rng.choice(vocab) for _ in range(24)) + "." for _ in range(30)]
    line = "Ticket {t} logged at {h}:{m} by the helpdesk system."
    texts = [line.format(t=1000 + 37 * i, h=9 + i % 8, m=10 + i) + "\n" + msg for i, msg in enumerate(msgs)]
    texts.append(line.format(t=4821, h=17, m=55) + "\n" + msgs[0])
    keep, cluster, reason = _dedup(texts)
    assert keep[30] is False and cluster[30] == "row:1" and reason[30] == "near"
    assert keep[:30] == [True] * 30


def test_a_resent_chat_with_a_fresh_ticket_number_in_the_reply_is_still_removed():
    user = EN.format(amt="5000", date="12/03/2024", pol="did not")
    chats = [[{"role": "user", "content": u},
              {"role": "assistant", "content": f"Thank you for contacting us. Your ticket number is {t}. We will "
                                               "reverse the transaction within 5 working days."}]
             for u, t in ((user, 4821), ("Hi,\n" + user.replace("5000", "5,000"), 9377))]
    out = dedup_table(pa.table({"messages": [json.dumps(c) for c in chats]}))
    assert out.column("dup_keep").to_pylist() == [True, False]
    assert out.column("dup_reason").to_pylist() == [None, "near"]


def test_parquet_file_mode_agrees(tmp_path):
    texts = [r["text"] for r in NEWCOMER]
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.table({"text": texts}), src)
    res = CliRunner().invoke(cli, ["dedup", str(src), "--output", str(dst), "--json"])
    assert res.exit_code == 0, res.output
    out = pq.read_table(dst)
    assert out.column("dup_keep").to_pylist() == [True] * 4
    assert out.column("dup_reason").to_pylist() == ["distinct_facts"] * 4


def test_workspace_stage_keeps_the_newcomers_rows_too(ws, tmp_path):
    from curate.runner import run_stage
    from tests.conftest import write_jsonl

    copy = "Hello team,\n" + NEWCOMER[2]["text"].replace("Rs 5000", "Rs 5,000")
    ws.ingest([write_jsonl(tmp_path / "dd.jsonl", NEWCOMER + [{"id": "t0-again", "text": copy}])])
    run_stage(ws, "minhash", {}, workers=1)
    run_stage(ws, "dedup", {})
    rows = ws.view().fetch_arrow_table().select(["text", "dup_keep", "dup_reason"]).to_pylist()
    by_text = {r["text"]: r for r in rows}
    assert [by_text[r["text"]]["dup_keep"] for r in NEWCOMER] == [True] * 4
    assert [by_text[r["text"]]["dup_reason"] for r in NEWCOMER] == ["distinct_facts"] * 4
    assert by_text[copy]["dup_keep"] is False and by_text[copy]["dup_reason"] == "near"
