"""Format tables: at least 30 real-world ways of writing each entity type, and look-alikes that must stay.

Expected values come from outside curate: phone numbers are checked with libphonenumber (the national
number it parses is the one written), identifiers with python-stdnum, e-mail addresses are written by hand.
Each case asserts that the written value is covered by one span of the expected type and that
anonymization removes it.
"""

import itertools

import phonenumbers
import pytest
from stdnum import luhn
from stdnum.in_ import aadhaar, gstin, pan, vid

from curate.text.digits import render_digits
from curate.pii.operators import Anonymizer
from curate.pii.policy import PiiPolicy

# Digit sets of curate.text.digits: Urdu writes Extended Arabic-Indic digits; full-width digits come from CJK IMEs.
DIGIT_SCRIPTS = ["Deva", "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym", "Arab",
                 "EXTENDED ARABIC-INDIC", "Olck", "Mtei", "FULLWIDTH"]

# ------------------------------------------------------------------ phones: (written, national number)
PHONES = [
    ("9876543210", "9876543210"), ("98765 43210", "9876543210"), ("98765-43210", "9876543210"),
    ("98765.43210", "9876543210"), ("987 654 3210", "9876543210"), ("9876 543 210", "9876543210"),
    ("98 76 54 32 10", "9876543210"), ("+919876543210", "9876543210"), ("+91 9876543210", "9876543210"),
    ("+91 98765 43210", "9876543210"), ("+91-98765-43210", "9876543210"), ("+91.98765.43210", "9876543210"),
    ("+91 (98765) 43210", "9876543210"), ("(+91) 98765 43210", "9876543210"), ("(+91)9876543210", "9876543210"),
    ("919876543210", "9876543210"), ("91 98765 43210", "9876543210"), ("91-9876543210", "9876543210"),
    ("0091 98765 43210", "9876543210"), ("0091-9876543210", "9876543210"), ("00919876543210", "9876543210"),
    ("09876543210", "9876543210"), ("0 98765 43210", "9876543210"), ("098765-43210", "9876543210"),
    ("+91 (0) 98765 43210", "9876543210"), ("+91 98-76-54-32-10", "9876543210"), ("+91 7012 345 678", "7012345678"),
    ("6350123456", "6350123456"), ("917012345678", "7012345678"),
    # landlines with STD codes
    ("022-2345 6789", "2223456789"), ("022 23456789", "2223456789"), ("(022) 2345-6789", "2223456789"),
    ("+91 22 2345 6789", "2223456789"), ("+91-22-23456789", "2223456789"), ("0091 22 2345 6789", "2223456789"),
    ("011-23456789", "1123456789"), ("080 4567 8901", "8045678901"), ("0120-4567890", "1204567890"),
    ("(0120) 456 7890", "1204567890"), ("04652 231234", "4652231234"), ("+91 (0) 80 4567 8901", "8045678901"),
    ("+91 4652 231234", "4652231234"), ("+91-(0)22-2345-6789", "2223456789"),
]
PHONE_FRAMES = ["Call me on {}.", "mob: {}", "WhatsApp {} pe message karo", "मेरा मोबाइल नंबर {} है।", "({})",
                "phone no. {}, thanks", "{}", "contact-{}"]
PHONE_CASES = [(PHONE_FRAMES[i % len(PHONE_FRAMES)].format(w), w, "IN_PHONE") for i, (w, _) in enumerate(PHONES)]
# The same numbers written in every Indic (and Arabic, Ol Chiki, Meetei) digit system.
PHONE_CASES += [(f"phone {render_digits(w, s)}", render_digits(w, s), "IN_PHONE")
                for (w, _), s in zip(PHONES, itertools.cycle(DIGIT_SCRIPTS))]


@pytest.mark.parametrize("written,national", PHONES)
def test_phone_table_is_valid_per_libphonenumber(written, national):
    num = phonenumbers.parse(written, "IN")
    assert phonenumbers.is_valid_number(num) and str(num.national_number) == national


# ------------------------------------------------------------------ Aadhaar / VID (stdnum-valid, published)
AADHAARS = ["234123412346", "248063581782", "690652863031", "253665666580", "733647176417"]
AADHAAR_FORMS = [lambda a: a, lambda a: f"{a[:4]} {a[4:8]} {a[8:]}", lambda a: f"{a[:4]}-{a[4:8]}-{a[8:]}",
                 lambda a: f"{a[:4]}\u00a0{a[4:8]}\u00a0{a[8:]}", lambda a: f"{a[:4]}.{a[4:8]}.{a[8:]}"]
AADHAAR_FRAMES = ["Aadhaar: {}", "my aadhar no is {}", "UID {}.", "आधार संख्या {} है", "আমার আধার {}", "ஆதார் எண் {}",
                  "આધાર {}", "ఆధార్ {}", "ಆಧಾರ್ {}", "ആധാർ നമ്പർ {}", "ਆਧਾਰ {}", "ଆଧାର {}", "آدھار {}", "{} is my Aadhaar",
                  "Aadhaar card ({})"]
AADHAAR_CASES = []
for i, (a, form) in enumerate(itertools.product(AADHAARS, AADHAAR_FORMS)):
    w = form(a)
    if i % 3 == 1:
        w = render_digits(w, DIGIT_SCRIPTS[i % len(DIGIT_SCRIPTS)])
    AADHAAR_CASES.append((AADHAAR_FRAMES[i % len(AADHAAR_FRAMES)].format(w), w, "IN_AADHAAR"))
# Without any context word, a checksum-valid Aadhaar is still found.
AADHAAR_CASES += [(f"sent {form(a)} yesterday", form(a), "IN_AADHAAR") for a in AADHAARS for form in AADHAAR_FORMS[:2]]

VIDS = ["2341234123412341", "8457824646924696", "9736535054324637"]
VID_FORMS = [lambda v: v, lambda v: " ".join(v[i:i + 4] for i in range(0, 16, 4)),
             lambda v: "-".join(v[i:i + 4] for i in range(0, 16, 4))]
VID_FRAMES = ["VID {}", "Virtual ID: {}", "aadhaar vid {}", "मेरा वीआईडी {} है", "virtual id number {}.",
              "আমার ভিআইডি {}", "விஐடி {}", "VID no. {}", "vid={}", "VID ({})", "VID - {}"]
VID_CASES = [(VID_FRAMES[i % len(VID_FRAMES)].format(form(v)), form(v), "IN_VID")
             for i, (v, form) in enumerate(itertools.product(VIDS, VID_FORMS * 4))]

# ------------------------------------------------------------------ PAN (stdnum-valid)
PANS = ["ACUPA7085R", "AAPPV8261K", "BNZPM2501F", "AABCT3518Q", "AAAFH1234L", "AAATR0090B"]
PAN_FRAMES = ["PAN: {}", "pan card {}", "PAN No.{}", "मेरा पैन {} है", "পান {}", "பான் {}", "Permanent Account Number - {}",
              "({})", "{}.", "pan={}", "પાન {}", "ਪੈਨ {}"]
PAN_CASES = [(PAN_FRAMES[i % len(PAN_FRAMES)].format(p), p, "IN_PAN") for i, p in enumerate(PANS * 5)]
PAN_CASES += [(f"mera pan {p.lower()} hai", p.lower(), "IN_PAN") for p in PANS]

# ------------------------------------------------------------------ GSTIN (stdnum-valid, plus newer state codes)
GSTIN_BODIES = [f"{s:02d}{p}1Z" for s in (1, 7, 9, 19, 24, 27, 29, 33, 36, 37) for p in ("AAPFU0939F", "AABCT3518Q")]
GSTINS = [b + luhn.calc_check_digit(b, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for b in GSTIN_BODIES]
GSTIN_FRAMES = ["GSTIN {}", "GST no: {}", "जीएसटी {}", "{} (GSTIN)"]
GSTIN_CASES = [(GSTIN_FRAMES[i % 4].format(g), g, "IN_GSTIN") for i, g in enumerate(GSTINS + GSTINS[:12])]

# ------------------------------------------------------------------ cards (published test numbers, Luhn-valid)
CARDS = ["4000056655665556", "5105105105105100", "378282246310005", "6011111111111117", "3530111333300000",
         "2223003122003222", "6011000990139424", "5200828282828210"]
CARD_FORMS = [lambda c: c, lambda c: " ".join(c[i:i + 4] for i in range(0, len(c), 4)),
              lambda c: "-".join(c[i:i + 4] for i in range(0, len(c), 4))]
CARD_FRAMES = ["card {}", "credit card number {}", "debit card: {}", "कार्ड {}", "charged to {}"]
CARD_CASES = [(CARD_FRAMES[i % 5].format(f(c)), f(c), "CREDIT_CARD")
              for i, (c, f) in enumerate(itertools.product(CARDS, CARD_FORMS + CARD_FORMS[1:]))]

# ------------------------------------------------------------------ e-mail (hand-written)
EMAILS = ["rahul.sharma@gmail.com", "priya_n@yahoo.co.in", "a.b@example.co.in", "Amit.Gupta@Company.IN",
          "support+orders@flipkart.com", "k-iyer@iitm.ac.in", "first.last.98765@company.co.in", "x@y.in",
          "nisha.r@mail.gov.in", "rk1987@rediffmail.com", "info@shop-delhi.in", "user.name@sub.domain.org",
          "ANJALI.K@OUTLOOK.COM", "s.venkat@tcs.com", "hr@startup.io", "raj@xn--h2brj9c.in",
          "test.user+tag@gmail.com", "a1b2c3@hotmail.com", "mohd.farhan@zoho.in", "p.k.das@bsnl.co.in"]
EMAIL_FRAMES = ["mail me at {}", "Email: {}.", "<{}>", "ईमेल {} पर भेजें", "({})", "mailto:{}", "{}, thanks",
                "ইমেল {}", "To: {}"]
EMAIL_CASES = [(EMAIL_FRAMES[i % len(EMAIL_FRAMES)].format(e), e, "EMAIL_ADDRESS") for i, e in enumerate(EMAILS * 2)]

# ------------------------------------------------------------------ UPI
UPIS = ["rahul.k@okaxis", "9876543210@ybl", "priya92@paytm", "shop.delhi@oksbi", "amit@upi", "neha.s@okicici",
        "anil@ibl", "kavya@axl", "sunil.k@okhdfcbank", "ravi@apl"]
UPI_FRAMES = ["pay to {}", "UPI: {}", "gpay {} pe bhejo", "यूपीआई {}"]
UPI_CASES = [(UPI_FRAMES[i % 4].format(u), u, "IN_UPI") for i, u in enumerate(UPIS * 3)]

TABLES = {"IN_PHONE": PHONE_CASES, "IN_AADHAAR": AADHAAR_CASES, "IN_VID": VID_CASES, "IN_PAN": PAN_CASES,
          "IN_GSTIN": GSTIN_CASES, "CREDIT_CARD": CARD_CASES, "EMAIL_ADDRESS": EMAIL_CASES, "IN_UPI": UPI_CASES}
ALL = [c for cases in TABLES.values() for c in cases]


def test_each_table_has_at_least_30_formats_and_outside_oracles_agree():
    assert all(len(cases) >= 30 for cases in TABLES.values()), {k: len(v) for k, v in TABLES.items()}
    from curate.text.digits import to_ascii_digits

    plain = lambda w: "".join(ch for ch in to_ascii_digits(w) if ch.isalnum())  # noqa: E731
    assert all(aadhaar.is_valid(plain(w)) for _, w, _ in AADHAAR_CASES)
    assert all(vid.is_valid(plain(w)) for _, w, _ in VID_CASES)
    assert all(pan.is_valid(w) for _, w, _ in PAN_CASES) and all(gstin.is_valid(w) for _, w, _ in GSTIN_CASES)
    assert all(luhn.is_valid(plain(w)) for _, w, _ in CARD_CASES)


@pytest.mark.parametrize("text,value,entity", ALL, ids=[f"{e}:{t}" for t, _, e in ALL])
def test_format_is_found_and_anonymized(detector, text, value, entity):
    start = text.index(value)
    spans = detector.detect(text)
    cover = [s for s in spans if s.start <= start and s.end >= start + len(value)]
    assert cover and cover[0].type == entity, [(text[s.start:s.end], s.type) for s in spans]
    assert value not in Anonymizer(PiiPolicy()).apply(text, spans)


# ------------------------------------------------------------------ look-alikes that must stay intact
# 12- and 16-digit numbers that fail stdnum's checks, with no identifier context.
_NOT_AADHAAR = [n for n in ("234123412347", "248063581783", "690652863030", "555566667777", "987654321098")
                if not aadhaar.is_valid(n)]
LOOKALIKES = [
    "Order id 9876543210 shipped", "Order #OD1234567890123 delivered", "order no. 402-1234567-8901234",
    # Verhoeff-valid numbers after these words are anonymized (fail closed: tests/pii/test_numeric_identifiers.py);
    # the look-alikes are those numbers with a failing check digit (stdnum).
    "Txn ref 248063581783 completed", "UTR 690652863030 credited", "Ticket 733647176418 closed",
    "Invoice INV1234567 dated 01/02/2024", "Total Rs 45,000 paid on 12-05-2023", "₹ 9,87,65,432.10 credited",
    "amount 98765.43 due", "EMI 12,345 on 05/06/2025", "PNR 8765432109", "AWB 78901234567",
    "tracking 1Z999AA10123456784", "docket no 9988776655", "complaint number 7766554433 registered",
    "on 2024-03-15 at 10:30:45", "between 10:00-18:00 IST", "date 15.03.2024", "version 1.2.3.4 released",
    "build 20240315.1", "SKU 9876543210123", "OTP 482913 valid for 10 min", "model no. 6543217890",
    "case 2024/98765/43210", "IMEI check 35-209900-176148-2 pending", "batch 20231231-0001",
    "Room 101, 2 BHK, 3rd floor", "Please call Support on Monday", "mail@home", "ABCXD1234K",
    "population 1,38,00,04,385 in 2021", "ISBN 978-81-7525-766-5", "timestamp 1700000000",
] + [f"ref {n}" for n in _NOT_AADHAAR] + [f"serial {n[:4]} {n[4:8]} {n[8:]}" for n in _NOT_AADHAAR]


@pytest.mark.parametrize("text", LOOKALIKES)
def test_look_alikes_stay_intact(detector, text):
    spans = [(text[s.start:s.end], s.type) for s in detector.detect(text)]
    assert spans == [], spans


def test_at_least_30_look_alikes():
    assert len(LOOKALIKES) >= 30
