"""Context words (English, Hinglish, and the scripts of the scheduled languages) and their effect on scores.

Presidio's own context enhancer works on spaCy lemmas of English text, so it cannot
see "आधार" or "khata". curate scores context itself: a positive word for the entity
in a window around the match lifts the score; a look-alike word right before a number
("order", "txn", "₹", "बिल") drops a number that has no positive context.
"""

from __future__ import annotations

import regex as re

from curate.text.scripts import INDIC_BLOCKS_RANGE

CONTEXT: dict[str, list[str]] = {
    "IN_AADHAAR": ["aadhaar", "aadhar", "adhaar", "adhar", "aadhaar card", "uid", "uidai", "आधार", "आधार कार्ड",
                   "आधार नंबर", "আধার", "আধাৰ", "ஆதார்", "આધાર", "ఆధార్", "ಆಧಾರ್", "ആധാർ", "ਆਧਾਰ", "ଆଧାର", "آدھار",
                   "آدھار کارڈ", "ᱟᱫᱷᱟᱨ", "uid no", "aadhaar no", "aadhar no", "unique id"],
    # A VID is the Aadhaar *virtual* ID: the Aadhaar words name it too ("माझा आधार 8989…2314": 16 digits).
    "IN_VID": ["aadhaar", "aadhar", "adhaar", "uid", "आधार", "আধার", "ஆதார்", "ఆధార్", "ಆಧಾರ್", "ആധാർ", "ਆਧਾਰ",
               "ଆଧାର", "આધાર", "آدھار", "vid", "virtual id", "virtual id number", "वीआईडी", "वर्चुअल आईडी", "व्हीआयडी", "ভিআইডি", "ভার্চুয়াল আইডি", "விஐடி", "மெய்நிகர் ஐடி"],
    "IN_PAN": ["pan", "pan card", "pan number", "permanent account", "पैन", "पैन कार्ड", "प्यान", "প্যান", "பான்",
               "પાન", "పాన్", "ಪ್ಯಾನ್", "പാൻ", "ਪੈਨ", "ପାନ", "پین", "پین کارڈ"],
    "IN_GSTIN": ["gst", "gstin", "gst no", "gst number", "जीएसटी", "goods and services tax"],
    "IN_IFSC": ["ifsc", "ifsc code", "branch code", "आईएफएससी"],
    "IN_UPI": ["upi", "vpa", "upi id", "gpay", "google pay", "phonepe", "paytm", "bhim", "यूपीआई"],
    "IN_PHONE": ["phone", "mobile", "mob", "mob no", "cell", "contact", "call", "whatsapp", "tel", "number",
                 "फोन", "फ़ोन", "मोबाइल", "नंबर", "नम्बर", "संपर्क", "कॉल", "ফোন", "মোবাইল", "தொலைபேசி", "கைபேசி",
                 "मोबाईल", "फोन नंबर", "ફોન", "મોબાઇલ", "ఫోన్", "మొబైల్", "ಫೋನ್", "ಮೊಬೈಲ್", "ഫോൺ", "മൊബൈൽ",
                 "ਫ਼ੋਨ", "ਫੋਨ", "ਮੋਬਾਈਲ", "ଫୋନ", "ମୋବାଇଲ", "فون", "موبائل", "ফোন নম্বর", "whatsapp no", "ph", "tel no",
                 "landline"],
    "IN_VOTER": ["voter", "voter id", "epic", "election card", "electoral", "मतदाता", "वोटर", "वोटर आईडी",
                 "निर्वाचन", "ভোটার", "வாக்காளர்"],
    "IN_PASSPORT": ["passport", "passport no", "पासपोर्ट", "পাসপোর্ট", "கடவுச்சீட்டு", "பாஸ்போர்ட்", "પાસપોર્ટ",
                    "పాస్‌పోర్ట్", "పాస్పోర్ట్", "ಪಾಸ್‌ಪೋರ್ಟ್", "ಪಾಸ್ಪೋರ್ಟ್", "പാസ്‌പോർട്ട്", "ਪਾਸਪੋਰਟ", "ପାସପୋର୍ଟ", "پاسپورٹ"],
    "IN_DRIVING_LICENCE": ["driving licence", "driving license", "dl", "dl no", "licence", "license",
                           "ड्राइविंग लाइसेंस", "लाइसेंस", "डीएल"],
    "IN_VEHICLE_REGISTRATION": ["vehicle", "registration", "reg no", "car", "bike", "scooter", "number plate",
                                "rc", "गाड़ी", "गाडी", "वाहन", "नंबर प्लेट"],
    "IN_PIN_CODE": ["pin", "pincode", "pin code", "postal", "postal code", "zip", "पिन", "पिनकोड", "पिन कोड",
                    "पत्ता", "address", "পিন", "அஞ்சல்"],
    # chat spellings: "acc no", "acc.", "a/c no.", "acct no", "sb a/c" (a newcomer's "my acc no 12345678901")
    "IN_BANK_ACCOUNT": ["account", "a/c", "acct", "ac no", "a/c no", "account number", "bank", "khata", "acc",
                        "acc no", "acc num", "acc number", "account no", "acct no", "a/c num", "sb a/c", "savings",
                        "khata no", "khata number",
                        "khaata", "खाता", "खाता संख्या", "अकाउंट", "बैंक", "खाते", "অ্যাকাউন্ট", "கணக்கு", "ખાતા",
                        "ఖాతా", "ಖಾತೆ", "അക്കൗണ്ട്", "ਖਾਤਾ", "ଖାତା", "کھاتہ", "اکاؤنٹ"],
    "DATE_OF_BIRTH": ["dob", "d.o.b", "date of birth", "birth date", "birthdate", "born", "born on", "birthday",
                      "जन्म तिथि", "जन्मतिथि", "जन्म दिनांक", "जन्म", "জন্ম তারিখ", "জন্মতারিখ", "জন্ম", "பிறந்த தேதி",
                      "பிறந்த", "పుట్టిన తేదీ", "ಜನ್ಮ ದಿನಾಂಕ", "ജനനത്തീയതി", "ജനന", "ਜਨਮ ਮਿਤੀ", "ਜਨਮ", "જન્મ તારીખ",
                      "જન્મ", "ଜନ୍ମ ତାରିଖ", "تاریخ پیدائش", "پیدائش"],
    "IN_ABHA": ["abha", "health id", "health account", "ayushman", "आभा", "हेल्थ आईडी", "आयुष्मान"],
    "CREDIT_CARD": ["card", "credit card", "debit card", "visa", "mastercard", "rupay", "कार्ड", "क्रेडिट", "डेबिट"],
    "EMAIL_ADDRESS": ["email", "e-mail", "mail", "ईमेल", "मेल"],
    "IP_ADDRESS": ["ip", "ip address", "server", "host"],
    "URL": ["url", "link", "website", "लिंक"],
}

# Words that, right before a number, say it is not a personal identifier.
NEGATIVE_CONTEXT = [
    "order", "order id", "order no", "ord", "txn", "transaction", "utr", "ref", "reference", "invoice", "inv",
    "bill", "ticket", "pnr", "awb", "tracking", "docket", "consignment", "complaint", "case", "sr no", "serial",
    "sku", "model", "item", "product", "batch", "otp", "amount", "amt", "rs", "inr", "₹", "price", "balance",
    "total", "emi", "qty", "quantity", "version", "token", "ऑर्डर", "आर्डर", "ऑर्डर नंबर", "बिल", "रसीद", "राशि",
    "रुपये", "रुपए", "रु", "टिकट", "शिकायत", "ट्रांजैक्शन", "लेनदेन", "অর্ডার", "টাকা", "ஆர்டர்", "ரூபாய்",
    "ਆਰਡਰ", "ઓર્ડર", "ଅର୍ଡର", "ఆర్డర్", "ಆರ್ಡರ್", "ഓർഡർ", "آرڈر", "ᱚᱨᱰᱚᱨ", "अर्डर", "ऑर्डर", "ইনভয়েস", "বিল",
    "ਬਿੱਲ", "બિલ", "ବିଲ", "బిల్లు", "ಬಿಲ್", "ബിൽ", "بل", "ਰੁਪਏ", "રૂપિયા", "ଟଙ୍କା", "రూపాయలు", "ರೂಪಾಯಿ", "രൂപ", "روپے",
    "imei", "isbn", "s/n", "serial no", "pnr no", "awb no", "tracking id", "docket no", "ticket id", "ticket no",
    # "<look-alike> number": the positive word "number" inside these phrases does not count (see below).
    "order number", "ticket number", "complaint number", "case number", "reference number", "ref number",
    "tracking number", "invoice number", "serial number", "docket number", "model number", "transaction number",
    "policy number", "consignment number", "booking number", "request number", "ऑर्डर नंबर", "टिकट नंबर",
    "शिकायत नंबर", "संदर्भ संख्या",
]

# Only numeric recognizers are subject to negative context; a PAN is never an order number.
NEGATABLE = {"IN_AADHAAR", "IN_VID", "IN_PHONE", "IN_BANK_ACCOUNT", "IN_PIN_CODE", "CREDIT_CARD", "IN_ABHA",
             "IN_VOTER", "IN_PASSPORT", "IP_ADDRESS"}

BEFORE, AFTER = 48, 24
NEG_BEFORE = 24
BOOST = 0.35
# Fail closed on typos: a match that fails its check is kept only with a context word this close.
FAIL_CLOSED_BEFORE, FAIL_CLOSED_AFTER = 32, 16
FAIL_CLOSED_SCORE = 0.6


def _alternation(words: list[str]) -> "re.Pattern":
    # Latin words need letter boundaries ("pan" must not fire inside "company"); Indic words are matched as
    # substrings because case endings attach to them (आधारकार्ड, खाते).
    parts = sorted({w.lower() for w in words}, key=len, reverse=True)
    # Very short Indic words ("रु") would match inside names (मुरुगन), so they need Indic-letter boundaries too.
    indic = INDIC_BLOCKS_RANGE
    # A space inside a phrase matches any run of whitespace ("Virtual  ID", "आधार\nनंबर").
    esc = {w: re.escape(w).replace("\\ ", r"\s+") for w in parts}
    alts = [rf"(?<![a-z]){esc[w]}(?![a-z])" if w.isascii()
            else rf"(?<![{indic}]){esc[w]}(?![{indic}])" if len(w) <= 2 else esc[w] for w in parts]
    return re.compile("|".join(alts))


# Words that end the name of a locality, road, building or housing society (curate.pii.recognizers.places).
PLACE_WORDS = frozenset((
    "nagar nagara road rd marg colony chowk street lane layout puram vihar enclave bagh ganj park society "
    "apartment apartments apts residency tower towers sector block bazaar bazar market cross salai veedhi "
    "peth wadi gali galli mohalla circle extension estate nilayam bhavan bhawan sadan niwas complex heights "
    "garden gardens township avenue chawl palya pally palli kunj villa villas plaza building bldg path "
    "नगर मार्ग रोड कॉलोनी चौक गली विहार बाग गंज सोसाइटी मोहल्ला पथ बाजार बाज़ार "
    "নগর রোড সরণি সরণী পল্লী বাজার சாலை தெரு வீதி நகர் નગર રોડ સોસાયટી"
).split())

# A PIN code is also given after its city or inside an address without the word "PIN" ("Deliver to Pune 411045",
# "முகவரி 12/3 Anna Salai, Chennai 600002"): the largest cities (hand-written, English and native spellings), the
# word for "address" in the scheduled languages' scripts, and the place words of an address
# (:data:`PLACE_WORDS`) are its context too.
_PIN_PLACES = (
    "mumbai bombay delhi bengaluru bangalore chennai madras kolkata calcutta hyderabad secunderabad pune ahmedabad "
    "surat jaipur lucknow kanpur nagpur indore thane bhopal visakhapatnam vizag patna vadodara baroda ghaziabad "
    "ludhiana agra nashik faridabad meerut rajkot varanasi srinagar aurangabad dhanbad amritsar prayagraj allahabad "
    "ranchi howrah coimbatore jabalpur gwalior vijayawada jodhpur madurai raipur kota guwahati chandigarh solapur "
    "mysuru mysore gurgaon gurugram noida kochi cochin ernakulam thiruvananthapuram trivandrum bhubaneswar "
    "cuttack dehradun jammu mangaluru mangalore udaipur panaji shimla puducherry pondicherry tiruchirappalli trichy "
    "salem warangal nellore tirupati hubli belgaum belagavi kozhikode calicut thrissur navi mumbai "
    "मुंबई दिल्ली बेंगलुरु चेन्नई कोलकाता हैदराबाद पुणे अहमदाबाद जयपुर लखनऊ कानपुर नागपुर इंदौर भोपाल पटना "
    "वाराणसी आगरा मेरठ रांची प्रयागराज गुरुग्राम नोएडा देहरादून কলকাতা হাওড়া গুয়াহাটি சென்னை மதுரை கோயம்புத்தூர் "
    "కోయంబత్తూరు హైదరాబాద్ విజయవాడ ಬೆಂಗಳೂರು ಮೈಸೂರು കൊച്ചി തിരുവനന്തപുരം ਅੰਮ੍ਰਿਤਸਰ ਲੁਧਿਆਣਾ અમદાવાદ સુરત "
    "ଭୁବନେଶ୍ୱର ممبئی دہلی لاہور"
    " पता ठिकाना ঠিকানা முகவரி చిరునామా ವಿಳಾಸ വിലാസം ਪਤਾ સરનામું ଠିକଣା پتہ deliver delivery courier").split()


def _pin_context() -> list[str]:
    return [*CONTEXT["IN_PIN_CODE"], *_PIN_PLACES, *PLACE_WORDS]


# A house number's context is an address's: the words and places that make a PIN code one.
_POS = {entity: _alternation(_pin_context() if entity in ("IN_PIN_CODE", "ADDRESS") else words)
        for entity, words in {**CONTEXT, "ADDRESS": []}.items()}
_NEG = _alternation(NEGATIVE_CONTEXT)


# Words too generic to make a number that fails its check an identifier ("number 1234567890"); they still
# lift the score of a valid one.
GENERIC = {"number", "नंबर", "नम्बर", "contact", "call", "कॉल", "संपर्क", "card", "कार्ड", "registration", "licence",
           "license", "address", "pin", "vehicle", "bank", "बैंक", "account", "tel", "cell"}
_STRICT = {entity: _alternation([w for w in words if w.lower() not in GENERIC]) for entity, words in CONTEXT.items()}


def mentions(entity: str, text_lower: str) -> bool:
    """A context word for ``entity`` anywhere in the text (a cheap gate before a context-only recognizer runs)."""
    pat = _POS.get(entity)
    return pat is not None and pat.search(text_lower) is not None


def has_context(entity: str, text_lower: str, start: int, end: int, before: int = BEFORE, after: int = AFTER,
                strict: bool = False) -> bool:
    """A context word for ``entity`` within ``before`` characters before / ``after`` after the match.
    ``strict`` ignores the generic words (:data:`GENERIC`); used to decide fail-closed typos."""
    pat = (_STRICT if strict else _POS).get(entity)
    if pat is None:
        return False
    window = text_lower[max(0, start - before):start] + " \x00 " + text_lower[end:end + after]
    return pat.search(window) is not None


# What ends a look-alike word's reach: another number (the word belongs to that one: "₹44257 … call 0964…")
# or the end of a sentence ("… कट गए। मला 904-427-9348 वर फोन करा")
# ("." is not a break: "order no. 98…" still belongs to "order").
_NEG_BREAK = re.compile(r"\d|[?!।॥۔؟]")


def has_negative_context(text_lower: str, start: int) -> bool:
    """A look-alike word ("order", "₹", "बिल") before the number, with nothing in between that ends its reach."""
    window = text_lower[max(0, start - NEG_BEFORE):start]
    last = None
    for m in _NEG.finditer(window):
        last = m
    return last is not None and _NEG_BREAK.search(window[last.end():]) is None


def has_close_positive(entity: str, text_lower: str, start: int, before: int = NEG_BEFORE) -> bool:
    """A positive context word just before ``start``, nearer to it than any look-alike word and not part of a
    look-alike phrase ("mobile 98… order 98…": the second number belongs to "order"; "number" in "complaint
    number" does not make the number a phone)."""
    pat = _POS.get(entity)
    if pat is None:
        return False
    lo = max(0, start - before)
    window = text_lower[lo:start]
    negs = [m.span() for m in _NEG.finditer(window)]
    last_neg = max((b for _, b in negs), default=-1)
    return any(m.end() > last_neg and not any(a <= m.start() and m.end() <= b for a, b in negs)
               for m in pat.finditer(window))
