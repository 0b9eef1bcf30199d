"""Pseudonyms within one document: consistent across fields and turns, no collisions, script and gender kept,
chat structure untouched, every entity type replaced by something of its own kind.

Expected values are hand-written (names, chats, addresses) or come from outside the code: python-stdnum and
phonenumbers validate the fake identifiers, Python's ``unicodedata`` names the script of a fake, Faker's
published name lists give the gender of a name.
"""

import json
import unicodedata

import phonenumbers
import pytest
from stdnum import luhn
from stdnum.in_ import aadhaar, gstin, pan, vid

from curate.pii.stage import PiiConfig, run_rows

KEY = b"test-hmac-key-0123456789"


def _chat(turns, cfg=None, key=KEY):
    rows = [{"text": "", "messages": json.dumps(turns)}]
    res = run_rows(rows, cfg or PiiConfig(nlp="none"), ["text", "messages"], keys={"hmac_key": key})[0]
    return json.loads(res.fields["messages"]), res


# --- 1. one document, one pseudonym per person ------------------------------------------------------------------
TURNS = [
    {"role": "user", "content": "Hi, I am Priya Sharma. My brother Rahul Sharma also banks with you."},
    {"role": "assistant", "content": "Thank you Priya, I can see both accounts."},
    {"role": "user", "content": "The card arrived, Rahul ji will collect it."},
]


def _words(text):
    return [w.strip(".,") for w in text.split()]


def test_same_person_same_pseudonym_in_every_turn():
    out, _ = _chat(TURNS)
    # Turn 1: "Hi, I am <G1> <S>. My brother <G2> <S> also banks with you."
    w1 = _words(out[0]["content"])
    g1, s1, g2, s2 = w1[3], w1[4], w1[7], w1[8]
    assert out[0]["content"] == f"Hi, I am {g1} {s1}. My brother {g2} {s2} also banks with you."
    assert {g1, g2, s1} & {"Priya", "Rahul", "Sharma"} == set()
    assert s1 == s2                      # one family name, one fake family name
    assert g1 != g2                      # two people, two names
    # "Priya" alone is the first name of "Priya Sharma"
    assert out[1]["content"] == f"Thank you {g1}, I can see both accounts."
    assert out[2]["content"] == f"The card arrived, {g2} ji will collect it."


def test_pseudonyms_do_not_depend_on_order_and_are_keyed():
    out, _ = _chat(TURNS)
    rev, _ = _chat(list(reversed(TURNS)))
    assert [m["content"] for m in rev] == [m["content"] for m in reversed(out)]
    other, _ = _chat(TURNS, key=b"another-key-0123456789abcdef")
    assert other[0]["content"] != out[0]["content"]


# Hand-written: 24 distinct Indian given names, several of which are also pseudonym candidates.
MANY = ["Priya", "Rahul", "Kiran", "Jyoti", "Suman", "Anil", "Sunita", "Deepak", "Pooja", "Vikram", "Neha", "Arjun",
        "Kavita", "Manoj", "Rekha", "Sanjay", "Anita", "Ravi", "Meena", "Suresh", "Geeta", "Ajay", "Lata", "Rohit"]


def test_different_people_never_share_a_pseudonym_in_a_document():
    text = " ".join(f"Mr {n} called." if i % 2 else f"Smt {n} called." for i, n in enumerate(MANY))
    res = run_rows([{"text": text}], PiiConfig(nlp="none"), ["text"], keys={"hmac_key": KEY})[0]
    persons = [e for e in res.entities if e["type"] == "PERSON"]
    assert sorted(text[e["start"]:e["end"]] for e in persons) == sorted(MANY)
    fakes = [w for w in res.fields["text"].split() if w not in ("Mr", "Smt", "called.")]
    assert len(fakes) == len(MANY) and len(set(fakes)) == len(MANY)   # no two people merged
    assert not set(fakes) & set(MANY)                                 # no fake is a real name of the document


# --- 2. script and gender ---------------------------------------------------------------------------------------
# "Rahul" written in each script (hand-written) -> the Unicode script name prefix of its letters.
RAHUL = {"राहुल": "DEVANAGARI", "রাহুল": "BENGALI", "ராகுல்": "TAMIL", "રાહુલ": "GUJARATI", "ਰਾਹੁਲ": "GURMUKHI",
         "ରାହୁଲ": "ORIYA", "రాహుల్": "TELUGU", "ರಾಹುಲ್": "KANNADA", "രാഹുൽ": "MALAYALAM"}


@pytest.mark.parametrize("name,script", list(RAHUL.items()), ids=list(RAHUL.values()))
def test_pseudonym_is_written_in_the_script_of_the_name(name, script):
    from curate.pii.pseudonyms import person_pseudonyms

    fake = person_pseudonyms(KEY, [f"{name} शर्मा" if script == "DEVANAGARI" else name])
    fake = next(iter(fake.values()))
    letters = [c for c in fake if unicodedata.category(c)[0] in "LM"]
    assert letters and all(unicodedata.name(c).startswith(script) for c in letters), fake
    assert name not in fake


def test_gender_follows_fakers_lists_where_they_know_it():
    faker = pytest.importorskip("faker.providers.person.en_IN")
    female, male = set(faker.Provider.first_names_female), set(faker.Provider.first_names_male)
    from curate.pii.pseudonyms import person_pseudonyms

    for name in ("Aadhya", "Ishani", "Tanvi"):
        assert name in female and name not in male
        assert person_pseudonyms(KEY, [name])[name] in female
    for name in ("Aarav", "Kabir", "Vivaan"):
        assert name in male and name not in female
        assert person_pseudonyms(KEY, [name])[name] in male


# --- 3. chat structure is never rewritten -----------------------------------------------------------------------
def test_tool_calls_keep_names_ids_and_keys_only_values_are_scanned():
    args = {"name": "Priya Sharma", "phone": "9845012345", "Priya": "keys stay"}
    turns = [
        {"role": "user", "content": "I am Priya Sharma, what is my balance?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_Priya_1", "type": "function",
             "function": {"name": "get_balance", "arguments": json.dumps(args)}}]},
        {"role": "tool", "tool_call_id": "call_Priya_1", "name": "get_balance", "content": "{\"balance\": 1200}"},
        {"role": "assistant", "content": "Priya, your balance is 1200."},
    ]
    out, res = _chat(turns)
    fake = _words(out[0]["content"])[2:4]
    assert out[0]["content"] == f"I am {fake[0]} {fake[1]}, what is my balance?"
    call = out[1]["tool_calls"][0]
    assert call["id"] == "call_Priya_1" and call["type"] == "function" and call["function"]["name"] == "get_balance"
    assert json.loads(call["function"]["arguments"]) == {"name": " ".join(fake), "phone": "<IN_PHONE>",
                                                         "Priya": "keys stay"}
    assert out[2] == turns[2] and [m["role"] for m in out] == [m["role"] for m in turns]
    assert out[3]["content"] == f"{fake[0]}, your balance is 1200."
    assert not any(e["field"].endswith((".name", ".id", ".role", ".tool_call_id")) and "arguments" not in e["field"]
                   for e in res.entities)


# --- 4. every entity type gets a replacement of its own kind -----------------------------------------------------
def test_places_named_after_people_get_an_address_replacement():
    cfg = PiiConfig(nlp="none")
    texts = ["Address: 12 Gandhi Road, Priya Nagar, Pune 411001", "Flat 4, near Rajiv Gandhi Chowk, Delhi"]
    out = [r.fields["text"] for r in run_rows([{"text": t} for t in texts], cfg, ["text"], keys={"hmac_key": KEY})]
    assert out == ["Address: 12 Gandhi Road, <ADDRESS>, Pune <IN_PIN_CODE>", "Flat 4, near <ADDRESS>, Delhi"]
    # Under an all-pseudonym policy a place still never becomes a person's name.
    allp = PiiConfig(nlp="none", policy={"default": {"operator": "pseudonym"}})
    out = run_rows([{"text": texts[1]}], allp, ["text"], keys={"hmac_key": KEY})[0].fields["text"]
    assert out == "Flat 4, near <ADDRESS>, Delhi"
    # A person whose surname is a place word stays a person.
    person = run_rows([{"text": "Smt. Priya Nagar called"}], cfg, ["text"], keys={"hmac_key": KEY})[0]
    assert [e["type"] for e in person.entities] == ["PERSON"] and "Nagar" not in person.fields["text"]


def _valid_phone(v):
    return phonenumbers.is_valid_number(phonenumbers.parse(v, "IN"))


# Published or stdnum-checked sample values (see test_recognizers.py), with a validator from outside curate.
OWN_KIND = [
    ("uid 2480 6358 1782", "2480 6358 1782", "IN_AADHAAR", lambda v: aadhaar.is_valid(v.replace(" ", ""))),
    ("VID 8457 8246 4692 4696", "8457 8246 4692 4696", "IN_VID", lambda v: vid.is_valid(v.replace(" ", ""))),
    ("PAN: ABCPD1234K", "ABCPD1234K", "IN_PAN", pan.is_valid),
    ("GSTIN 27AAPFU0939F1ZV registered", "27AAPFU0939F1ZV", "IN_GSTIN", gstin.is_valid),
    ("card 4000056655665556", "4000056655665556", "CREDIT_CARD", luhn.is_valid),
    ("call +91 98765 43210", "+91 98765 43210", "IN_PHONE", _valid_phone),
    ("IFSC code HDFC0001234", "HDFC0001234", "IN_IFSC", None),
    ("pay to rahul.k@okaxis now", "rahul.k@okaxis", "IN_UPI", None),
    ("voter id ABC1234567", "ABC1234567", "IN_VOTER", None),
    ("passport no J8369854", "J8369854", "IN_PASSPORT", None),
    ("car MH 12 AB 1234 parked", "MH 12 AB 1234", "IN_VEHICLE_REGISTRATION", None),
    ("pincode 400069", "400069", "IN_PIN_CODE", None),
    ("account number 123456789012345", "123456789012345", "IN_BANK_ACCOUNT", None),
    ("ABHA 12-3456-7890-1234", "12-3456-7890-1234", "IN_ABHA", None),
    ("abha address rahul.k@abdm", "rahul.k@abdm", "IN_ABHA", None),
    ("mail me at a.b@example.co.in", "a.b@example.co.in", "EMAIL_ADDRESS", None),
    ("server 49.36.12.7 down", "49.36.12.7", "IP_ADDRESS", None),
    ("see https://example.org/u/rahul?id=3.", "https://example.org/u/rahul?id=3", "URL", None),
    ("mera naam Rahul Sharma hai", "Rahul Sharma", "PERSON", None),
]


@pytest.mark.parametrize("text,value,entity,valid", OWN_KIND, ids=[c[2] + ":" + c[1] for c in OWN_KIND])
def test_pseudonym_is_found_again_as_the_same_type(detector, text, value, entity, valid):
    from curate.pii.pseudonyms import pseudonym

    assert any(text[s.start:s.end] == value and s.type == entity for s in detector.detect(text))
    fake = pseudonym(KEY, entity, value)
    assert fake != value and not fake.startswith("<")
    again = text.replace(value, fake)
    assert any(again[s.start:s.end] == fake and s.type == entity for s in detector.detect(again)), (fake, again)
    if valid is not None:
        assert valid(fake)


def test_urdu_names_get_urdu_pseudonyms_and_count_as_checked():
    """A newcomer's "میرا نام عمران خان ہے" became "میرا نام Sukhwinder Pathak ہے" (Latin), and the CLI said names in
    Perso-Arabic script were "not checked" though they were replaced."""
    from curate.pii.stage import run_rows

    res = run_rows([{"text": "میرا نام عمران خان ہے، فون 9845012345"}], PiiConfig(nlp="none"), ["text"],
                   keys={"hmac_key": KEY})[0]
    fake = res.fields["text"].split("میرا نام ")[1].split(" ہے")[0].split()
    assert len(fake) == 2 and {"عمران", "خان"}.isdisjoint(fake)
    assert all("ARABIC" in unicodedata.name(ch) for w in fake for ch in w)
    assert not res.names_unchecked
