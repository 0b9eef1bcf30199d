"""Ingest throughput and memory: curate vs DuckDB's own read_json vs datasets.load_dataset("json").

    python benchmarks/ingest.py [--rows 1000000] [--keep]

Generates a JSONL file of synthetic support tickets (~1 KB per row), then in separate
processes (so peak RSS is per method): DuckDB reads it into a table; datasets builds
its Arrow cache; curate ingests it into a fresh workspace (validation, NFC, HTML
check, hashing, provenance, quarantine, DuckLake commit). Targets (issue 2):
curate >= 0.5x DuckDB's raw speed, >= 2x datasets, peak RSS < 2 GB.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, run_measured  # noqa: E402

WORDS = ("card blocked UPI payment failed refund KYC update loan EMI branch account statement cheque "
         "mera paisa kat gaya please help jaldi karo kripya madad karein खाता बंद है कार्ड ब्लॉक "
         "பணம் வரவில்லை আমার কার্ড ব্লক হয়েছে").split()


def generate(path: Path, rows: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(rows):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(110, 150)))
            fh.write(json.dumps({"id": i, "text": text, "channel": rng.choice(["chat", "email", "voice"]),
                                 "region": rng.choice(["MH", "TN", "WB", "DL", "KA"])}, ensure_ascii=False))
            fh.write("\n")
    return path.stat().st_size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=None, help="scratch folder (default: a temp dir)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="curate-bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "tickets.jsonl"
    size = generate(data, args.rows)
    print(f"generated {args.rows} rows, {size / 2**20:.0f} MiB at {data}", file=sys.stderr)
    results = {}
    results["duckdb_read_json"] = run_measured(f"""
import duckdb, time, json
con = duckdb.connect()
t = time.perf_counter()
n = con.execute("CREATE TABLE t AS SELECT * FROM read_json('{data}', format='newline_delimited')").fetchone()[0]
print(json.dumps({{"seconds": time.perf_counter() - t, "rows": con.execute("SELECT count(*) FROM t").fetchone()[0]}}))
""")
    results["datasets_load_dataset"] = run_measured(f"""
import datasets, time, json
datasets.disable_progress_bars()
t = time.perf_counter()
ds = datasets.load_dataset("json", data_files="{data}", split="train", cache_dir="{work / 'hfcache'}")
print(json.dumps({{"seconds": time.perf_counter() - t, "rows": len(ds)}}))
""")
    results["curate_ingest"] = run_measured(f"""
import time, json, shutil
from curate import Workspace
shutil.rmtree("{work / 'ws'}", ignore_errors=True)
ws = Workspace.init("{work / 'ws'}")
t = time.perf_counter()
r = ws.ingest(["{data}"])[0]
print(json.dumps({{"seconds": time.perf_counter() - t, "rows": r.ingested, "quarantined": r.quarantined}}))
""")
    for r in results.values():
        r["rows_per_s"] = r["rows"] / r["seconds"]
    c, d, h = results["curate_ingest"], results["duckdb_read_json"], results["datasets_load_dataset"]
    summary = {
        "machine": machine(), "rows": args.rows, "file_mib": round(size / 2**20),
        "results": results,
        "ratio_vs_duckdb": c["rows_per_s"] / d["rows_per_s"],
        "ratio_vs_datasets": c["rows_per_s"] / h["rows_per_s"],
        "targets": {"vs_duckdb>=0.5": c["rows_per_s"] / d["rows_per_s"] >= 0.5,
                    "vs_datasets>=2": c["rows_per_s"] / h["rows_per_s"] >= 2,
                    "peak_rss<2GB": c["peak_rss_mib"] < 2048},
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"# ingest benchmark — {summary['machine']}")
        print(f"{args.rows} rows, {summary['file_mib']} MiB JSONL\n")
        print("| method | seconds | rows/s | peak RSS MiB |\n|---|---|---|---|")
        for k, r in results.items():
            print(f"| {k} | {r['seconds']:.1f} | {r['rows_per_s']:,.0f} | {r['peak_rss_mib']:,.0f} |")
        print(f"\ncurate / DuckDB read_json = {summary['ratio_vs_duckdb']:.2f}x (target >= 0.5x)")
        print(f"curate / datasets = {summary['ratio_vs_datasets']:.2f}x (target >= 2x)")
        print(f"curate peak RSS = {c['peak_rss_mib']:,.0f} MiB (target < 2048)")
    if not args.keep and args.dir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
