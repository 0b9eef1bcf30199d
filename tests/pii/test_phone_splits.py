"""Phone numbers in unusual groupings and separators, and numbers split across chat turns or lines.

Each number is a valid Indian mobile by libphonenumber (or a Verhoeff-valid Aadhaar by python-stdnum); the
expectation is that none of its digits survive as a run, whatever was written between them."""

import json

import phonenumbers
import pyarrow as pa
import pytest
from stdnum import verhoeff
from stdnum.in_ import aadhaar

from curate.pii.stage import PiiConfig, pii_batch

PHONE = "9845012345"
assert phonenumbers.is_valid_number(phonenumbers.parse(PHONE, "IN"))
AADHAAR = "23456789012" + verhoeff.calc_check_digit("23456789012")
assert aadhaar.is_valid(AADHAAR)
CFG = PiiConfig(nlp="none")
DEVA = "".join(chr(0x0966 + int(c)) for c in PHONE)
FULL = "".join(chr(0xFF10 + int(c)) for c in PHONE)


def _digits(s):
    return "".join(c for c in s if c.isdigit())


def _anon(**cols):
    return pii_batch(pa.table({k: [v] for k, v in cols.items()}), CFG).to_pylist()[0]


def _leaks(text: str, number: str = PHONE) -> bool:
    """Any 5 consecutive digits of the number, in any digit system, still readable in the output."""
    ascii_ = "".join(str(int(c)) if c.isdigit() else c for c in text)  # int() reads every Unicode decimal digit
    d = _digits(ascii_)
    return any(number[i:i + 5] in d for i in range(len(number) - 4))


FORMATS = [
    "98450 12345", "98-450-123-45", "+91.98450.12345", DEVA, FULL, "98 45 01 23 45", "9845 012 345",
    "(98450) 12345", "+91 984 501 2345", "0 98450 12345", "9 8 4 5 0 1 2 3 4 5", "9.8.4.5.0.1.2.3.4.5",
    "98450_12345", "+91–98450–12345", "98450 – 12345", "+91 - 98450 - 12345", "98450\u202f12345",
    "98450\u00a012345", "+91\u2011984\u201150\u201112345", "98450\u200b12345", "＋９１－９８４５０－１２３４５",
    "+91\u2009984\u200950\u200912345", "98450\u221212345", "+९१ ९८४५० १२३४५",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_phone_in_any_grouping_and_separator(fmt):
    for sentence in (f"please call me on {fmt} after 5 pm", fmt):
        out = _anon(text=sentence)["pii_text"]
        assert "<IN_PHONE>" in out and not _leaks(out), (sentence, out)


def test_aadhaar_with_unicode_dashes_and_spaces():
    for sep in ("\u2013", "\u00a0", "\u2212", "\u202f"):
        written = sep.join([AADHAAR[:4], AADHAAR[4:8], AADHAAR[8:]])
        out = _anon(text=f"aadhaar {written}")["pii_text"]
        assert not _leaks(out, AADHAAR), out


def _chat(*turns):
    return json.dumps([{"role": r, "content": c} for r, c in turns], ensure_ascii=False)


@pytest.mark.parametrize("turns", [
    [("user", "my number is 98450"), ("assistant", "and the rest?"), ("user", "12345")],
    [("user", "call me on 98450"), ("user", "12345 after 5")],
    [("user", "number: 98"), ("user", "4501"), ("user", "2345")],
    [("user", "it is +91 98450"), ("assistant", "ok"), ("user", "12345.")],
])
def test_phone_split_across_one_speakers_turns(turns):
    text = "\n".join(c for _, c in turns)  # the chat flattened into text, as ingest writes it
    row = _anon(text=text, messages=_chat(*turns))
    for out in (row["pii_text"], row["pii_messages"]):
        assert not _leaks(out), out
    assert all(_digits(m["content"]) == "" or "<IN_PHONE>" in m["content"] for m in json.loads(row["pii_messages"])
               if m["role"] == "user"), row["pii_messages"]


def test_aadhaar_split_across_turns():
    turns = [("user", f"aadhaar is {AADHAAR[:4]} {AADHAAR[4:8]}"), ("assistant", "go on"), ("user", AADHAAR[8:])]
    row = _anon(text="\n".join(c for _, c in turns), messages=_chat(*turns))
    assert not _leaks(row["pii_messages"], AADHAAR) and AADHAAR[8:] not in row["pii_messages"]


@pytest.mark.parametrize("turns", [
    # counts and amounts next to another number are not glued into one
    [("user", "I ordered 2"), ("user", "items for 500")],
    [("user", "order 98450"), ("assistant", "which one?"), ("user", "the one from 12/03")],
    [("user", "my pin is 4501"), ("user", "23 days ago I called")],
    # another speaker's number is not this speaker's
    [("user", "my number ends 98450"), ("assistant", "12345 is our branch code")],
])
def test_numbers_of_different_things_are_not_joined(turns):
    row = _anon(text="chat", messages=_chat(*turns))
    assert "<IN_PHONE>" not in row["pii_messages"] and "<IN_AADHAAR>" not in row["pii_messages"], row["pii_messages"]


EN = "zero one two three four five six seven eight nine".split()
HINGLISH = "shunya ek do teen chaar paanch chhe saat aath nau".split()
HINDI = "शून्य एक दो तीन चार पांच छह सात आठ नौ".split()


@pytest.mark.parametrize("words", [EN, HINGLISH, HINDI])
def test_phone_spelled_out_in_words(words):
    spelled = " ".join(words[int(c)] for c in PHONE)
    out = _anon(text=f"mera number {spelled} hai, call karo")["pii_text"]
    assert "<IN_PHONE>" in out and not any(words[int(c)] + " " + words[int(d)] in out for c, d in zip(PHONE, PHONE[1:])
                                          if len(words[int(c)]) > 2 and len(words[int(d)]) > 2), out


def test_phone_half_spelled_and_doubled():
    out = _anon(text="call nine 8 four 5 zero 1 two 3 four 5 today")["pii_text"]
    assert out == "call <IN_PHONE> today", out
    out = _anon(text="it is double nine eight eight seven six five four three two")["pii_text"]  # 9988765432
    assert phonenumbers.is_valid_number(phonenumbers.parse("9988765432", "IN")) and "<IN_PHONE>" in out, out


@pytest.mark.parametrize("text", ["one two three four five six seven eight nine ten, done",
                                  "I bought one or two items, then three four five more",
                                  "Table for two, three, four or five people at eight"])
def test_counting_in_words_is_not_a_phone(text):
    assert _anon(text=text)["pii_text"] == text


def test_phones_glued_to_their_word_and_listed_with_a_slash():
    other = "9123456780"
    assert phonenumbers.is_valid_number(phonenumbers.parse(other, "IN"))
    for text in (f"call{PHONE} now", f"ph{PHONE} now", f"mob+91{PHONE} now"):
        assert _anon(text=text)["pii_text"].endswith("<IN_PHONE> now"), text
    out = _anon(text=f"numbers {PHONE}/{other} both")["pii_text"]
    assert out == "numbers <IN_PHONE>/<IN_PHONE> both", out
    assert _anon(text=f"order ORD{PHONE} shipped")["pii_text"] == f"order ORD{PHONE} shipped"  # an order id's letters
