"""A second opinion on residual PII, independent of the PII stage that produced the snapshot.

The audit must be able to catch the stage, so this detector shares none of its code
(``curate.pii`` is not imported here): it runs

* Presidio's stock recognizers (India Aadhaar/PAN/GSTIN/vehicle registration, payment cards, IBAN,
  IP addresses, and phone numbers through Presidio's libphonenumber matcher) with Presidio's own
  validation and scores, and
* a sweep over every run of digits, in any script (Unicode's digit values, not curate's table),
  validated by python-stdnum (Aadhaar and VID by Verhoeff, cards by Luhn) and phonenumbers (Indian
  numbers), plus PAN and GSTIN tokens by stdnum and e-mail addresses by shape.

Digit runs right after a look-alike word ("order", "txn", "₹" …) are reported as look-alikes,
not counted: they are what a careful stage deliberately keeps. Findings carry offsets into the
scanned string; values never leave this module except through the caller's own strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from curate.text.digits import to_ascii_digits

# Presidio entity names -> curate's, so both opinions speak of the same types.
_TYPES = {"PHONE_NUMBER": "IN_PHONE", "IBAN_CODE": "IBAN_CODE", "CREDIT_CARD": "CREDIT_CARD", "IP_ADDRESS": "IP_ADDRESS",
          "IN_AADHAAR": "IN_AADHAAR", "IN_PAN": "IN_PAN", "IN_GSTIN": "IN_GSTIN",
          "IN_VEHICLE_REGISTRATION": "IN_VEHICLE_REGISTRATION"}
# Presidio's scores without context words: 0.5 and above are pattern+validation hits (PAN shape 0.5, Aadhaar
# Verhoeff 1.0, card Luhn 1.0, IP 0.6); phone matches (0.4) are validated by libphonenumber itself.
_MIN_SCORE = {"PHONE_NUMBER": 0.4}
_DEFAULT_MIN = 0.5

_RUN = re.compile(r"(?<![\w+])\+?\d(?:[ \-.]?\d){5,22}(?!\w)")
_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{10,15}(?![A-Za-z0-9])")
_EMAIL = re.compile(r"(?<![\w.+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}(?![\w\-])")
# Words after which a number is usually not personal (order/ticket/transaction ids, amounts), in English and the
# scheduled languages' scripts. Latin words need letter boundaries; Indic words match as substrings (case endings).
_LOOKALIKE_WORDS = (
    "order ord ref reference txn transaction invoice inv ticket tkt awb tracking docket complaint case sr amount amt "
    "rs inr bill emi otp pnr utr rrn imps neft rtgs cheque chq sku model serial batch balance total price qty").split()
_LOOKALIKE_INDIC = ("₹ ऑर्डर आर्डर यूटीआर रसीद राशि रुपये रुपए टिकट शिकायत बिल लेनदेन ट्रांजैक्शन ऑर्डर अर्डर संदर्भ "
                    "অর্ডার ইউটিআর টাকা লেনদেন বিল ஆர்டர் யுடிஆர் ரூபாய் பரிவர்த்தனை ఆర్డర్ యూటీఆర్ రూపాయ "
                    "ಆರ್ಡರ್ ಯುಟಿಆರ್ ರೂಪಾಯ ഓർഡർ യുടിആർ രൂപ ਆਰਡਰ ਯੂਟੀਆਰ ਰੁਪਏ ઓર્ડર યુટીઆર રૂપિયા ଅର୍ଡର ଟଙ୍କା "
                    "آرڈر یو ٹی آر روپے").split()
_LOOKALIKE = re.compile("|".join([rf"(?<![a-z]){w}(?![a-z])" for w in _LOOKALIKE_WORDS]
                                 + [re.escape(w) for w in _LOOKALIKE_INDIC]), re.IGNORECASE)
_LOOKALIKE_WINDOW = 20
# A calendar date (ISO year-month-day, or day-month-year) written with one separator: "2026-01-01 10:00" must
# not become the digit run 2026010110, which libphonenumber takes for a Delhi landline.
_DATE = re.compile(r"(?:(?:19|20)\d\d([-./])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])"
                   r"|(?:0?[1-9]|[12]\d|3[01])([-./])(?:0?[1-9]|1[0-2])\2(?:19|20)\d\d)(?!\d)")
_IIN = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|36|38|6(?:011|5|4[4-9]|0|52|53)|35|508|81|82)")


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    type: str
    source: str          # "presidio:<recognizer>" or "stdnum"/"phonenumbers"/"shape"
    lookalike: bool = False


@lru_cache(maxsize=1)
def _recognizers():
    from presidio_analyzer.predefined_recognizers import (CreditCardRecognizer, IbanRecognizer, InAadhaarRecognizer,
                                                          InGstinRecognizer, InPanRecognizer,
                                                          InVehicleRegistrationRecognizer, IpRecognizer,
                                                          PhoneRecognizer)

    # Presidio's e-mail/URL recognizers are left out: they call tldextract, which fetches the public suffix list.
    return [InAadhaarRecognizer(), InPanRecognizer(), InGstinRecognizer(), InVehicleRegistrationRecognizer(),
            CreditCardRecognizer(), IbanRecognizer(), IpRecognizer(), PhoneRecognizer(supported_regions=("IN",))]


def _phone(digits: str, raw: str) -> bool:
    import phonenumbers

    try:
        n = phonenumbers.parse(raw if raw.startswith("+") else digits, "IN")
    except phonenumbers.NumberParseException:
        return False
    return n.country_code == 91 and phonenumbers.is_valid_number(n)


def _digit_type(digits: str, raw: str) -> tuple[str, str] | None:
    from stdnum import luhn, verhoeff
    from stdnum.in_ import aadhaar

    if len(digits) == 12 and aadhaar.is_valid(digits):
        return "IN_AADHAAR", "stdnum"
    if len(digits) == 16 and digits[0] in "23456789" and verhoeff.is_valid(digits):
        return "IN_VID", "stdnum"
    if 13 <= len(digits) <= 19 and _IIN.match(digits) and luhn.is_valid(digits):
        return "CREDIT_CARD", "stdnum"
    if 10 <= len(digits) <= 14 and _phone(digits, raw.strip()):
        return "IN_PHONE", "phonenumbers"
    return None


# A word naming a personal number between the look-alike word and the number wins ("order 12, card 4111 …").
_POSITIVE = re.compile(r"(?<![a-z])(?:aadhaa?r|uid|vid|card|mobile|phone|call|whatsapp|contact|ph|mob|tel|account|a/c)"
                       r"(?![a-z])|आधार|मोबाइल|फ़ोन|फोन|कार्ड|খাতা|আধার|মোবাইল|ஆதார்|கைபேசி", re.IGNORECASE)


def _lookalike(text: str, start: int) -> bool:
    window = text[max(0, start - _LOOKALIKE_WINDOW):start]
    last = None
    for last in _LOOKALIKE.finditer(window):
        pass
    return last is not None and _POSITIVE.search(window[last.end():]) is None


# Cheap pre-checks: a recognizer runs only on strings that could hold its entity (most support text has none).
_NEEDS = {"InAadhaarRecognizer": re.compile(r"\d(?:[ \-]?\d){11}"), "InPanRecognizer": re.compile(r"[A-Za-z]{5}\d{4}"),
          "InGstinRecognizer": re.compile(r"\d{2}[A-Za-z]{5}\d{4}"), "InVehicleRegistrationRecognizer": re.compile(r"[A-Za-z]{2}[ \-]?\d"),
          "CreditCardRecognizer": re.compile(r"\d(?:[ \-]?\d){12}"), "IbanRecognizer": re.compile(r"[A-Za-z]{2}\d{2}"),
          "IpRecognizer": re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d|[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,4}:"),
          "PhoneRecognizer": re.compile(r"\d(?:[ \-.()]{0,2}\d){7}")}


def _runs(norm: str):
    """Digit runs of ``norm`` (:data:`_RUN`), a leading calendar date cut off (the rest is a run of its own)."""
    pos = 0
    while (m := _RUN.search(norm, pos)) is not None:
        pos = m.end()
        date = _DATE.match(norm, m.start())
        if date is None:
            yield m
            continue
        rest = _RUN.match(norm, date.end() + 1) if date.end() < m.end() else None
        if rest is not None and rest.end() == m.end():
            yield rest


def detect(text: str) -> list[Finding]:
    """Independent findings in ``text`` (offsets into it), overlapping ones included."""
    from stdnum.in_ import gstin, pan

    norm = to_ascii_digits(text)
    out: list[Finding] = []
    for rec in _recognizers():
        need = _NEEDS.get(rec.name)
        if need is not None and need.search(norm) is None:
            continue
        for r in rec.analyze(norm, rec.supported_entities, None):
            if r.entity_type == "PHONE_NUMBER" and _DATE.match(norm, r.start):
                continue  # a date and an hour read as one number; a phone after the date is the sweep's (_runs)
            if r.score >= _MIN_SCORE.get(r.entity_type, _DEFAULT_MIN) and r.entity_type in _TYPES:
                digits_only = not any(c.isalpha() for c in norm[r.start:r.end])
                out.append(Finding(r.start, r.end, _TYPES[r.entity_type], f"presidio:{rec.name}",
                                   digits_only and _lookalike(norm, r.start)))
    for m in _runs(norm):
        raw = m.group()
        digits = re.sub(r"\D", "", raw)
        hit = _digit_type(digits, raw)
        if hit:
            out.append(Finding(m.start(), m.end(), hit[0], hit[1], _lookalike(norm, m.start())))
    for m in _TOKEN.finditer(norm) if _NEEDS["InPanRecognizer"].search(norm) else ():
        tok = m.group().upper()
        if len(tok) == 10 and pan.is_valid(tok):
            out.append(Finding(m.start(), m.end(), "IN_PAN", "stdnum"))
        elif len(tok) == 15 and gstin.is_valid(tok):
            out.append(Finding(m.start(), m.end(), "IN_GSTIN", "stdnum"))
    for m in _EMAIL.finditer(norm):
        out.append(Finding(m.start(), m.end(), "EMAIL_ADDRESS", "shape"))
    out.extend(_births(norm))
    return out


# A date of birth: a birth word, then within a few characters a date that Python's datetime accepts.
_BIRTH = re.compile(r"(?i:(?<![a-z])(?:d\.?o\.?b\.?|date of birth|birth ?date|born(?: on)?|birthday)(?![a-z]))"
                    r"|जन्म|জন্ম|பிறந்த|పుట్టిన|ಜನ್ಮ|ജനന|ਜਨਮ|જન્મ|ଜନ୍ମ|پیدائش")
_DATE_AFTER = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}"
                         r"|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}")
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d %B %Y", "%d %b %Y",
                 "%B %d %Y", "%b %d %Y")


def _is_date(value: str) -> bool:
    from datetime import datetime

    v = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", value).replace(",", " ").replace(". ", " ")
    v = " ".join(v.split())
    for fmt in _DATE_FORMATS:
        try:
            d = datetime.strptime(v, fmt)
        except ValueError:
            continue
        return 1900 <= d.year <= 2030
    return False


def _births(norm: str) -> list[Finding]:
    out = []
    for m in _BIRTH.finditer(norm):
        window = norm[m.end():m.end() + 30]
        d = _DATE_AFTER.search(window)
        if d and _is_date(d.group()):
            out.append(Finding(m.end() + d.start(), m.end() + d.end(), "DATE_OF_BIRTH", "datetime"))
    return out
