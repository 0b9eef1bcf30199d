"""Build one synthetic customer and ticket: PII values rendered the way people write them.

Everything draws from the ``random.Random`` passed in, so a seed fixes every byte. Each ticket
carries ``pii`` — the exact substrings planted in its text with their type — as ground truth for
PII recall tests (it is written to ``ground_truth/``, never into the data files).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from curate.pii import checksums as cs
from curate.sampledata import names as N
from curate.sampledata.templates import INTENTS, LANG_WEIGHTS, LANGS, SCRIPT, T
from curate.text.digits import render_digits

CHANNELS = ["email", "app_chat", "whatsapp", "phone_transcript", "branch_walkin", "twitter"]
PRODUCTS = {"card_blocked": ["debit_card", "credit_card"], "upi_failed": ["upi"], "kyc_update": ["savings_account"],
            "loan_emi": ["home_loan", "personal_loan", "car_loan"], "refund": ["credit_card", "upi", "debit_card"],
            "address_change": ["savings_account", "current_account"]}
LABELS = ["resolved", "escalated", "pending", "duplicate_complaint"]
SENTIMENTS = {"card_blocked": ["negative", "negative", "neutral"], "upi_failed": ["negative", "negative", "neutral"],
              "kyc_update": ["neutral", "neutral", "negative"], "loan_emi": ["negative", "neutral"],
              "refund": ["negative", "negative", "neutral"], "address_change": ["neutral", "neutral", "positive"]}


@dataclass
class Person:
    given: tuple
    family: tuple
    city: tuple
    phone_digits: str
    email: str
    upi: str
    aadhaar: str
    pan: str
    account: str
    ifsc: str
    bank: str

    @property
    def latin(self) -> str:
        return f"{self.given[0]} {self.family[0]}"

    @property
    def gender(self) -> str:
        return self.given[4]

    def native_name(self, lang: str) -> str:
        idx = {"Latn": 0, "Deva": 1, "Taml": 2, "Beng": 3}[SCRIPT[lang]]
        return f"{self.given[idx]} {self.family[idx]}"


@dataclass
class Ticket:
    text: str
    lang: str
    intent: str
    person: Person
    pii: list = field(default_factory=list)       # [{"type", "value"}] planted in text
    lookalikes: list = field(default_factory=list)  # non-PII numbers that look like ids


def make_person(rng: random.Random, lang: str) -> Person:
    given, family = rng.choice(N.GIVEN), rng.choice(N.FAMILY)
    home = N.HOME_CITIES[lang]
    city = rng.choice([c for c in N.CITIES if home is None or c[0] in home])
    phone = rng.choice("6789") + "".join(rng.choice("0123456789") for _ in range(9))
    first, last = given[0].lower(), family[0].lower()
    email = rng.choice([f"{first}.{last}{rng.randint(1, 99)}", f"{first}{last[0]}{rng.randint(1970, 2004)}",
                        f"{first}_{last}"]) + "@" + rng.choice(N.EMAIL_DOMAINS)
    bank, ifsc_prefix, handles = rng.choice(N.BANKS)
    upi = (f"{phone}@{rng.choice(N.WALLET_HANDLES)}" if rng.random() < 0.4
           else f"{first}{rng.choice(['', '.', '.' + last])}{rng.choice(['', str(rng.randint(1, 999))])}@{rng.choice(handles)}")
    return Person(given=given, family=family, city=city, phone_digits=phone, email=email, upi=upi,
                  aadhaar=cs.fake_aadhaar(rng), pan=cs.fake_pan(rng, "P", family[0][0]),
                  account=str(rng.randint(10 ** (rng.choice([9, 11, 13]) - 1), 10 ** 14 - 1)),
                  ifsc=cs.fake_ifsc(rng, ifsc_prefix), bank=bank)


def render_phone(rng: random.Random, d: str) -> str:
    """The many ways Indians write a mobile number."""
    return rng.choice([f"+91 {d[:5]} {d[5:]}", f"+91{d}", f"0{d[:5]} {d[5:]}", d, f"+91-{d[:5]}-{d[5:]}",
                       f"91 {d}", f"{d[:3]}-{d[3:6]}-{d[6:]}", f"+91 {d[:2]} {d[2:6]} {d[6:]}"])


def render_aadhaar(rng: random.Random, a: str, lang: str) -> str:
    form = rng.choice([a, f"{a[:4]} {a[4:8]} {a[8:]}", f"{a[:4]} {a[4:8]} {a[8:]}", f"{a[:4]}-{a[4:8]}-{a[8:]}"])
    if SCRIPT[lang] == "Deva" and rng.random() < 0.4:
        form = render_digits(form, "Deva")
    return form


def _utr_lookalike(rng: random.Random) -> str:
    """A 12-digit UPI reference that is NOT a valid Aadhaar (bad Verhoeff), so detectors must not flag it."""
    while True:
        u = rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(11))
        if not cs.verhoeff_valid(u):
            return u


def _indian_grouping(v: int) -> str:
    """12,34,567 — thousands, then groups of two (lakh, crore)."""
    s = str(v)
    if len(s) <= 3:
        return s
    head, tail = s[:-3], s[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head] + groups + [tail]) if head else ",".join(groups + [tail])


def _amount(rng: random.Random) -> str:
    v = rng.choice([rng.randint(99, 999), rng.randint(1000, 99999), rng.randint(100000, 2500000)])
    s = _indian_grouping(v) if rng.random() < 0.5 else str(v)
    return s + (f".{rng.randint(0, 99):02d}" if rng.random() < 0.3 else "")


def _date(rng: random.Random) -> str:
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.choice([2024, 2025, 2026])
    return rng.choice([f"{d:02d}/{m:02d}/{y}", f"{d}-{m}-{y}", f"{y}-{m:02d}-{d:02d}",
                       f"{d} {['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec'][m-1]} {y}"])


def make_ticket(rng: random.Random, lang: str | None = None, intent: str | None = None) -> Ticket:
    lang = lang or rng.choices(LANGS, LANG_WEIGHTS)[0]
    intent = intent or rng.choice(INTENTS)
    p = make_person(rng, lang)
    t = T[lang]
    city = p.city[0] if SCRIPT[lang] == "Latn" else p.city[1][lang]
    order = rng.choice([f"ORD{rng.randint(10**9, 10**10 - 1)}", f"OD{rng.randint(10**14, 10**15 - 1)}",
                        f"#{rng.randint(100000, 999999)}"])
    values = {
        "name": p.native_name(lang), "phone": render_phone(rng, p.phone_digits),
        "aadhaar": render_aadhaar(rng, p.aadhaar, lang), "pan": p.pan, "upi": p.upi, "email": p.email,
        "account": p.account, "ifsc": p.ifsc, "amount": _amount(rng), "order": order, "date": _date(rng),
        "city": city, "utr": _utr_lookalike(rng), "card4": f"XXXX{rng.randint(1000, 9999)}",
        "gstin": cs.fake_gstin(rng, p.city[3]), "vid": cs.fake_vid(rng),
    }
    kinds = ["aadhaar", "pan", "phone", "email", "upi", "account", "gstin", "vid", "name"]
    chosen = rng.sample(kinds, rng.choice([1, 2, 2, 3]))
    parts = [rng.choice(t["greet"])]
    parts += rng.sample(t["intent"][intent], rng.choice([1, 1, 2]))
    if rng.random() < 0.5:
        parts.append(rng.choice(t["fill"]))
    parts += [rng.choice(t["pii"][k]) for k in chosen]
    parts.append(rng.choice(t["close"]))
    text = " ".join(s for s in parts if s).format(**values)

    pii_slots = {"name": "person", "phone": "phone", "aadhaar": "aadhaar", "pan": "pan", "upi": "upi",
                 "email": "email", "account": "bank_account", "ifsc": "ifsc", "gstin": "gstin", "vid": "aadhaar_vid"}
    lookalike_slots = {"card4": "masked_card", "utr": "upi_reference", "order": "order_id", "amount": "amount", "date": "date"}
    pii, looks = [], []
    for slot, typ in pii_slots.items():
        v = values[slot]
        if v in text:
            pii.append({"type": typ, "value": v})
    for slot, typ in lookalike_slots.items():
        if values[slot] in text:
            looks.append({"type": typ, "value": values[slot]})
    return Ticket(text=text, lang=lang, intent=intent, person=p, pii=pii, lookalikes=looks)


def ticket_record(rng: random.Random, tk: Ticket, ticket_id: str) -> dict:
    """The JSON record for a ticket: text plus metadata columns (some of which are PII)."""
    p = tk.person
    rec = {
        "ticket_id": ticket_id,
        "created_at": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+05:30",
        "channel": rng.choice(CHANNELS),
        "customer_name": p.latin,
        "phone": render_phone(rng, p.phone_digits),
        "email": p.email,
        "city": p.city[0],
        "state": p.city[2],
        "product": rng.choice(PRODUCTS[tk.intent]),
        "intent": tk.intent,
        "language": tk.lang,
        "label": rng.choices(LABELS, [0.55, 0.25, 0.15, 0.05])[0],
        "sentiment": rng.choice(SENTIMENTS[tk.intent]),
        "text": tk.text,
    }
    if rng.random() < 0.6:  # gender only where the customer mentioned it
        rec["gender"] = p.gender
    return rec
