"""The residual-PII audit can catch the stage: it skips what the stage inserted (pseudonyms, placeholders),
a second, independent detector finds what the stage missed, unconfirmed regex suspects are reported, and values
annotators cleared as false alarms are not flagged again.

Planted identifiers come from outside curate: Aadhaar/VID check digits from python-stdnum's Verhoeff, cards from
stdnum's Luhn, phones validated by phonenumbers.
"""

from __future__ import annotations

import json

import phonenumbers
import pyarrow as pa
import pytest
from stdnum import luhn, verhoeff
from stdnum.in_ import aadhaar

from curate.audit import AuditPolicy, audit_table
from curate.audit.residual import detect

AADHAAR = "23456789012" + verhoeff.calc_check_digit("23456789012")
VID = "918273645546372" + verhoeff.calc_check_digit("918273645546372")
CARD = "453201511283036" + luhn.calc_check_digit("453201511283036")
PHONE = "9845012345"
assert aadhaar.is_valid(AADHAAR) and luhn.is_valid(CARD) and phonenumbers.is_valid_number(phonenumbers.parse(PHONE, "IN"))
BAD_AADHAAR = AADHAAR[:-1] + str((int(AADHAAR[-1]) + 1) % 10)  # one wrong check digit: no detector confirms it
assert not aadhaar.is_valid(BAD_AADHAAR)

RAW = [
    f"Mera naam Rahul Sharma hai, mobile {PHONE}, aadhaar {AADHAAR}",
    "Customer Priya Verma called about her card ending 1234; agent Kavita Rao replied",
    "I am Suresh Iyer, PAN AFZPK7190K, email suresh.iyer@example.in",
]


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("CURATE_PII_KEY", "audit-test-key-0123456789")


def _anonymized(texts, policy=None, **extra_cols):
    """Snapshot-like rows: the pii stage's variant as text, with its signal columns (as a snapshot carries them)."""
    from curate.pii.stage import PiiConfig, pii_batch

    cfg = PiiConfig(nlp="none", policy=policy)
    cols = {"text": texts, **extra_cols}
    out = pii_batch(pa.table(cols), cfg).to_pylist()
    rows = []
    for i, o in enumerate(out):
        row = {"doc_id": f"d{i}", "text": o["pii_text"], "pii_entities": o["pii_entities"], "pii_count": o["pii_count"],
               "pii_covered": o["pii_covered"], "pii_inserted": o["pii_inserted"]}
        for f in extra_cols:
            row[f] = o[f"pii_{f}"]
        rows.append(row)
    return rows


POLICY = AuditPolicy(gates={"max_residual_pii": 0}, pii={"engine_params": {"nlp": "none"}})


def test_independent_detector_finds_identifiers_in_any_script_digits():
    deva = AADHAAR.translate({ord(str(d)): chr(0x966 + d) for d in range(10)})
    text = f"aadhaar {deva}, vid {VID}, card {CARD}, call +91 {PHONE[:5]} {PHONE[5:]}, PAN AFZPK7190K, a.b@x.co.in"
    types = {f.type for f in detect(text) if not f.lookalike}
    assert {"IN_AADHAAR", "IN_VID", "CREDIT_CARD", "IN_PHONE", "IN_PAN", "EMAIL_ADDRESS"} <= types
    # a transaction reference that happens to pass Verhoeff is a look-alike, reported, not a residual Aadhaar
    assert all(f.lookalike for f in detect(f"UTR {AADHAAR} credited")) and detect(f"UTR {AADHAAR}")


def test_pseudonyms_and_placeholders_the_stage_inserted_are_not_residual():
    # Every entity pseudonymized: fake names, checksum-valid fake Aadhaar/phone, fake e-mails.
    rows = _anonymized(RAW, policy={"default": {"operator": "pseudonym"}})
    assert all(json.loads(r["pii_inserted"]) for r in rows)
    res = audit_table(pa.Table.from_pylist(rows), POLICY)
    pii = res.metrics["pii"]
    assert pii["residual"] == 0 and res.passed, pii["engine"]
    assert pii["engine"]["skipped_inserted"] >= 6
    # without the inserted spans the same pseudonyms look like PII to both detectors: the skip is what passes
    bare = [{k: v for k, v in r.items() if k != "pii_inserted"} for r in rows]
    assert audit_table(pa.Table.from_pylist(bare), POLICY).metrics["pii"]["residual"] > 0


def test_planted_leak_the_stage_missed_is_caught_by_the_independent_detector():
    rows = _anonymized(RAW, messages=[json.dumps([{"role": "user", "content": "hi"}])] * 3)
    # The leak sits in a chat message, in a field the stage reported nothing for, and the stage's engine is
    # configured to look for names only: only the independent detector can see the Aadhaar, VID and card.
    rows[1]["messages"] = json.dumps([{"role": "user", "content": f"my aadhaar {AADHAAR} and vid {VID}"},
                                      {"role": "assistant", "content": f"card {CARD} noted"}])
    blind = AuditPolicy(gates={"max_residual_pii": 0},
                        pii={"engine_params": {"nlp": "none", "policy": {"entities": ["PERSON"]}}})
    res = audit_table(pa.Table.from_pylist(rows), blind)
    eng = res.metrics["pii"]["engine"]
    assert not res.passed and res.failed_gates == ["max_residual_pii"]
    assert eng["by_type"] == {"IN_AADHAAR": 1, "IN_VID": 1, "CREDIT_CARD": 1}
    assert set(eng["by_detector"]) <= {"presidio", "stdnum", "phonenumbers"} and eng["examples"][0]["doc_id"] == "d1"
    # the report never carries the values
    assert AADHAAR not in json.dumps(res.metrics) and CARD not in json.dumps(res.metrics)


def test_leak_in_metadata_and_a_name_next_to_a_pseudonym_are_residual():
    rows = _anonymized(RAW, meta=[json.dumps({"city": "Pune"})] * 3)
    rows[0]["meta"] = json.dumps({"Aadhaar No.": AADHAAR, "city": "Pune"})
    # A real surname left in clear right after the pseudonym of the given name: the finding overlaps an inserted span,
    # but its remainder is a real word, so it counts (the later spans of the row moved and are found by digest).
    person = next(i for i in json.loads(rows[1]["pii_inserted"]) if i["type"] == "PERSON")
    t = rows[1]["text"]
    rows[1]["text"] = t[:person["end"]] + " Sharma" + t[person["end"]:]
    res = audit_table(pa.Table.from_pylist(rows), POLICY)
    eng = res.metrics["pii"]["engine"]
    assert eng["by_type"] == {"IN_AADHAAR": 1, "PERSON": 1} and {e["doc_id"] for e in eng["examples"]} == {"d0", "d1"}


def test_unconfirmed_regex_suspects_are_reported_not_dropped():
    rows = _anonymized([f"please check {BAD_AADHAAR[:4]} {BAD_AADHAAR[4:8]} {BAD_AADHAAR[8:]} today", "all good"])
    res = audit_table(pa.Table.from_pylist(rows), POLICY)
    pii = res.metrics["pii"]
    assert pii["residual"] == 0 and pii["unconfirmed"] == 1 and res.passed
    assert pii["engine"]["unconfirmed"]["by_pattern"] == {"IN_AADHAAR": 1}
    assert pii["engine"]["unconfirmed"]["examples"] == ["d0"]
    strict = AuditPolicy(gates={"max_residual_pii": 0, "max_unconfirmed_pii": 0}, pii={"engine_params": {"nlp": "none"}})
    assert audit_table(pa.Table.from_pylist(rows), strict).failed_gates == ["max_unconfirmed_pii"]


def test_false_alarms_cleared_by_annotators_are_not_flagged_again():
    # An annotator removed the stage's prediction on the bank's public helpline number; the label survives into
    # the snapshot as label_pii_cleared, and the audit does not count the number again.
    rows = [{"doc_id": "d0", "text": f"Bank helpline {PHONE} is open 24x7", "pii_inserted": "[]"}]
    assert audit_table(pa.Table.from_pylist(rows), POLICY).metrics["pii"]["residual"] == 1
    rows[0]["label_pii_cleared"] = json.dumps([{"type": "IN_PHONE", "text": PHONE}])
    res = audit_table(pa.Table.from_pylist(rows), POLICY)
    assert res.metrics["pii"]["residual"] == 0 and res.metrics["pii"]["engine"]["cleared_by_annotators"] >= 1


# Dates and times as exports, CRMs and Parquet timestamps write them.  Each joined into one digit run would be a
# valid Indian number for libphonenumber (checked here, outside curate), which is why the audit once counted
# them as residual phones and refused approval.
_DATES = ["2026-01-01 10:00:00+00", "2025-12-31 23:59", "on 2026-03-12 11:45:07.123", "31-12-2025 10:30",
          "12.03.2026 09:15", "1999/07/04 18", "opened_at: 2026-01-01 10"]


@pytest.mark.parametrize("text", _DATES)
def test_dates_and_timestamps_are_not_residual_phones(text):
    assert detect(text) == []


def test_the_date_trap_is_real():
    # 2026-01-01 10 as one run of digits is a valid Delhi landline for libphonenumber
    assert phonenumbers.is_valid_number(phonenumbers.parse("2026010110", "IN"))


def test_a_phone_right_after_a_date_is_still_found_and_examples_name_type_and_field():
    found = [(f.type, f.start) for f in detect(f"12.03.2026 {PHONE}") if not f.lookalike]
    assert ("IN_PHONE", 11) in found
    rows = _anonymized(RAW, meta=[json.dumps({"opened_at": "2026-01-01 10:00:00+00"})] * 3)
    res = audit_table(pa.Table.from_pylist(rows), POLICY)
    assert res.metrics["pii"]["engine"]["by_type"] == {} and res.passed
    rows[2]["meta"] = json.dumps({"opened_at": "2026-01-01 10:00:00+00", "alt": f"2026-01-01 {PHONE}"})
    eng = audit_table(pa.Table.from_pylist(rows), POLICY).metrics["pii"]["engine"]
    assert eng["by_type"] == {"IN_PHONE": 1}
    assert eng["examples"] == [{"doc_id": "d2", "entities": 1, "types": ["IN_PHONE"], "fields": [eng["examples"][0]["fields"][0]]}]
    assert "meta" in eng["examples"][0]["fields"][0] and PHONE not in json.dumps(eng)


def test_a_date_of_birth_the_stage_missed_is_caught():
    """The demo's KYC notes carried 100 dates of birth that earlier stages left in approved exports; the second
    opinion now reads a date after a birth word (Python's datetime decides what is a date)."""
    assert [f.type for f in detect("DOB: 22/02/1997")] == ["DATE_OF_BIRTH"]
    assert [f.type for f in detect("जन्म तिथि: १२/१०/१९६६")] == ["DATE_OF_BIRTH"]
    assert detect("meeting on 14/08/2024") == [] and detect("dob 31/02/1990") == []  # no birth word / no such day
    rows = _anonymized(RAW)
    rows[2]["text"] += " DOB 22/02/1997"
    blind = AuditPolicy(gates={"max_residual_pii": 0},
                        pii={"engine_params": {"nlp": "none", "policy": {"entities": ["PERSON"]}}})
    res = audit_table(pa.Table.from_pylist(rows), blind)
    assert not res.passed and res.metrics["pii"]["engine"]["by_type"] == {"DATE_OF_BIRTH": 1}
    # anonymized by the stage: not residual
    assert audit_table(pa.Table.from_pylist(_anonymized([RAW[2] + " DOB 22/02/1997"])), POLICY).passed
