"""Every entity type, valid and look-alike forms, in several scripts and digit systems.

Valid identifiers are published sample numbers or completed with python-stdnum's check digits; nothing is
generated with curate's own checksum code.
"""

import pytest
from stdnum import luhn, verhoeff
from stdnum.in_ import aadhaar, epic, gstin, vid

from curate.text.digits import render_digits

AADHAAR = "248063581782"                      # issue 11: rejected by the old Verhoeff table, valid per stdnum
AADHAAR_SP = f"{AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}"
BAD_AADHAAR = AADHAAR[:-1] + next(d for d in "0123456789" if not aadhaar.is_valid(AADHAAR[:-1] + d))
VID = "8457824646924696"                      # issue 11
GSTIN = "27AAPFU0939F1ZV"                     # stdnum's documented sample
BAD_GSTIN = "27AAPFU0939F1ZO"                 # stdnum: InvalidChecksum
CARD = "4000056655665556"                     # Stripe's published Visa debit test number
BAD_CARD = CARD[:-1] + next(d for d in "0123456789" if not luhn.is_valid(CARD[:-1] + d) and not verhoeff.is_valid(CARD[:-1] + d))
EPIC = "WKH1186253"                           # stdnum's documented sample
assert aadhaar.is_valid(AADHAAR) and vid.is_valid(VID) and gstin.is_valid(GSTIN) and luhn.is_valid(CARD)
assert epic.is_valid(EPIC) and not aadhaar.is_valid(BAD_AADHAAR)


def found(detector, text):
    return {(text[s.start:s.end], s.type) for s in detector.detect(text)}


POSITIVE = [
    (f"My Aadhaar is {AADHAAR_SP}.", AADHAAR_SP, "IN_AADHAAR"),
    (f"uid {AADHAAR}", AADHAAR, "IN_AADHAAR"),
    (f"VID {VID[:4]} {VID[4:8]} {VID[8:12]} {VID[12:]}", f"{VID[:4]} {VID[4:8]} {VID[8:12]} {VID[12:]}", "IN_VID"),
    ("PAN: ABCPD1234K", "ABCPD1234K", "IN_PAN"),
    ("mera pan abcpd1234k hai", "abcpd1234k", "IN_PAN"),
    (f"GSTIN {GSTIN} registered", GSTIN, "IN_GSTIN"),
    ("IFSC code HDFC0001234", "HDFC0001234", "IN_IFSC"),
    ("pay to rahul.k@okaxis now", "rahul.k@okaxis", "IN_UPI"),
    ("upi id shop123@mybank", "shop123@mybank", "IN_UPI"),
    ("call +91 98765 43210", "+91 98765 43210", "IN_PHONE"),
    ("mob 09876543210 today", "09876543210", "IN_PHONE"),
    ("ph 98765-43210", "98765-43210", "IN_PHONE"),
    ("office 022-2345 6789", "022-2345 6789", "IN_PHONE"),
    ("voter id ABC1234567", "ABC1234567", "IN_VOTER"),
    (f"EPIC {EPIC}", EPIC, "IN_VOTER"),
    ("passport no J8369854", "J8369854", "IN_PASSPORT"),
    ("DL MH12 20110012345", "MH12 20110012345", "IN_DRIVING_LICENCE"),
    ("car MH 12 AB 1234 parked", "MH 12 AB 1234", "IN_VEHICLE_REGISTRATION"),
    ("new bike 22 BH 1234 AA", "22 BH 1234 AA", "IN_VEHICLE_REGISTRATION"),
    ("pincode 400069", "400069", "IN_PIN_CODE"),
    ("account number 123456789012345", "123456789012345", "IN_BANK_ACCOUNT"),
    ("ABHA 12-3456-7890-1234", "12-3456-7890-1234", "IN_ABHA"),
    ("abha address rahul.k@abdm", "rahul.k@abdm", "IN_ABHA"),
    ("mail me at a.b@example.co.in", "a.b@example.co.in", "EMAIL_ADDRESS"),
    (f"card {CARD}", CARD, "CREDIT_CARD"),
    ("server 49.36.12.7 down", "49.36.12.7", "IP_ADDRESS"),
    ("ipv6 2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3::8a2e:370:7334", "IP_ADDRESS"),
    ("see https://example.org/u/rahul?id=3.", "https://example.org/u/rahul?id=3", "URL"),
    # Hindi context, Indic digits
    (f"मेरा आधार {render_digits(AADHAAR_SP, 'Deva')} है", render_digits(AADHAAR_SP, "Deva"), "IN_AADHAAR"),
    (f"আমার ফোন {render_digits('9876543210', 'Beng')}", render_digits("9876543210", "Beng"), "IN_PHONE"),
    (f"ஆதார் {render_digits(AADHAAR, 'Taml')}", render_digits(AADHAAR, "Taml"), "IN_AADHAAR"),
    (f"મોબાઇલ {render_digits('9876543210', 'Gujr')}", render_digits("9876543210", "Gujr"), "IN_PHONE"),
    ("मेरा खाता संख्या 123456789012345 है", "123456789012345", "IN_BANK_ACCOUNT"),
    ("mera khata 987654321098 hai", "987654321098", "IN_BANK_ACCOUNT"),
]


@pytest.mark.parametrize("text,value,entity", POSITIVE, ids=[p[2] + ":" + p[0][:20] for p in POSITIVE])
def test_valid_forms_found(detector, text, value, entity):
    assert (value, entity) in found(detector, text)


NEGATIVE = [
    f"ref no. {BAD_AADHAAR}",                     # Verhoeff fails, no context (with context: test_engine.py)
    "serial 1234 5678 9012",                      # leading 1, checksum
    f"code {BAD_GSTIN}",                          # check character wrong
    f"number {BAD_CARD}",                         # Luhn fails
    "Order id 9876543210 shipped",                # order number, not a phone
    f"Txn ref {BAD_AADHAAR} completed",           # look-alike context, checksum fails (a valid one is kept)
    "Total Rs 45,000 paid on 12-05-2023",         # amount and date
    "Invoice INV1234567 dated 01/02/2024",        # not a voter id
    "OTP 482913 valid for 10 min",                # not a PIN code
    "version 1.2.3.4 released",                   # a version string, not an IP
    "mail@home",                                  # unknown handle, no UPI context
    "ABCXD1234K",                                 # invalid PAN holder type
    "Room 101, 2 BHK, 3rd floor",
    "Please call Support on Monday",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_look_alikes_left_alone(detector, text):
    spans = found(detector, text)
    assert spans == set(), spans


def test_offsets_point_into_original_text(detector):
    text = f"आधार {render_digits(AADHAAR_SP, 'Deva')} और फोन ९८७६५४३२१०"
    for s in detector.detect(text):
        assert text[s.start:s.end].strip() == text[s.start:s.end]
    assert {s.type for s in detector.detect(text)} == {"IN_AADHAAR", "IN_PHONE"}


def test_registry_excludes_presidio_defaults():
    from curate.pii.engine import build_registry

    names = {r.name for r in build_registry().recognizers}
    assert "UkNhsRecognizer" not in names and "CurateEmailRecognizer" in names
    assert all(r.supported_entities[0] != "UK_NHS" for r in build_registry().recognizers)


def test_presidio_analyzer_engine_uses_curate_recognizers():
    from curate.pii.engine import build_analyzer

    res = build_analyzer().analyze(f"aadhaar {AADHAAR_SP}", language="en")
    assert any(r.entity_type == "IN_AADHAAR" for r in res)
