"""Issues 13 (item 5) and 20 (item 5): trainer-ready exports, and what re-exporting costs.

A chat snapshot (user/assistant turns, with a ``dup_cluster`` signal so no clustering runs inside the export)
is exported as Parquet, HF and JSONL: trainer-ready (``id``, ``messages`` as list<struct<role, content>>,
``split``) against the same export with every public column (``with_signals=True``, the column set exports
carried before), measured in the same run. Each export runs twice and the two trees are compared byte for byte.

Usage: ``python benchmarks/export.py [--rows 50000]``; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine  # noqa: E402


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    args = ap.parse_args()
    import pyarrow as pa

    from curate import Workspace

    out: dict = {"machine": machine(), "rows": args.rows, "formats": {}}
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        with open(root / "chat.jsonl", "w") as fh:
            for i in range(args.rows):
                fh.write(json.dumps({"messages": [
                    {"role": "user", "content": f"my card {i} is blocked since {i % 97} days, please help"},
                    {"role": "assistant", "content": f"we unblocked card {i}; it works again"}]}) + "\n")
        ws = Workspace.init(root / "ws")
        ws.ingest([root / "chat.jsonl"])
        ids = ws.con.execute("SELECT doc_id FROM lake.documents ORDER BY doc_id").fetch_arrow_table().column(0)
        ws.write_signal("dedup", pa.table({"doc_id": ids, "dup_cluster": ids}))  # singletons: no export-time dedup
        ws.create_snapshot("c", text="raw")
        for fmt in ("parquet", "hf", "jsonl"):
            res = {}
            for name, kw in (("trainer_ready", {}), ("with_signals", {"with_signals": True})):
                trees, secs = [], []
                for run in ("a", "b"):
                    t = time.perf_counter()
                    ws.export("c", fmt, root / f"{fmt}-{name}-{run}", allow_raw=True, **kw)
                    secs.append(time.perf_counter() - t)
                    trees.append(_tree(root / f"{fmt}-{name}-{run}"))
                res[name] = {"seconds": round(min(secs), 2), "mb": round(sum(map(len, trees[0].values())) / 1e6, 2),
                             "byte_identical": trees[0] == trees[1]}
            res["time_ratio"] = round(res["trainer_ready"]["seconds"] / res["with_signals"]["seconds"], 2)
            res["size_ratio"] = round(res["trainer_ready"]["mb"] / res["with_signals"]["mb"], 2)
            out["formats"][fmt] = res
        ws.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
