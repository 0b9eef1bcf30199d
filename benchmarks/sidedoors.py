"""Issue 19 (side doors): cost of keyed exports, and how fast the attack they stop runs.

* Export of an anonymized snapshot (JSONL, three splits) with keyed ids / own-text hashes
  (``ws.export``) against the same export with the keying step switched off (the old path),
  measured in the same run: the ratio is the price of item 1.
* The brute force the keyed export stops: raw-MD5 candidate completions per second on one core.

Usage: ``python benchmarks/sidedoors.py [--rows 100000]``; prints JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    import pyarrow as pa

    from curate import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "t.jsonl"
        with open(src, "w") as fh:
            for i in range(args.rows):
                fh.write(json.dumps({"text": f"ticket {i}: my card ending {i % 9973:04d} is blocked, call 98{i:08d}"}) + "\n")
        ws = Workspace.init(tmp / "ws")
        ws.ingest([src])
        docs = ws.con.execute("SELECT doc_id, text FROM lake.documents").fetch_arrow_table()
        anon = [t.split(", call ")[0] + ", call <IN_PHONE>" for t in docs.column("text").to_pylist()]
        ws.write_signal("pii", pa.table({"doc_id": docs.column("doc_id"), "pii_text": anon,
                                         "pii_covered": [True] * docs.num_rows}))
        ref = ws.create_snapshot("s").ref
        import curate.export as export

        keyed_step = export.public_table
        t0 = time.perf_counter()
        export.public_table = lambda ws, table: table  # baseline: the same export without keying (the old path)
        ws.export(ref, "jsonl", tmp / "base", contamination="ignore", group_by="doc_id")
        base = time.perf_counter() - t0
        export.public_table = keyed_step
        t0 = time.perf_counter()
        ws.export(ref, "jsonl", tmp / "out", contamination="ignore", group_by="doc_id")
        keyed = time.perf_counter() - t0
        ws.close()
    n = 1_000_000
    t0 = time.perf_counter()
    for i in range(n):
        hashlib.md5(f"please call me on 98123{i:05d} about the refund\x1f".encode()).hexdigest()
    rate = n / (time.perf_counter() - t0)
    print(json.dumps({"machine": machine(), "rows": args.rows, "export_keyed_s": round(keyed, 2),
                      "export_baseline_s": round(base, 2), "ratio_keyed_over_baseline": round(keyed / base, 2),
                      "raw_md5_candidates_per_s_one_core": int(rate),
                      "indian_mobile_space_hours_one_core": round(4e9 / rate / 3600, 2)}, indent=2))


if __name__ == "__main__":
    main()
