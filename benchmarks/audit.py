"""Benchmark: audit of a generated 100,000-document snapshot (target < 60 s on 2 cores).

    .venv/bin/python benchmarks/audit.py [--rows 100000] [--out /tmp/audit-bench]

Rows mix English, Hindi (Devanagari) and Hinglish support text with identity, occupation, sentiment and toxic
terms, langid/dedup/quality/PII/label signal columns and segment metadata, like an anonymized snapshot.
Baseline in the same run: the lexicon-matching step done in plain Python (per-document tokenize + set lookup),
against the DuckDB join the audit uses.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyarrow as pa  # noqa: E402

TEMPLATES = [
    ("en", False, "My {rel} is a {occ} from {place} and the agent was {adj} about the {thing} issue on order {n}"),
    ("en", False, "The {grp} customer said the branch staff were {adj}; please escalate ticket {n} today"),
    ("hi", False, "मेरी {hrel} का खाता {n} बंद हो गया है, {hplace} शाखा के कर्मचारी {hadj} थे"),
    ("hi", True, "mera {hgrel} {hplace2} mein hai aur uska card {n} block ho gaya, staff {hgadj} tha"),
    ("en", False, "Refund for {n} still pending, you {tox} people never answer"),
    ("hi", True, "yaar ye {htox} app hai, {n} baar try kiya par payment fail"),
]
FILL = {
    "rel": ["wife", "husband", "mother", "father", "sister", "brother", "son", "daughter"],
    "occ": ["doctor", "engineer", "teacher", "nurse", "driver", "maid", "manager", "farmer"],
    "place": ["Bihar", "Tamil Nadu", "Kerala", "Punjab", "Assam", "Gujarat", "Delhi", "West Bengal"],
    "adj": ["helpful", "rude", "lazy", "honest", "brilliant", "corrupt", "polite", "useless"],
    "thing": ["UPI", "loan", "card", "KYC"],
    "grp": ["Muslim", "Hindu", "Sikh", "Christian", "Dalit", "Brahmin", "Jain", "adivasi"],
    "hrel": ["बहन", "माँ", "पत्नी", "बेटी"],
    "hplace": ["बिहार", "दिल्ली", "पंजाब", "केरल"],
    "hadj": ["ईमानदार", "आलसी", "विनम्र", "भ्रष्ट"],
    "hgrel": ["bhai", "beta", "pati", "papa", "behen", "beti"],
    "hplace2": ["Bihar", "Lucknow", "Mumbai", "Chennai"],
    "hgadj": ["accha", "bekar", "imandar", "aalsi"],
    "tox": ["idiot", "stupid", "useless"],
    "htox": ["bakwas", "chutiya", "bekar"],
}


def generate(n: int, seed: int = 7) -> pa.Table:
    rnd = random.Random(seed)
    cols: dict[str, list] = {k: [] for k in ("doc_id", "text", "meta", "source", "lang", "script", "romanized", "codemixed",
                                             "dup_cluster", "dup_keep", "quality_ok", "quality_flags", "pii_entities",
                                             "pii_count", "label_value")}
    for i in range(n):
        lang, roman, tpl = rnd.choice(TEMPLATES)
        text = tpl.format(n=rnd.randint(1000, 99999), **{k: rnd.choice(v) for k, v in FILL.items()})
        dup = rnd.random() < 0.05
        cols["doc_id"].append(f"d{i:07d}")
        cols["text"].append(text)
        cols["meta"].append(json.dumps({"segment": rnd.choice(["retail", "sme", "corporate", "nri"]), "channel": "chat"}))
        cols["source"].append(rnd.choice(["crm.jsonl", "whatsapp.csv", "email.parquet"]))
        cols["lang"].append(lang)
        cols["script"].append("Latn" if lang == "en" or roman else "Deva")
        cols["romanized"].append(roman)
        cols["codemixed"].append(roman)
        cols["dup_cluster"].append(f"c{i // 3}" if dup else None)
        cols["dup_keep"].append(not dup)
        q = rnd.random() < 0.03
        cols["quality_ok"].append(not q)
        cols["quality_flags"].append(json.dumps(["too_short"]) if q else None)
        k = rnd.randint(0, 2)
        cols["pii_entities"].append(json.dumps([{"entity_type": rnd.choice(["PERSON", "IN_PHONE", "EMAIL_ADDRESS"])}] * k))
        cols["pii_count"].append(k)
        cols["label_value"].append(rnd.choice(["complaint", "query", "request"]))
    return pa.table(cols)


def python_baseline(table: pa.Table) -> int:
    """Plain-Python lexicon matching (what a straightforward implementation would do)."""
    from curate.audit.lexicon import load_lexicons

    terms = set(load_lexicons().terms.column("term").to_pylist())
    hits = 0
    for text in table.column("text").to_pylist():
        norm = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text.lower())
        w = norm.split()
        toks = set(w) | {f"{a} {b}" for a, b in zip(w, w[1:])}
        hits += len(toks & terms)
    return hits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--out", default="/tmp/audit-bench")
    args = ap.parse_args()
    from curate.audit import AuditPolicy, audit_table
    from curate.audit.output import write_report
    from curate.audit.render import render_html, render_markdown
    from curate.audit.terms import build_hits
    from curate.audit.lexicon import load_lexicons
    import duckdb

    t0 = time.perf_counter()
    table = generate(args.rows)
    t_gen = time.perf_counter() - t0
    policy = AuditPolicy(gates={"max_toxicity_rate": 0.05, "min_group_share": {"gender": 0.2}, "max_parity_difference": 0.2},
                         reference={"gender": {"female": 0.5, "male": 0.5}})
    t0 = time.perf_counter()
    res = audit_table(table, policy)
    t_audit = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_report(args.out, res.metrics, render_html(res.metrics), render_markdown(res.metrics), res.flagged)
    t_render = time.perf_counter() - t0
    # Baseline vs the DuckDB lexicon join, on the same rows.
    con = duckdb.connect()
    con.register("audit_docs", table.select(["doc_id", "text"]))
    t0 = time.perf_counter()
    build_hits(con, load_lexicons())
    t_duck = time.perf_counter() - t0
    duck_hits = con.execute("SELECT count(*) FROM audit_hits").fetchone()[0]
    t0 = time.perf_counter()
    py_hits = python_baseline(table)
    t_py = time.perf_counter() - t0
    out = {"rows": args.rows, "cores": os.cpu_count(), "generate_s": round(t_gen, 2), "audit_s": round(t_audit, 2),
           "render_s": round(t_render, 2), "total_audit_and_report_s": round(t_audit + t_render, 2),
           "stage_timings_s": res.metrics["timings_s"], "lexicon_match_duckdb_s": round(t_duck, 2),
           "lexicon_match_python_s": round(t_py, 2), "speedup_vs_python": round(t_py / t_duck, 2),
           "hits_duckdb": duck_hits, "hits_python": py_hits, "failed_gates": res.failed_gates,
           "target_s": 60, "met": t_audit + t_render < 60}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
