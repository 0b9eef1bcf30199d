"""Every field and every metadata key of a workspace record: keys with dots, spaces and Unicode; field paths
that round-trip; the spans of what the anonymizer inserted; the input rows are never edited."""

import copy
import hashlib
import json

import phonenumbers
import pyarrow as pa
import pytest
from stdnum import verhoeff
from stdnum.in_ import aadhaar

from curate.pii.fields import field_strings, parse_path, path_str
from curate.pii.policy import key_entity
from curate.pii.stage import PiiConfig, pii_batch

PHONE = "9845012345"
assert phonenumbers.is_valid_number(phonenumbers.parse(PHONE, "IN"))
AADHAAR = "23456789012" + verhoeff.calc_check_digit("23456789012")  # stdnum computes the check digit
assert aadhaar.is_valid(AADHAAR)
CFG = PiiConfig(nlp="none")


@pytest.mark.parametrize("key,typ", [
    ("Aadhaar No.", "IN_AADHAAR"), ("cust.mobile", "IN_PHONE"), ("Customer Name", "PERSON"),
    ("customer_name", "PERSON"), ("mobileNumber", "IN_PHONE"), ("Email ID", "EMAIL_ADDRESS"),
    ("primary-email", "EMAIL_ADDRESS"), ("मोबाइल नंबर", "IN_PHONE"), ("आधार", "IN_AADHAAR"),
    ("PAN No", "IN_PAN"), ("Account Number", "IN_BANK_ACCOUNT"), ("contact no.", "IN_PHONE"),
    # keys that say nothing about a person stay scanned, not replaced whole
    ("product_name", None), ("account_type", None), ("order_id", None), ("email_verified", None), ("city", None),
])
def test_key_names_identify_whole_values(key, typ):
    assert key_entity(key) == typ


@pytest.mark.parametrize("path", [("text",), ("meta", "Aadhaar No."), ("meta", "cust.mobile"), ("messages", 0, "content"),
                                  ("meta", "मोबाइल नंबर"), ("Aadhaar No.",), ("meta", 'a"b]', 2, "x y")])
def test_field_paths_round_trip(path):
    assert parse_path(path_str(path)) == path


def test_dotted_spaced_and_unicode_meta_keys_are_anonymized():
    meta = {"Aadhaar No.": f"{AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}", "cust.mobile": int(PHONE),
            "Customer Name": "Rahul Sharma", "मोबाइल नंबर": f"+91 {PHONE}", "ईमेल": "rahul@example.com",
            "branch": {"manager.email": "m.iyer@bank.example.in", "city": "Pune"}, "ticket no.": "T-1001", "amount": 4500}
    raw = json.dumps(meta, ensure_ascii=False)
    row = pii_batch(pa.table({"text": ["customer called"], "meta": [raw]}), CFG).to_pylist()[0]
    out = json.loads(row["pii_meta"])
    assert out["Aadhaar No."] == "<IN_AADHAAR>" and out["cust.mobile"] == "<IN_PHONE>"
    assert out["मोबाइल नंबर"] == "<IN_PHONE>" and out["ईमेल"] == "<EMAIL_ADDRESS>"
    assert out["branch"]["manager.email"] == "<EMAIL_ADDRESS>" and out["branch"]["city"] == "Pune"
    assert out["Customer Name"] not in ("Rahul Sharma", "") and "Rahul" not in row["pii_meta"]
    assert out["ticket no."] == "T-1001" and out["amount"] == 4500
    fields = {e["field"] for e in json.loads(row["pii_entities"])}
    assert {'meta["Aadhaar No."]', 'meta["cust.mobile"]', 'meta["Customer Name"]', 'meta.branch["manager.email"]'} <= fields
    # the entity offsets point into the original values
    e = next(e for e in json.loads(row["pii_entities"]) if e["field"] == 'meta["Aadhaar No."]')
    assert meta["Aadhaar No."][e["start"]:e["end"]] == meta["Aadhaar No."]


def test_inserted_spans_locate_every_placeholder_and_pseudonym():
    text = f"Mera naam Rahul Sharma hai, mobile {PHONE}, aadhaar {AADHAAR}"
    msgs = json.dumps([{"role": "user", "content": f"call Priya Verma on {PHONE}"}])
    row = pii_batch(pa.table({"text": [text], "messages": [msgs]}), CFG).to_pylist()[0]
    ins = json.loads(row["pii_inserted"])
    strings = dict(field_strings("text", row["pii_text"]) + field_strings("messages", row["pii_messages"], as_json=True))
    assert {(i["field"], i["type"]) for i in ins} == {("text", "PERSON"), ("text", "IN_PHONE"), ("text", "IN_AADHAAR"),
                                                     ("messages[0].content", "PERSON"), ("messages[0].content", "IN_PHONE")}
    for i in ins:
        piece = strings[i["field"]][i["start"]:i["end"]]
        assert hashlib.sha256(piece.encode()).hexdigest()[:12] == i["h"]
        assert piece in ("<IN_PHONE>", "<IN_AADHAAR>") or (i["type"] == "PERSON" and piece[0].isupper() and "Rahul" not in piece)


def test_input_rows_are_not_modified():
    from curate.pii.engine import get_detector
    from curate.pii.fields import process_rows
    from curate.pii.operators import Anonymizer
    from curate.pii.policy import PiiPolicy

    rows = [{"text": "hi", "meta": {"mobile": int(PHONE), "nested": [{"email": "a@b.in"}]},
             "messages": [{"role": "user", "content": f"phone {PHONE}"}]}]
    before = copy.deepcopy(rows)
    res = process_rows(rows, ["text", "meta", "messages"], get_detector("none"), Anonymizer(PiiPolicy()), PiiPolicy())
    assert rows == before
    assert res[0].fields["meta"] == {"mobile": "<IN_PHONE>", "nested": [{"email": "<EMAIL_ADDRESS>"}]}
    assert res[0].fields["messages"][0]["content"] == "phone <IN_PHONE>"
