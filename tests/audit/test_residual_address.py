"""The audit's second opinion reads PIN codes and house numbers: a PII stage blind to addresses used to pass.

PIN codes are India Post's (published codes: 560001 Bengaluru GPO, 600017 T. Nagar Chennai, 302015 Jaipur,
500027 Hyderabad), phones are validated by phonenumbers; no value comes from curate's own detectors."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import phonenumbers
import pyarrow as pa
import pytest

import curate.audit.residual as residual
from curate.audit import AuditPolicy, audit_table
from curate.audit.residual import detect

ADDRESSES = [
    "Please deliver to Flat 12, Shanti Apartments, MG Road, Bengaluru 560001.",
    "Address: H.No. 3-4-567, Barkatpura, Hyderabad, Telangana 500027",
    "मेरा पता: मकान नंबर 45, गांधी नगर, जयपुर 302015",
    "Courier to 14/2 Nehru Street, T Nagar, Chennai - 600017 please",
]


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("CURATE_PII_KEY", "audit-test-key-0123456789")


def test_the_second_opinion_imports_none_of_the_stage():
    tree = ast.parse(Path(residual.__file__).read_text())
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [m for m in names if m.startswith("curate.pii")]


@pytest.mark.parametrize("text,want", [
    ("PIN 560001", {"IN_PIN_CODE"}), ("pincode: 411 001", {"IN_PIN_CODE"}), ("Bengaluru-560001", {"IN_PIN_CODE"}),
    ("पिन कोड ४११००१", {"IN_PIN_CODE"}), ("House no 221, Sector 14, Gurgaon", {"ADDRESS"}),
    (ADDRESSES[0], {"ADDRESS", "IN_PIN_CODE"}), (ADDRESSES[2], {"ADDRESS", "IN_PIN_CODE"}),
    (ADDRESSES[3], {"IN_PIN_CODE"}),
    # not a postal code / not an address
    ("my ATM pin 560001", set()), ("order 560001 shipped", set()), ("send 560001 rupees", set()),
    ("room 12 is cold", set()), ("PIN 100001", set()),  # 10 is no postal circle
])
def test_pin_codes_and_house_numbers(text, want):
    assert {f.type for f in detect(text) if not f.lookalike} == want


def test_groups_and_dashes_of_every_kind():
    phone = "9845012345"
    assert phonenumbers.is_valid_number(phonenumbers.parse(phone, "IN"))
    for written in ("98 45 01 23 45", "+91 - 98450 - 12345", "98450\u201312345", "98450_12345", "98450\u00a012345"):
        assert "IN_PHONE" in {f.type for f in detect(f"call {written}")}, written
    two = detect("9876543210 9123456780")  # side by side: both, not one 20-digit run
    assert sum(f.type == "IN_PHONE" for f in two) >= 2


def _anonymized(texts, policy=None):
    from curate.pii.stage import PiiConfig, pii_batch

    out = pii_batch(pa.table({"text": texts}), PiiConfig(nlp="none", policy=policy)).to_pylist()
    return [{"doc_id": f"d{i}", "text": o["pii_text"], "pii_entities": o["pii_entities"], "pii_count": o["pii_count"],
             "pii_covered": o["pii_covered"], "pii_inserted": o["pii_inserted"]} for i, o in enumerate(out)]


def test_a_stage_blind_to_addresses_is_caught():
    # The stage is told to look for phones only: it leaves every PIN code and house number in the snapshot, and
    # the audit's engine (configured the same way) cannot see them either; the second opinion must.
    blind_policy = {"entities": ["IN_PHONE"]}
    rows = _anonymized(ADDRESSES, blind_policy)
    assert all(r["text"] == t for r, t in zip(rows, ADDRESSES))  # the stage really leaked
    blind = AuditPolicy(gates={"max_residual_pii": 0}, pii={"engine_params": {"nlp": "none", "policy": blind_policy}})
    res = audit_table(pa.Table.from_pylist(rows), blind)
    eng = res.metrics["pii"]["engine"]
    assert not res.passed and "max_residual_pii" in res.failed_gates
    assert eng["by_type"] == {"IN_PIN_CODE": 4, "ADDRESS": 3}, eng["by_type"]
    assert "560001" not in json.dumps(res.metrics)
    # the stage with its default policy anonymizes them, and the same audit passes
    full = AuditPolicy(gates={"max_residual_pii": 0}, pii={"engine_params": {"nlp": "none"}})
    ok = audit_table(pa.Table.from_pylist(_anonymized(ADDRESSES)), full)
    assert ok.passed, ok.metrics["pii"]["engine"]


@pytest.mark.parametrize("text,typ", [
    ("write to ravi dot kumar at gmail dot com", "EMAIL_ADDRESS"), ("ravi.kumar[at]gmail[dot]com", "EMAIL_ADDRESS"),
    ("mailto:ravi%40gmail.com", "EMAIL_ADDRESS"), ("ravi.kumar @ gmail.com", "EMAIL_ADDRESS"),
    ("call nine eight four five zero one two three four five", "IN_PHONE"),
    ("नौ आठ चार पांच शून्य एक दो तीन चार पांच", "IN_PHONE"),
])
def test_written_out_contacts_are_seen(text, typ):
    assert phonenumbers.is_valid_number(phonenumbers.parse("9845012345", "IN"))
    assert typ in {f.type for f in detect(text)}


@pytest.mark.parametrize("text", ["one two three four five six seven eight nine", "look at this dot", "meet at home"])
def test_counting_and_plain_words_are_not_contacts(text):
    assert detect(text) == []


def test_a_stage_blind_to_written_out_contacts_is_caught():
    texts = ["write to ravi dot kumar at gmail dot com", "call nine eight four five zero one two three four five"]
    blind_policy = {"entities": ["PERSON"]}
    rows = _anonymized(texts, blind_policy)
    blind = AuditPolicy(gates={"max_residual_pii": 0}, pii={"engine_params": {"nlp": "none", "policy": blind_policy}})
    res = audit_table(pa.Table.from_pylist(rows), blind)
    assert not res.passed and {"EMAIL_ADDRESS", "IN_PHONE"} <= set(res.metrics["pii"]["engine"]["by_type"])
    full = AuditPolicy(gates={"max_residual_pii": 0}, pii={"engine_params": {"nlp": "none"}})
    assert audit_table(pa.Table.from_pylist(_anonymized(texts)), full).passed
