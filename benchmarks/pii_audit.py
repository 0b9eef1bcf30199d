"""Benchmark: can the steward audit catch the PII stage? (issue 11, item 8)

    .venv/bin/python benchmarks/pii_audit.py [--n 1500] [--leaks 60] [--out /tmp/pii-audit-bench]

Builds the demo workspace (bundled generator, demo recipe: pseudonyms for names), then audits its snapshot

* as it is: residual PII must be 0 with pseudonyms on;
* with planted leaks the stage never saw: stdnum-valid Aadhaar numbers, Luhn-valid cards and phonenumbers-valid
  mobiles written into the text, a chat message or a metadata value of random rows;

each time with the current audit (stage engine + independent detector, inserted spans skipped) and, in the same
run, the baseline: the earlier audit's method (the stage's own engine only, without the inserted spans), which
counted pseudonyms as residual and could only see what the stage sees. To show what only the second opinion
catches, the planted run is also audited with the stage's engine limited to names (a stage blind to identifiers).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyarrow as pa  # noqa: E402


def _leaks(n: int, seed: int = 11) -> list[tuple[str, str]]:
    import phonenumbers
    from stdnum import luhn, verhoeff

    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            body = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
            out.append(("IN_AADHAAR", f"aadhaar {body + verhoeff.calc_check_digit(body)}"))
        elif kind == 1:
            body = "4" + "".join(str(rng.randint(0, 9)) for _ in range(14))
            out.append(("CREDIT_CARD", f"card {body + luhn.calc_check_digit(body)}"))
        else:
            while True:
                num = rng.choice("6789") + "".join(str(rng.randint(0, 9)) for _ in range(9))
                if phonenumbers.is_valid_number(phonenumbers.parse(num, "IN")):
                    break
            out.append(("IN_PHONE", f"call +91 {num}"))
    return out


def _plant(table: pa.Table, leaks, seed: int = 5) -> pa.Table:
    rng = random.Random(seed)
    rows = table.to_pylist()
    idx = rng.sample(range(len(rows)), len(leaks))
    for (typ, text), i in zip(leaks, idx):
        r = rows[i]
        where = rng.choice(["text", "messages", "meta"])
        if where == "messages" and r.get("messages"):
            msgs = json.loads(r["messages"])
            msgs[-1]["content"] += " " + text
            r["messages"] = json.dumps(msgs, ensure_ascii=False)
        elif where == "meta" and r.get("meta"):
            meta = json.loads(r["meta"])
            meta["note"] = text
            r["meta"] = json.dumps(meta, ensure_ascii=False)
        else:
            r["text"] = (r["text"] or "") + " " + text
    return pa.Table.from_pylist(rows, schema=table.schema)


def _audit(table: pa.Table, policy, independent: bool, inserted: bool, engine_params=None) -> dict:
    import duckdb

    from curate.audit.metrics.pii import engine_scan, pattern_scan

    if not inserted and "pii_inserted" in table.column_names:
        table = table.drop_columns(["pii_inserted"])
    con = duckdb.connect()
    con.register("src", table)
    con.execute("CREATE TEMP TABLE audit_docs AS SELECT * REPLACE (CAST(doc_id AS VARCHAR) AS doc_id) FROM src")
    t0 = time.perf_counter()
    _, suspects = pattern_scan(con, set(table.column_names))
    res = engine_scan(con, suspects, None, engine_params or policy.pii.engine_params, independent=independent)
    res["seconds"] = round(time.perf_counter() - t0, 2)
    con.close()
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--leaks", type=int, default=60)
    ap.add_argument("--out", default="/tmp/pii-audit-bench")
    args = ap.parse_args()
    import os

    os.environ.setdefault("CURATE_PII_KEY", "benchmark-key-0123456789abcdef")
    from benchmarks._common import machine
    from curate.audit.policy import load_policy
    from curate.demo.run import POLICY, run_demo
    from curate.workspace import Workspace

    t0 = time.perf_counter()
    summary = run_demo(Path(args.out), n=args.n, train=False, log=lambda s: None)
    build = time.perf_counter() - t0
    ws = Workspace(Path(args.out) / "workspace", read_only=True)
    try:
        snap = ws.snapshot(summary["snapshot"]["ref"]).table()
    finally:
        ws.close()
    policy = load_policy(POLICY)
    leaks = _leaks(args.leaks)
    planted = _plant(snap, leaks)
    blind = {**policy.pii.engine_params, "policy": {"entities": ["PERSON"]}}
    runs = {
        "clean / current": _audit(snap, policy, True, True),
        "clean / baseline (stage engine only, no inserted spans)": _audit(snap, policy, False, False),
        "planted / current": _audit(planted, policy, True, True),
        "planted / baseline": _audit(planted, policy, False, False),
        "planted, stage blind to IDs / current": _audit(planted, policy, True, True, blind),
        "planted, stage blind to IDs / stage engine only": _audit(planted, policy, False, True, blind),
    }
    lines = ["# PII audit: can it catch the stage? (`benchmarks/pii_audit.py`)", "",
             f"Machine: {machine()}", "",
             f"Demo workspace: {args.n} generated tickets (+ feedback, KYC notes, SFT pairs, chats), demo recipe "
             f"(pseudonyms for names), snapshot {summary['snapshot']['ref']} with {snap.num_rows} rows; built in "
             f"{build:.0f} s. Planted leaks: {len(leaks)} ({', '.join(sorted({t for t, _ in leaks}))}), "
             "in text, a chat message or a metadata value.", "",
             "| run | residual entities | rows | skipped (inserted) | look-alikes kept | unconfirmed suspects | s |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, r in runs.items():
        lines.append(f"| {name} | {r['residual_entities']} | {r['residual_rows']} | {r['skipped_inserted']} | "
                     f"{r['lookalikes_kept']} | {r['unconfirmed']['count']} | {r['seconds']} |")
    lines += ["", "Residual by type (current, planted): " + json.dumps(runs["planted / current"]["by_type"]),
              "Residual by type (baseline, clean): " + json.dumps(runs["clean / baseline (stage engine only, no inserted spans)"]["by_type"])]
    text = "\n".join(lines) + "\n"
    out = Path(__file__).resolve().parent / "results" / "pii-audit.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
