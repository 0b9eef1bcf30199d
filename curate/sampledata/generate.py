"""Write the bundled sample data set: several files in several shapes, encodings and languages.

``generate(out_dir, n, seed)`` is deterministic: the same arguments give byte-identical files
(one ``random.Random(seed)``, no clock, no hash-order iteration). ``MANIFEST.json`` records what was
planted — counts per file and language, each kind of bad row, duplicate groups, PII by type — so tests
and the demo can check the pipeline against ground truth. Per-row ground truth (duplicate groups, PII
spans) goes to ``ground_truth/``, kept apart from the data files that get ingested.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from pathlib import Path

from curate.errors import CurateError
from curate.sampledata import names as N
from curate.sampledata.noise import BAD_COUNTS, BAD_KINDS, near_duplicate, bad_line
from curate.sampledata.records import make_person, make_ticket, render_aadhaar, render_phone, ticket_record
from curate.sampledata.templates import INTENT_LABEL_TEXT, INTENT_REPLY, INTENTS, LANGS, T

GENERATOR_VERSION = 1
EXACT_DUP_RATE = 0.05
NEAR_DUP_RATE = 0.08
MIN_N = 100


def _jsonl(rows: list[dict]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)


def _support_tickets(rng: random.Random, n: int):
    """Valid rows with planted exact/near duplicates, then bad lines spliced in at fixed spots."""
    n_exact, n_near = round(n * EXACT_DUP_RATE), round(n * NEAR_DUP_RATE)
    n_base = n - n_exact - n_near
    base, seen = [], set()
    while len(base) < n_base:  # template collisions would be unplanned exact duplicates: redraw them
        tk = make_ticket(rng)
        key = " ".join(tk.text.split())
        if key not in seen:
            seen.add(key)
            base.append(tk)
    # Each row is (ticket, text, record-template); duplicates reuse their original's ticket/metadata.
    rows = [(tk, tk.text, None) for tk in base]
    originals = rng.sample(range(n_base), k=min(n_base, n_exact + n_near))
    exact_groups, near_groups = [], []
    i = 0
    while n_exact > 0:            # groups of 1 original + 1..2 exact copies
        copies = min(n_exact, rng.choice([1, 1, 2]))
        exact_groups.append({"original": originals[i], "copies": [len(rows) + c for c in range(copies)]})
        rows += [(base[originals[i]], base[originals[i]].text, "exact")] * copies
        n_exact -= copies
        i += 1
    while n_near > 0:             # groups of 1 original + 1..2 near variants
        copies = min(n_near, rng.choice([1, 1, 2]))
        orig = base[originals[i]]
        group = {"original": originals[i], "copies": [], "edits": []}
        for _ in range(copies):
            text, ops = near_duplicate(rng, orig.text, orig.lang)
            group["copies"].append(len(rows))
            group["edits"].append(ops)
            rows.append((orig, text, "near"))
        near_groups.append(group)
        n_near -= copies
        i += 1
    order = list(range(len(rows)))
    rng.shuffle(order)
    position = {row_idx: pos for pos, row_idx in enumerate(order)}
    ids = [f"TKT-{100000 + 7 * pos:07d}" for pos in range(len(rows))]  # ticket id follows file order

    records, truth_pii = [], []
    for pos, row_idx in enumerate(order):
        tk, text, _ = rows[row_idx]
        rec = ticket_record(rng, tk, ids[pos])
        rec["text"] = text
        records.append(rec)
        for ent in tk.pii:
            start = text.find(ent["value"])
            if start >= 0:
                truth_pii.append({"ticket_id": ids[pos], "type": ent["type"], "value": ent["value"],
                                  "start": start, "end": start + len(ent["value"])})

    def group_ids(g):
        return [ids[position[g["original"]]]] + [ids[position[c]] for c in g["copies"]]

    dup_truth = {"exact": [group_ids(g) for g in exact_groups],
                 "near": [{"ticket_ids": group_ids(g), "edits": g["edits"]} for g in near_groups]}

    # Bad lines: spread over the body of the file, away from the first 64 KiB that encoding detection reads.
    bad = [(k, v) for k in BAD_KINDS for v in range(BAD_COUNTS[k])]
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in records]
    start = min(200, len(lines) // 3)
    step = max(1, (len(lines) - start) // (len(bad) + 1))
    bad_ids = []
    for j, (kind, variant) in enumerate(reversed(bad)):  # insert from the back so positions stay valid
        at = start + step * (len(bad) - j)
        tid = f"TKT-BAD-{len(bad) - j:03d}"
        template = dict(records[rng.randrange(len(records))], ticket_id=tid)
        lines.insert(at, bad_line(rng, kind, template, variant))
        bad_ids.append({"ticket_id": tid, "kind": kind})
    data = b"\n".join(lines) + b"\n"
    langs = Counter(r["language"] for r in records)
    stats = {
        "valid_rows": len(records), "lines": len(lines), "bad_rows": sum(BAD_COUNTS.values()),
        "bad_by_kind": dict(BAD_COUNTS), "languages": {l: langs[l] for l in LANGS},
        "intents": dict(sorted(Counter(r["intent"] for r in records).items())),
        "exact_dup_groups": len(exact_groups), "exact_dup_extra_rows": sum(len(g["copies"]) for g in exact_groups),
        "near_dup_groups": len(near_groups), "near_dup_extra_rows": sum(len(g["copies"]) for g in near_groups),
        "pii_by_type": dict(sorted(Counter(p["type"] for p in truth_pii).items())),
    }
    return data, records, stats, dup_truth, truth_pii, sorted(bad_ids, key=lambda b: b["ticket_id"])


_FEEDBACK = {
    "en": ["Staff at the {city} branch were very helpful.", "Waited 45 minutes for a passbook update, very slow.",
           "Manager solved my loan query quickly, thank you.", "ATM outside the branch is always out of cash.",
           'The token system is confusing, they said "come back tomorrow".'],
    "hinglish": ["Branch staff ne bahut achha help kiya.", "Line bahut lambi thi, 1 ghanta wait kiya.",
                 "Cash counter pe koi nahi tha, bahut bura experience."],
    "hi": ["शाखा के कर्मचारी बहुत मददगार थे।", "पासबुक अपडेट के लिए एक घंटा इंतज़ार करना पड़ा।", "एटीएम हमेशा खराब रहता है।"],
    "mr": ["शाखेतील कर्मचारी खूप मदत करणारे होते.", "पासबुक अद्ययावत करण्यासाठी तासभर थांबावे लागले."],
    "ta": ["கிளை ஊழியர்கள் மிகவும் உதவியாக இருந்தனர்.", "பாஸ்புக் புதுப்பிக்க ஒரு மணி நேரம் காத்திருந்தேன்."],
    "bn": ["শাখার কর্মীরা খুব সাহায্য করেছেন।", "পাসবই আপডেটের জন্য এক ঘণ্টা অপেক্ষা করতে হয়েছে।"],
}
_LEGACY_FEEDBACK = ["Service was excellent – the manager’s “can do” attitude helped.",
                    "Café near the branch is nice but the queue was 40 min… poor.",
                    "Locker rent debited twice – please refund.", "Staff were polite; résumé of my loan was clear.",
                    "Passbook printer broken again – “come tomorrow” they said."]
_FEEDBACK_COLS = ["feedback_id", "date", "branch_city", "state", "customer_name", "phone", "rating", "language", "comment"]


def _csv_bytes(rows: list[list], encoding: str) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_FEEDBACK_COLS)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def _branch_feedback(rng: random.Random, n: int):
    rows, langs = [], Counter()
    for i in range(max(20, n // 10)):
        lang = rng.choice(LANGS)
        p = make_person(rng, lang)
        city = p.city[0] if lang in ("en", "hinglish") else p.city[1][lang]
        comment = rng.choice(_FEEDBACK[lang]).format(city=city)
        if rng.random() < 0.1:  # multi-line comment: exercises quoted newlines in CSV
            comment += "\n" + rng.choice(_FEEDBACK[lang]).format(city=city)
        rows.append([f"FB{i + 1:05d}", f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}", p.city[0], p.city[2],
                     p.native_name(lang), render_phone(rng, p.phone_digits), rng.randint(1, 5), lang, comment])
        langs[lang] += 1
    legacy = []
    for i in range(max(10, n // 30)):
        city = rng.choice([c for c in N.CITIES if c[0] in ("Mumbai", "Pune", "Bengaluru", "Kochi")])
        phone = rng.choice("6789") + "".join(rng.choice("0123456789") for _ in range(9))
        legacy.append([f"LFB{i + 1:05d}", f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", city[0], city[2],
                       rng.choice(N.LEGACY_NAMES), render_phone(rng, phone), rng.randint(1, 5), "en",
                       rng.choice(_LEGACY_FEEDBACK)])
    return _csv_bytes(rows, "utf-8"), len(rows), dict(langs), _csv_bytes(legacy, "cp1252"), len(legacy)


_KYC_EN = ("KYC verification note\nCustomer: {name}\nDOB: {dob}\nAadhaar: {aadhaar}\nPAN: {pan}\n"
           "Address: {house}, {city}, {state}\nMobile: {phone}\nRemarks: {remark}\n")
_KYC_HI = ("केवाईसी सत्यापन टिप्पणी\nग्राहक: {name}\nजन्म तिथि: {dob}\nआधार: {aadhaar}\nपैन: {pan}\n"
           "पता: {house}, {city}, {state}\nमोबाइल: {phone}\nटिप्पणी: {remark}\n")
_REMARKS = {"en": ["Documents verified in person.", "Photo mismatch, asked customer to revisit.",
                   "Video KYC completed.", "Address proof is an electricity bill."],
            "hi": ["दस्तावेज़ों का सत्यापन हो गया।", "फ़ोटो मेल नहीं खाई, ग्राहक को दोबारा बुलाया।", "वीडियो केवाईसी पूरा हुआ।"]}


def _kyc_notes(rng: random.Random, n: int) -> tuple[dict[str, bytes], dict]:
    files, langs = {}, Counter()
    count = max(10, n // 30)
    for i in range(count):
        lang = "hi" if rng.random() < 0.4 else "en"
        p = make_person(rng, lang)
        tmpl = _KYC_HI if lang == "hi" else _KYC_EN
        text = tmpl.format(name=p.native_name(lang), dob=f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1955, 2004)}",
                           aadhaar=render_aadhaar(rng, p.aadhaar, lang), pan=p.pan,
                           house=f"{rng.randint(1, 999)}/{rng.choice('ABCD')}", city=p.city[1]["hi"] if lang == "hi" else p.city[0],
                           state=p.city[2], phone=render_phone(rng, p.phone_digits), remark=rng.choice(_REMARKS[lang]))
        files[f"kyc_note_{i + 1:04d}.txt"] = text.encode()
        langs[lang] += 1
    files["kyc_note_empty.txt"] = b""  # an empty file: the ingest must quarantine it as empty text
    files["kyc_note_legacy_cp1252.txt"] = ("KYC note (old system)\nCustomer: José D’Souza\nAddress: Panjim, Goa – "
                                           "near the café\nRemarks: verified – “OK”\n").encode("cp1252")
    return files, {"files": len(files), "valid_utf8_notes": count, "empty_files": 1, "cp1252_files": 1,
                   "languages": dict(sorted(langs.items()))}


def _sft_pairs(rng: random.Random, n: int):
    rows, langs = [], Counter()
    labels = ", ".join(INTENTS)
    for i in range(max(30, min(400, n // 7))):
        tk = make_ticket(rng, intent=INTENTS[i % len(INTENTS)])
        if i % 2 == 0:
            row = {"instruction": f"Classify the intent of this banking support message. Answer with one of: {labels}.",
                   "input": tk.text, "output": tk.intent}
        else:
            row = {"instruction": "Write a one-line reply to this customer message.", "input": tk.text,
                   "output": INTENT_REPLY[tk.intent]}
        row.update(id=f"SFT-{i + 1:05d}", language=tk.lang, intent=tk.intent)
        rows.append(row)
        langs[tk.lang] += 1
    return _jsonl(rows), len(rows), {l: langs[l] for l in LANGS}


def _chats(rng: random.Random, n: int):
    rows, langs = [], Counter()
    for i in range(max(20, n // 10)):
        tk = make_ticket(rng)
        bank = tk.person.bank
        msgs = [{"role": "system", "content": f"You are a polite support assistant for {bank}."},
                {"role": "user", "content": tk.text},
                {"role": "assistant", "content": T[tk.lang]["reply"]}]
        if rng.random() < 0.4:
            msgs += [{"role": "user", "content": f"What should I do about the {INTENT_LABEL_TEXT[tk.intent]} issue?"},
                     {"role": "assistant", "content": INTENT_REPLY[tk.intent]}]
        rows.append({"chat_id": f"CHAT-{i + 1:05d}", "language": tk.lang, "intent": tk.intent, "messages": msgs})
        langs[tk.lang] += 1
    return _jsonl(rows), len(rows), {l: langs[l] for l in LANGS}


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def generate(out_dir: Path, n: int = 3000, seed: int = 7) -> dict:
    """Write the sample data set into ``out_dir`` and return the manifest (also saved as MANIFEST.json).

    ``n`` is the number of valid support tickets (bad lines come on top); the other files scale with it.
    """
    if n < MIN_N:
        raise CurateError(f"--n must be at least {MIN_N} (got {n})")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise CurateError(f"{out_dir} exists and is not a folder")
    rng = random.Random(seed)

    tickets, _, t_stats, dup_truth, pii_truth, bad_ids = _support_tickets(rng, n)
    fb, fb_rows, fb_langs, legacy, legacy_rows = _branch_feedback(rng, n)
    kyc_files, kyc_stats = _kyc_notes(rng, n)
    sft, sft_rows, sft_langs = _sft_pairs(rng, n)
    chats, chat_rows, chat_langs = _chats(rng, n)

    _write(out_dir / "support_tickets.jsonl", tickets)
    _write(out_dir / "branch_feedback.csv", fb)
    _write(out_dir / "branch_feedback_legacy.csv", legacy)
    for name, data in kyc_files.items():
        _write(out_dir / "kyc_notes" / name, data)
    _write(out_dir / "sft_pairs.jsonl", sft)
    _write(out_dir / "chats.jsonl", chats)
    _write(out_dir / "ground_truth" / "duplicates.json",
           json.dumps(dup_truth, ensure_ascii=False, indent=1).encode())
    _write(out_dir / "ground_truth" / "pii_spans.jsonl", _jsonl(pii_truth))
    _write(out_dir / "ground_truth" / "bad_rows.json", json.dumps(bad_ids, indent=1).encode())

    total_langs = Counter(t_stats["languages"]) + Counter(fb_langs) + Counter(sft_langs) + Counter(chat_langs)
    manifest = {
        "generator": "curate.sampledata", "version": GENERATOR_VERSION, "seed": seed, "n": n,
        "files": {
            "support_tickets.jsonl": {"format": "jsonl", "text_field": "text", "id_field": "ticket_id",
                                      "encoding": "utf-8 (2 lines carry cp1252 bytes)", **t_stats},
            "branch_feedback.csv": {"format": "csv", "encoding": "utf-8", "text_field": "comment", "rows": fb_rows,
                                    "languages": {l: fb_langs.get(l, 0) for l in LANGS}},
            "branch_feedback_legacy.csv": {"format": "csv", "encoding": "cp1252", "text_field": "comment",
                                           "rows": legacy_rows, "languages": {"en": legacy_rows}},
            "kyc_notes/": {"format": "txt folder", **kyc_stats},
            "sft_pairs.jsonl": {"format": "jsonl", "shape": "sft", "id_field": "id", "rows": sft_rows, "languages": sft_langs},
            "chats.jsonl": {"format": "jsonl", "shape": "chat", "id_field": "chat_id", "rows": chat_rows,
                            "languages": chat_langs},
        },
        "languages": {l: total_langs[l] for l in LANGS},
        "malformed": dict(BAD_COUNTS),
        "duplicates": {k: t_stats[k] for k in ("exact_dup_groups", "exact_dup_extra_rows", "near_dup_groups",
                                               "near_dup_extra_rows")},
        "pii_columns": ["customer_name", "phone", "email"],
        "ground_truth": ["ground_truth/duplicates.json", "ground_truth/pii_spans.jsonl", "ground_truth/bad_rows.json"],
        "notes": "Synthetic data: every identifier is generated (Aadhaar/VID pass Verhoeff, GSTIN its mod-36 check) "
                 "and belongs to nobody. Ingest the data files, not MANIFEST.json or ground_truth/.",
    }
    _write(out_dir / "MANIFEST.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    return manifest
