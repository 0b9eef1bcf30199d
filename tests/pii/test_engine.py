"""The detector's decisions: fail closed on typos next to context words, and overlaps resolved to their union.

Typos are made by hand from stdnum-valid / published numbers, and stdnum confirms each one is invalid.
"""

import json

import phonenumbers
import pyarrow as pa
import pytest
from stdnum import luhn
from stdnum.in_ import aadhaar, epic, gstin, pan, vid

from curate.pii.engine import PRIORITY, Span, resolve
from curate.pii.stage import PiiConfig, pii_batch

ISSUE_AADHAAR = ["248063581782", "690652863031", "253665666580", "733647176417"]
ISSUE_VID = ["8457824646924696", "9736535054324637"]


def _typo(number: str, valid) -> str:
    """The number with its last digit changed so that ``valid`` (a stdnum oracle) rejects it."""
    return next(number[:-1] + d for d in "0123456789" if d != number[-1] and not valid(number[:-1] + d))


def run(texts):
    return pii_batch(pa.table({"text": texts}), PiiConfig(nlp="none")).to_pylist()


# ------------------------------------------------------------------ the issue's examples, through the stage

@pytest.mark.parametrize("frame", ["{}", "Aadhaar {}", "my aadhaar number is {}", "आधार {}", "Aadhaar: {} hai"])
def test_issue_aadhaar_and_vid_examples_are_anonymized(frame):
    values = ISSUE_AADHAAR + [f"{a[:4]} {a[4:8]} {a[8:]}" for a in ISSUE_AADHAAR]
    out = run([frame.format(v) for v in values])
    for v, row in zip(values, out):
        assert v not in row["pii_text"] and "<IN_AADHAAR>" in row["pii_text"], row["pii_text"]
        ents = json.loads(row["pii_entities"])
        assert [e["checksum_valid"] for e in ents] == [True]
    vids = run([frame.replace("Aadhaar", "VID").replace("aadhaar number", "VID").replace("आधार", "वीआईडी").format(v)
                for v in ISSUE_VID])
    if "{}" != frame:  # a bare 16-digit number needs its context word (one random number in ten passes Verhoeff)
        assert all(v not in r["pii_text"] for v, r in zip(ISSUE_VID, vids))


# ------------------------------------------------------------------ fail closed on typos

# Ten digits that libphonenumber rejects as an Indian number (some number plans start with 5 or 1 too).
_BAD_PHONE = next(c for c in ("5876543210", "1234567890", "0123456789", "2000000000", "0000098765")
                  if not phonenumbers.is_valid_number(phonenumbers.parse("+91" + c)))

TYPOS = [
    # (context frame, mistyped value, entity) — every value fails stdnum's check
    ("Aadhaar {}", _typo("248063581782", aadhaar.is_valid), "IN_AADHAAR"),
    ("aadhar no. {}", _typo("690652863031", aadhaar.is_valid), "IN_AADHAAR"),
    ("UID: {}", "1234 5678 9012", "IN_AADHAAR"),                        # leading 1 is never issued: still a typo
    ("मेरा आधार {} है", _typo("253665666580", aadhaar.is_valid), "IN_AADHAAR"),
    ("আধার {}", _typo("733647176417", aadhaar.is_valid), "IN_AADHAAR"),
    ("ஆதார் {}", _typo("234123412346", aadhaar.is_valid), "IN_AADHAAR"),
    ("ఆధార్ {}", _typo("248063581782", aadhaar.is_valid), "IN_AADHAAR"),
    ("آدھار {}", _typo("690652863031", aadhaar.is_valid), "IN_AADHAAR"),
    # (a typo that happens to pass Luhn would be a card number even without context, so avoid those)
    ("VID {}", _typo("8457824646924696", lambda n: vid.is_valid(n) or luhn.is_valid(n)), "IN_VID"),
    ("PAN {}", "ABCXD1234K", "IN_PAN"),                                  # X is no holder type
    ("पैन {}", "ACUPA0000R", "IN_PAN"),                                  # sequence 0000 is never issued
    ("GSTIN {}", "27AAPFU0939F1ZO", "IN_GSTIN"),                         # stdnum: InvalidChecksum
    ("debit card {}", _typo("4000056655665556", luhn.is_valid), "CREDIT_CARD"),
    ("voter id {}", "WKH1186263", "IN_VOTER"),                           # stdnum's documented bad EPIC
    ("mobile {}", _BAD_PHONE, "IN_PHONE"),
    ("मोबाइल नंबर {} है", _BAD_PHONE, "IN_PHONE"),
]


@pytest.mark.parametrize("frame,value,entity", TYPOS, ids=[f"{e}:{f}" for f, _, e in TYPOS])
def test_typo_next_to_context_is_anonymized_with_checksum_invalid(detector, frame, value, entity):
    oracle = {"IN_AADHAAR": aadhaar.is_valid, "IN_VID": vid.is_valid, "IN_PAN": pan.is_valid, "IN_GSTIN": gstin.is_valid,
              "CREDIT_CARD": luhn.is_valid, "IN_VOTER": epic.is_valid}.get(entity)
    if oracle:
        assert not oracle(value.replace(" ", ""))
    text = frame.format(value)
    spans = [s for s in detector.detect(text) if text[s.start:s.end] == value]
    assert spans and spans[0].type == entity and spans[0].checksum_valid is False, detector.detect(text)
    assert spans[0].to_dict()["checksum_valid"] is False


@pytest.mark.parametrize("frame,value,entity", TYPOS, ids=[f"{e}:{f}" for f, _, e in TYPOS])
def test_same_typo_without_context_stays(detector, frame, value, entity):
    text = f"see {value} below"
    assert detector.detect(text) == [], detector.detect(text)


def test_checksum_valid_false_reaches_the_stage_entities():
    text = f"Aadhaar {_typo('248063581782', aadhaar.is_valid)} please update"
    row = run([text])[0]
    assert "<IN_AADHAAR>" in row["pii_text"]
    assert json.loads(row["pii_entities"])[0]["checksum_valid"] is False


def test_far_context_word_does_not_promote_a_typo(detector):
    # "Aadhaar" is 40+ characters away and a look-alike word stands right before the number.
    text = "Aadhaar was updated last week as requested; ref " + _typo("248063581782", aadhaar.is_valid)
    assert detector.detect(text) == []


# ------------------------------------------------------------------ overlaps → union under the outer type

def test_email_with_phone_like_local_part_is_anonymized_whole(detector):
    text = "write to firstname.surname.9876543210@company.co.in today"
    spans = detector.detect(text)
    assert [(text[s.start:s.end], s.type) for s in spans] == [("firstname.surname.9876543210@company.co.in",
                                                               "EMAIL_ADDRESS")]


@pytest.mark.parametrize("text,outer,entity", [
    ("UPI 9876543210@ybl please", "9876543210@ybl", "IN_UPI"),
    ("see https://example.org/u/rahul.sharma?phone=9876543210 now", "https://example.org/u/rahul.sharma?phone=9876543210",
     "URL"),
    ("mail Rahul.Sharma@example.co.in now", "Rahul.Sharma@example.co.in", "EMAIL_ADDRESS"),
])
def test_inner_entities_do_not_split_the_outer_one(detector, text, outer, entity):
    spans = detector.detect(text)
    assert [(text[s.start:s.end], s.type) for s in spans] == [(outer, entity)]


def test_resolve_unions_overlapping_spans_hand_computed():
    # Hand-made spans: A [0,10) phone, B [5,30) email overlaps A, C [29,35) person overlaps B (chain), D apart.
    a = Span(0, 10, "IN_PHONE", 1.0, "x")
    b = Span(5, 30, "EMAIL_ADDRESS", 0.9, "y")
    c = Span(29, 35, "PERSON", 0.7, "z")
    d = Span(40, 45, "PERSON", 0.8, "z")
    assert resolve([d, c, a, b]) == [Span(0, 35, "EMAIL_ADDRESS", 1.0, "y"), d]
    # Equal extent: the higher score names it; equal score too: the checksum-validated type (priority).
    e = Span(0, 12, "IN_AADHAAR", 1.0, "a", True)
    f = Span(0, 12, "IN_PHONE", 1.0, "p", True)
    assert PRIORITY["IN_AADHAAR"] > PRIORITY["IN_PHONE"]
    assert resolve([f, e]) == [e]
    # Touching spans ([0,5) and [5,9)) do not overlap and stay apart.
    g, h = Span(0, 5, "PERSON", 0.8, "n"), Span(5, 9, "PERSON", 0.8, "n")
    assert resolve([h, g]) == [g, h]


# ------------------------------------------------------------------ every digit position, through the detector

@pytest.mark.parametrize("number", ["248063581782", "733647176417"])
def test_every_single_digit_typo_is_a_look_alike_alone_and_an_aadhaar_in_context(detector, number):
    typos = {number[:i] + d + number[i + 1:] for i in range(12) for d in "0123456789" if d != number[i]}
    typos |= {number[:i] + number[i + 1] + number[i] + number[i + 2:] for i in range(11) if number[i] != number[i + 1]}
    for typo in sorted(typos):
        assert not aadhaar.is_valid(typo)  # stdnum: Verhoeff catches every one of them
        assert detector.detect(f"ref {typo} noted") == [], typo
        spans = detector.detect(f"Aadhaar {typo}")
        assert [(s.type, s.checksum_valid) for s in spans] == [("IN_AADHAAR", False)], typo
