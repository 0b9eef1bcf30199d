"""Ingest throughput and memory: curate vs DuckDB's own read_json vs datasets.load_dataset("json").

    python benchmarks/ingest.py [--rows 1000000] [--bad-frac 0.01] [--keep]

Generates a JSONL file of synthetic support tickets (~1 KB per row), then in separate
processes (so peak RSS is per method): DuckDB reads it into a table; datasets builds
its Arrow cache; curate ingests it into a fresh workspace (validation, NFC, HTML
check, hashing, provenance, quarantine, DuckLake commit). Targets (issue 2):
curate >= 0.5x DuckDB's raw speed, >= 2x datasets, peak RSS < 2 GB (issue 13: >= 0.3x on a file
with 1 % bad rows, and the same rows as CSV against DuckDB's read_csv). Each method reports wall seconds and CPU seconds (user + sys of all its threads):
on a shared machine the CPU ratio is the steadier measure of the work done per row.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, run_measured  # noqa: E402

WORDS = ("card blocked UPI payment failed refund KYC update loan EMI branch account statement cheque "
         "mera paisa kat gaya please help jaldi karo kripya madad karein खाता बंद है कार्ड ब्लॉक "
         "பணம் வரவில்லை আমার কার্ড ব্লক হয়েছে").split()


BAD_LINES = ['{"text": "trailing comma",}', '{"text": "unterminated', '{"text": "nul \u0000 escaped"}',
             '{"text": 12345}', '{"other": "no text field"}', '["not", "an", "object"]']


def generate(path: Path, rows: int, seed: int = 1, bad_frac: float = 0.0) -> int:
    """Synthetic tickets (110-150 words of mixed script each), ``bad_frac`` of the lines replaced by BAD_LINES.

    Word choices are drawn with numpy in blocks (a per-word Python draw took ~12 minutes per million rows
    on the loaded 2-core machine); each line is still one ``json.dumps``.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    words = np.array(WORDS, dtype=object)
    with open(path, "w", encoding="utf-8") as fh:
        for start in range(0, rows, 10_000):
            n = min(10_000, rows - start)
            lengths = rng.integers(110, 151, n)
            picks = words[rng.integers(0, len(WORDS), (n, 150))]
            channels = rng.choice(["chat", "email", "voice"], n)
            regions = rng.choice(["MH", "TN", "WB", "DL", "KA"], n)
            bad = rng.random(n) < bad_frac if bad_frac else np.zeros(n, bool)
            which = rng.integers(0, len(BAD_LINES), n)
            out = []
            for k in range(n):
                if bad[k]:
                    out.append(BAD_LINES[which[k]])
                    continue
                out.append(json.dumps({"id": start + k, "text": " ".join(picks[k, :lengths[k]]),
                                       "channel": str(channels[k]), "region": str(regions[k])}, ensure_ascii=False))
            fh.write("\n".join(out) + "\n")
    return path.stat().st_size


def _curate(work: Path, data: Path) -> dict:
    """curate ingest into a fresh workspace; rows/s counts every row read (ingested or quarantined)."""
    return run_measured(f"""
import time, json, shutil, resource
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
from curate import Workspace
shutil.rmtree("{work / 'ws'}", ignore_errors=True)
ws = Workspace.init("{work / 'ws'}")
t, c = time.perf_counter(), cpu()
r = ws.ingest(["{data}"])[0]
print(json.dumps({{"seconds": time.perf_counter() - t, "cpu_seconds": cpu() - c, "rows": r.rows_read,
                   "ingested": r.ingested, "quarantined": r.quarantined}}))
""")


def _duckdb(reader: str) -> dict:
    """DuckDB's own reader into an in-memory table (the baseline); ``reader`` is the table function call."""
    return run_measured(f"""
import duckdb, time, json, resource
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
con = duckdb.connect()
t, c = time.perf_counter(), cpu()
con.execute("CREATE TABLE t AS SELECT * FROM {reader}")
print(json.dumps({{"seconds": time.perf_counter() - t, "cpu_seconds": cpu() - c,
                   "rows": con.execute("SELECT count(*) FROM t").fetchone()[0]}}))
""")


def _duckdb_into_lake(work: Path, reader: str) -> dict:
    """DuckDB's reader straight into ``lake.documents`` of a fresh curate workspace (the same DuckLake table and
    Parquet settings curate writes): the text column and the other fields as meta JSON, one INSERT, no checks.
    A fairer baseline for an ingest than a read into an in-memory table."""
    return run_measured(f"""
import time, json, shutil, resource
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
from curate import Workspace
shutil.rmtree("{work / 'ws_base'}", ignore_errors=True)
ws = Workspace.init("{work / 'ws_base'}")
con = ws.con
t, c = time.perf_counter(), cpu()
n = con.execute(\"\"\"INSERT INTO lake.documents (doc_id, text, meta, source, source_row)
    SELECT id::VARCHAR, text, to_json({{'id': id, 'channel': channel, 'region': region}})::VARCHAR, 'tickets', id
    FROM {reader}\"\"\").fetchone()[0]
print(json.dumps({{"seconds": time.perf_counter() - t, "cpu_seconds": cpu() - c, "rows": n}}))
""")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=None, help="scratch folder (default: a temp dir)")
    ap.add_argument("--bad-frac", type=float, default=0.01, help="share of bad rows in the second file (0: skip)")
    ap.add_argument("--no-csv", action="store_true", help="skip the CSV file (same rows as the JSONL)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="curate-bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "tickets.jsonl"
    size = generate(data, args.rows)
    print(f"generated {args.rows} rows, {size / 2**20:.0f} MiB at {data}", file=sys.stderr)
    results = {}
    results["duckdb_read_json"] = _duckdb(f"read_json('{data}', format='newline_delimited')")
    results["datasets_load_dataset"] = run_measured(f"""
import datasets, time, json, resource
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
datasets.disable_progress_bars()
t, c = time.perf_counter(), cpu()
ds = datasets.load_dataset("json", data_files="{data}", split="train", cache_dir="{work / 'hfcache'}")
print(json.dumps({{"seconds": time.perf_counter() - t, "cpu_seconds": cpu() - c, "rows": len(ds)}}))
""")
    results["duckdb_read_json_into_ducklake"] = _duckdb_into_lake(
        work, f"read_json('{data}', format='newline_delimited')")
    results["curate_ingest"] = _curate(work, data)
    if args.bad_frac:
        bad = work / "tickets_bad.jsonl"
        generate(bad, args.rows, bad_frac=args.bad_frac)
        results["duckdb_read_json_bad"] = _duckdb(f"read_json('{bad}', format='newline_delimited', ignore_errors=true)")
        results["curate_ingest_bad"] = _curate(work, bad)
    if not args.no_csv:
        csv = work / "tickets.csv"
        import duckdb

        # The same rows as CSV, written by DuckDB (quoted where needed); every value is text to curate.
        duckdb.connect().execute(f"COPY (SELECT * FROM read_json('{data}', format='newline_delimited')) TO '{csv}' "
                                 "(HEADER, DELIMITER ',')")
        results["duckdb_read_csv"] = _duckdb(f"read_csv('{csv}')")
        results["duckdb_read_csv_into_ducklake"] = _duckdb_into_lake(work, f"read_csv('{csv}')")
        results["curate_ingest_csv"] = _curate(work, csv)
    for r in results.values():
        r["rows_per_s"] = r["rows"] / r["seconds"]
        r["rows_per_cpu_s"] = r["rows"] / r["cpu_seconds"]
    c, d, h = results["curate_ingest"], results["duckdb_read_json"], results["datasets_load_dataset"]
    summary = {
        "machine": machine(), "rows": args.rows, "file_mib": round(size / 2**20),
        "load_average": os.getloadavg(),
        "results": results,
        "ratio_vs_duckdb": c["rows_per_s"] / d["rows_per_s"],
        "ratio_vs_datasets": c["rows_per_s"] / h["rows_per_s"],
        "ratio_vs_read_json_into_ducklake": c["rows_per_s"] / results["duckdb_read_json_into_ducklake"]["rows_per_s"],
        "cpu_ratio_vs_duckdb": c["rows_per_cpu_s"] / d["rows_per_cpu_s"],
        "cpu_ratio_vs_datasets": c["rows_per_cpu_s"] / h["rows_per_cpu_s"],
        "targets": {"vs_duckdb>=0.5": c["rows_per_s"] / d["rows_per_s"] >= 0.5,
                    "vs_datasets>=2": c["rows_per_s"] / h["rows_per_s"] >= 2,
                    "peak_rss<2GB": max(r["peak_rss_mib"] for k, r in results.items() if k.startswith("curate")) < 2048},
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"# ingest benchmark — {summary['machine']}")
        print(f"{args.rows} rows, {summary['file_mib']} MiB JSONL\n")
        print(f"load average at the end: {summary['load_average']}\n")
        print("| method | seconds | CPU seconds | rows/s | rows per CPU-s | peak RSS MiB |\n|---|---|---|---|---|---|")
        for k, r in results.items():
            print(f"| {k} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | {r['rows_per_s']:,.0f} | "
                  f"{r['rows_per_cpu_s']:,.0f} | {r['peak_rss_mib']:,.0f} |")
        print(f"\ncurate / DuckDB read_json = {summary['ratio_vs_duckdb']:.2f}x wall, "
              f"{summary['cpu_ratio_vs_duckdb']:.2f}x CPU (target >= 0.5x)")
        if "curate_ingest_bad" in results:
            cb, db = results["curate_ingest_bad"], results["duckdb_read_json_bad"]
            print(f"with bad rows: curate / read_json(ignore_errors) = {cb['rows_per_s'] / db['rows_per_s']:.2f}x wall, "
                  f"{cb['rows_per_cpu_s'] / db['rows_per_cpu_s']:.2f}x CPU (target >= 0.3x)")
        if "curate_ingest_csv" in results:
            cc, dc = results["curate_ingest_csv"], results["duckdb_read_csv"]
            print(f"CSV: curate / read_csv = {cc['rows_per_s'] / dc['rows_per_s']:.2f}x wall, "
                  f"{cc['rows_per_cpu_s'] / dc['rows_per_cpu_s']:.2f}x CPU (target >= 0.5x)")
        for name, base in (("JSONL", "duckdb_read_json_into_ducklake"), ("CSV", "duckdb_read_csv_into_ducklake")):
            cur = results["curate_ingest" if name == "JSONL" else "curate_ingest_csv"] if base in results else None
            if cur:
                b = results[base]
                print(f"{name}: curate / (reader + INSERT into the same DuckLake table) = "
                      f"{cur['rows_per_s'] / b['rows_per_s']:.2f}x wall, {cur['rows_per_cpu_s'] / b['rows_per_cpu_s']:.2f}x CPU")
        print(f"curate / datasets = {summary['ratio_vs_datasets']:.2f}x wall, "
              f"{summary['cpu_ratio_vs_datasets']:.2f}x CPU (target >= 2x)")
        print(f"curate peak RSS = {c['peak_rss_mib']:,.0f} MiB (target < 2048)")
    if not args.keep and args.dir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
