"""A second opinion on residual PII, independent of the PII stage that produced the snapshot.

The audit must be able to catch the stage, so this detector shares none of its code
(``curate.pii`` is not imported here): it runs

* Presidio's stock recognizers (India Aadhaar/PAN/GSTIN/vehicle registration, payment cards, IBAN,
  IP addresses, and phone numbers through Presidio's libphonenumber matcher) with Presidio's own
  validation and scores, and
* a sweep over every run of digits, in any script (Unicode's digit values, not curate's table),
  validated by python-stdnum (Aadhaar and VID by Verhoeff, cards by Luhn) and phonenumbers (Indian
  numbers), plus PAN and GSTIN tokens by stdnum and e-mail addresses by shape; digit groups split by
  any dash, space or look-alike (Unicode categories, not curate's table) are tried in every
  consecutive combination, so "98 45 01 23 45" and two numbers side by side are both seen,
* PIN codes (six digits whose first two are an India Post circle) after a PIN word, in an address line
  or after a city/state name, and house/flat numbers ("Flat 12, …", "H.No. 3-4-567", "मकान नंबर 45")
  before a street or locality word: what a stage blind to addresses leaves,
* dates of birth (a date after a birth word, checked by Python's ``datetime``).

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


def _fold(text: str) -> str:
    """``text`` with every dash (Unicode ``Pd``) as "-", every space separator (``Zs``) and invisible format
    character (``Cf``: zero-width space, soft hyphen, word joiner; not ZWJ/ZWNJ, which join Indic letters) as " ",
    and full-width ASCII as ASCII: one code point for one, so offsets stay. Unicode's categories decide, not a
    table of curate's."""
    import unicodedata

    table = {}
    for ch in set(text):
        if ch.isascii() or ch in "\u200c\u200d":
            continue
        cat = unicodedata.category(ch)
        if cat == "Pd":
            table[ord(ch)] = "-"
        elif cat == "Zs" or cat == "Cf":
            table[ord(ch)] = " "
        elif 0xFF01 <= ord(ch) <= 0xFF5E:
            table[ord(ch)] = chr(ord(ch) - 0xFEE0)
    return text.translate(table) if table else text


# A chunk of digit groups with up to three separators between groups ("+91 - 98450 - 12345", "98450_12345").
_CHUNK = re.compile(r"(?<![^\W_])\+?\d+(?:[ \-._/()]{1,3}\d+)+(?![^\W_])")
_GROUP = re.compile(r"\d+")


def _grouped(norm: str, taken: list[tuple[int, int]]) -> list[Finding]:
    """Numbers made of consecutive digit groups of a chunk: every combination of consecutive groups is tried
    (longest first), so a number split in odd places, or two numbers written side by side, is found. Groups
    inside a calendar date are left alone; spans already found (``taken``) are not reported again."""
    dates = [m.span() for m in _DATE.finditer(norm)]
    out = []
    for chunk in _CHUNK.finditer(norm):
        groups = [g for g in _GROUP.finditer(norm, chunk.start(), chunk.end())
                  if not any(a <= g.start() < b for a, b in dates)]
        i = 0
        while i < len(groups):
            hit = None
            for j in range(len(groups) - 1, i - 1, -1):
                digits = "".join(g.group() for g in groups[i:j + 1])
                if len(digits) > 19 or len(digits) < 10:
                    continue
                a, b = groups[i].start(), groups[j].end()
                if a > 0 and norm[a - 1] == "+":
                    a -= 1
                found = _digit_type(digits, norm[a:b])
                if found:
                    hit = (j, a, b, found)
                    break
            if hit is None:
                i += 1
                continue
            j, a, b, (typ, source) = hit
            if not any(a < y and x < b for x, y in taken):
                out.append(Finding(a, b, typ, source, _lookalike(norm, a)))
            i = j + 1
    return out


def detect(text: str) -> list[Finding]:
    """Independent findings in ``text`` (offsets into it), overlapping ones included."""
    from stdnum.in_ import gstin, pan

    norm = _fold(to_ascii_digits(text))
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
    out.extend(_grouped(norm, [(f.start, f.end) for f in out]))
    for m in _EMAIL.finditer(norm):
        out.append(Finding(m.start(), m.end(), "EMAIL_ADDRESS", "shape"))
    out.extend(_births(norm))
    out.extend(_pins(norm))
    out.extend(_houses(norm))
    out.extend(_written_out(norm))
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


# India Post's PIN code: the first digit is the zone (1-8, 9 the Army Postal Service), the first two the postal
# circle; 10, 29, 35, 54, 55, 65, 66 are no circle's (India Post, "PIN code" directory).
_PIN_FIRST_TWO = frozenset(range(11, 100)) - {29, 35, 54, 55, 65, 66}
_PIN = re.compile(r"(?<![\d.,])([1-9]\d{2})\s?(\d{3})(?![\d]|[.,]\d)")
# A PIN word right before the number; an address line (a street/locality word, or a city/state) earlier in the
# same line. Words for "PIN" and "address" in the scheduled languages' scripts.
_PIN_WORD = re.compile(r"(?i:(?<![a-z])(?:pin\s?code|pin|postal\s?code|post\s?code|zip(?:\s?code)?|p\.?o\.?)(?![a-z]))"
                       r"|पिन|पिनकोड|पिन\s?कोड|পিন|পিনকোড|பின்|பின்கோடு|పిన్|ಪಿನ್|പിൻ|ਪਿੰਨ|પિન|ପିନ")
_NOT_POSTAL = re.compile(r"(?i)(?<![a-z])(?:atm|upi|m-?pin|card|debit|credit|otp|secret|password|passcode|t-?pin)"
                         r"(?![a-z])[^\n]{0,12}$")
_ADDRESS_WORD = re.compile(
    r"(?i:(?<![a-z])(?:address|addr|road|rd|street|st|nagar|colony|sector|sec|lane|marg|layout|cross|main|"
    r"apartments?|apts?|flat|house|h\.?\s?no|plot|near|opp|opposite|behind|village|vill|post|taluk|taluka|"
    r"tehsil|district|dist|ward|block|phase|society|chowk|bazaa?r|gali|mohalla|enclave|vihar|puram|pet|halli|"
    r"palya|wadi|pada|ganj|bagh|extension|extn|stage|circle|tower|residency|complex|street|avenue|mandir|masjid|"
    r"church|temple|school|hospital|bus\s?stand|station)(?![a-z]))"
    r"|पता|मार्ग|नगर|गली|कॉलोनी|रोड|मोहल्ला|गांव|ग्राम|जिला|ঠিকানা|রোড|নগর|முகவரி|தெரு|நகர்|சாலை|చిరునామా|వీధి|"
    r"ವಿಳಾಸ|ರಸ್ತೆ|വിലാസം|റോഡ്|ਪਤਾ|ਸੜਕ|સરનામું|રોડ|ଠିକଣା|پتہ|سڑک")
# Cities and states of India (Census of India names, as written in addresses); a number after one is a PIN.
_PLACES = re.compile(r"(?i)(?<![a-z])(?:" + "|".join(r"""
delhi new\s?delhi mumbai bombay kolkata calcutta chennai madras bengaluru bangalore hyderabad secunderabad pune
ahmedabad surat jaipur lucknow kanpur nagpur indore bhopal patna vadodara baroda ludhiana agra nashik nasik
faridabad meerut rajkot varanasi srinagar aurangabad dhanbad amritsar allahabad prayagraj ranchi howrah
coimbatore jabalpur gwalior vijayawada jodhpur madurai raipur kota guwahati chandigarh solapur mysuru mysore
tiruchirappalli trichy bareilly aligarh moradabad jalandhar bhubaneswar cuttack salem warangal guntur
thiruvananthapuram trivandrum kochi cochin ernakulam kozhikode calicut thrissur noida gurgaon gurugram ghaziabad
dehradun shimla jammu mangaluru mangalore udupi hubli dharwad belgaum belagavi visakhapatnam vizag tirupati nellore
puducherry pondicherry panaji goa margao vellore tirunelveli thane navi\s?mumbai kalyan vasai virar kolhapur
sangli jalgaon akola amravati udaipur ajmer bikaner siliguri durgapur asansol gaya bhagalpur muzaffarpur
jamshedpur bokaro rourkela sambalpur imphal shillong aizawl agartala kohima itanagar gangtok port\s?blair
maharashtra karnataka kerala tamil\s?nadu telangana andhra\s?pradesh gujarat rajasthan punjab haryana
uttar\s?pradesh madhya\s?pradesh bihar jharkhand odisha orissa west\s?bengal assam uttarakhand
himachal\s?pradesh chhattisgarh
""".split()) + r")(?![a-z])|दिल्ली|मुंबई|कोलकाता|चेन्नई|बेंगलुरु|हैदराबाद|पुणे|जयपुर|लखनऊ|पटना|भोपाल|इंदौर|"
                     r"কলকাতা|சென்னை|மதுரை|కోయంబత్తూరు|హైదరాబాద్|ಬೆಂಗಳೂರು|തിരുവനന്തപുരം|ਅੰਮ੍ਰਿਤਸਰ|અમદાવાદ|ଭୁବନେଶ୍ୱର")
_LINE_BACK = 80


def _pins(norm: str) -> list[Finding]:
    """PIN codes: six digits in a valid postal circle, after a PIN word (within 12 characters) or with an address
    word or an Indian city/state earlier in the same line (within 80 characters)."""
    out = []
    for m in _PIN.finditer(norm):
        if int(m.group(1)[:2]) not in _PIN_FIRST_TWO:
            continue
        line_start = norm.rfind("\n", 0, m.start()) + 1
        before = norm[max(line_start, m.start() - _LINE_BACK):m.start()]
        if _NOT_POSTAL.search(before):
            continue  # an ATM/UPI PIN or an OTP: a secret, not a place
        close = before[-12:]
        if _PIN_WORD.search(close) or _ADDRESS_WORD.search(before) or _PLACES.search(before):
            out.append(Finding(m.start(), m.end(), "IN_PIN_CODE", "postal", _lookalike(norm, m.start())))
    return out


# A house, flat or plot number: the word, an optional "no."/"#", and a number such as 12, 12A, 3-4-567, B/204.
_HOUSE = re.compile(
    r"(?i:(?<![a-z])(?:flat|house|h\.?\s?no|plot|door|d\.?\s?no|shop|room|apt|apartment|qtr|quarter|bldg|building"
    r"|villa|bungalow|khasra|survey)(?![a-z])\.?\s*(?:no\.?|number|num|#)?\s*[:\-]?\s*)"
    r"([A-Za-z]?\d+[A-Za-z]?(?:\s?[-/]\s?[A-Za-z]?\d+[A-Za-z]?)*)(?![\d])"
    r"|(?:मकान|फ्लैट|प्लॉट|घर)\s*(?:नंबर|नं\.?|संख्या|क्रमांक)?\s*[:\-]?\s*(\d+(?:\s?[-/]\s?\d+)*)")


def _houses(norm: str) -> list[Finding]:
    """A house/flat/plot number followed, within the next 60 characters of the line, by a street or locality word
    or a city/state: the part of an address that names one household."""
    out = []
    for m in _HOUSE.finditer(norm):
        line_end = norm.find("\n", m.end())
        after = norm[m.end():min(m.end() + 60, len(norm) if line_end < 0 else line_end)]
        if _ADDRESS_WORD.search(after) or _PLACES.search(after) or _PIN.search(after):
            out.append(Finding(m.start(), m.end(), "ADDRESS", "shape"))
    return out


# E-mail addresses written to get past filters ("ravi [at] gmail [dot] com", "ravi dot kumar at gmail dot com",
# "ravi%40gmail.com", "ravi @ gmail.com") and phone numbers spelled in English or Hindi number words: the second
# opinion's own reading (phonenumbers decides what is a phone).
# a space after "@" ("me @Priya.Verma" with a space before it only is a mention)
_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|%40|\s*@\s+)"
_DOTW = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
_PART = r"[A-Za-z0-9](?:[A-Za-z0-9_\-]*[A-Za-z0-9])?"
_HIDDEN_EMAIL = re.compile(r"(?i)(?<![\w.%+\-])" + _PART + "(?:" + _DOTW + _PART + ")*" + _AT + _PART + "(?:" + _DOTW
                           + _PART + r")*" + _DOTW + r"[a-z]{2,6}(?![\w\-])"
                           r"|(?<![\w.%+\-])" + _PART + r"(?:\s+dot\s+" + _PART + r")*\s+at\s+" + _PART
                           + r"(?:\s+dot\s+" + _PART + r")*\s+dot\s+(?:com|in|org|net|co|edu|gov|io)(?![\w\-])")
_NUMBER_WORDS = {w: str(i) for i, ws in enumerate([
    "zero oh shunya शून्य", "one ek एक", "two do दो", "three teen तीन", "four four char chaar चार",
    "five paanch panch पांच पाँच", "six chhe छह", "seven saat सात", "eight aath आठ", "nine nau नौ"]) for w in ws.split()}
_WORD_RUN = re.compile(r"(?i)(?:(?:double|triple)\s+)?(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
                       + r"|\d)(?:[\s,\-]+(?:(?:double|triple)\s+)?(?:" + "|".join(sorted(_NUMBER_WORDS, key=len,
                                                                                         reverse=True)) + r"|\d)){6,}")


def _written_out(norm: str) -> list[Finding]:
    out = [Finding(m.start(), m.end(), "EMAIL_ADDRESS", "shape") for m in _HIDDEN_EMAIL.finditer(norm)
           if not re.fullmatch(r"[^@\s]+@[^@\s]+", m.group())]  # a plain address is _EMAIL's
    for m in _WORD_RUN.finditer(norm):
        toks = [t for t in re.split(r"[\s,\-]+", m.group()) if t]
        digits, times = "", 1
        for t in toks:
            if t.lower() in ("double", "triple"):
                times = 2 if t.lower() == "double" else 3
                continue
            digits += (_NUMBER_WORDS.get(t.lower(), t) if not t.isdigit() else t) * times
            times = 1
        if not digits.isdigit() or all(t.isdigit() for t in toks):
            continue
        for a in range(len(digits)):  # any ten-digit window that is an Indian phone
            if _phone(digits[a:a + 10], digits[a:a + 10]):
                out.append(Finding(m.start(), m.end(), "IN_PHONE", "phonenumbers"))
                break
    return out
