"""Team-mode load test: N concurrent writers against one workspace for D seconds, with kill -9.

Each writer process loops: ingest a fresh file of ROWS distinct records, then create a snapshot. The driver
kills a random writer with SIGKILL every KILL_EVERY seconds (mid-commit sometimes) and starts a new one;
reader processes loop over ``snapshot list`` + ``count(documents)`` and time every read.

Checks at the end (the numbers the issue asks for):
* rows lost or duplicated: every source file is in the lake with all its ROWS rows or not at all
  (a killed ingest leaves nothing half-done), and ``count(*) = count(DISTINCT doc_id)``;
* snapshot versions strictly increasing: versions of ``team`` are exactly 1..N (no gap, no repeat);
* every read answered.
Reports commits/s, p50/p95 writer lock wait and commit time, p95 reader latency.

Usage: python benchmarks/team_load.py [--catalog postgres|sqlite] [--writers 8] [--seconds 600] [--kill-every 20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

ROWS = 20

WRITER = textwrap.dedent("""
    import json, sys, time, uuid
    from pathlib import Path
    from curate import Workspace
    root, folder, wid = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    ws = Workspace(root, wait=3600)
    while True:
        tag = f"{wid}-{uuid.uuid4().hex[:8]}"
        src = folder / f"{tag}.jsonl"
        src.write_text("".join(json.dumps({"id": f"{tag}-{i}", "text": f"record {i} of {tag}"}) + "\\n"
                               for i in range({rows})))
        t0 = time.monotonic()
        with ws.writer():
            t1 = time.monotonic()
            ws.ingest([str(src)])
            m = ws.create_snapshot("team", text="raw", allow_raw=True)
        t2 = time.monotonic()
        print(json.dumps({"wait": t1 - t0, "commit": t2 - t1, "version": m.version, "src": src.name}), flush=True)
""").replace("{rows}", str(ROWS))

READER = textwrap.dedent("""
    import json, sys, time
    from curate import Workspace
    root = sys.argv[1]
    while True:
        t0 = time.monotonic()
        try:
            with Workspace(root, read_only=True) as ws:
                ws.count("documents"); [m.ref for m in ws.snapshots()]
            print(json.dumps({"read": time.monotonic() - t0}), flush=True)
        except Exception as exc:
            # the kind and the first line (synthetic data only): a failed read names itself in the result
            print(json.dumps({"read_error": type(exc).__name__ + ": " + (str(exc).splitlines() or [""])[0][:160]}),
                  flush=True)
        time.sleep(0.2)
""")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--catalog", choices=["postgres", "sqlite"], default="postgres")
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--readers", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--kill-every", type=float, default=20)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    random.seed(args.seed)

    from contextlib import ExitStack

    from curate import Workspace
    from curate.testing import create_database, postgres_server

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="team-load-") as tmp:
        tmp_path = Path(tmp)
        env = dict(os.environ)
        if args.catalog == "postgres":
            server = stack.enter_context(postgres_server())
            url = create_database(server, "lake")
            env["CURATE_CATALOG_PASSWORD"] = os.environ["CURATE_CATALOG_PASSWORD"] = server["password"]
            Workspace.init(tmp_path / "ws", catalog=url).close()
        else:
            Workspace.init(tmp_path / "ws").close()
        src_dir = tmp_path / "src"
        src_dir.mkdir()
        root = str(tmp_path / "ws")

        def spawn(code: str, *a: str) -> subprocess.Popen:
            return subprocess.Popen([sys.executable, "-c", code, root, *a], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True, env=env)

        writers = {w: spawn(WRITER, str(src_dir), f"w{w}") for w in range(args.writers)}
        readers = [spawn(READER) for _ in range(args.readers)]
        finished: list[subprocess.Popen] = []
        kills, next_id = 0, args.writers
        start = time.monotonic()
        next_kill = start + args.kill_every
        while time.monotonic() - start < args.seconds:
            time.sleep(0.5)
            if time.monotonic() >= next_kill:
                victim = random.choice(list(writers))
                writers[victim].send_signal(signal.SIGKILL)
                finished.append(writers.pop(victim))
                writers[next_id] = spawn(WRITER, str(src_dir), f"w{next_id}")
                next_id += 1
                kills += 1
                next_kill += args.kill_every
        elapsed = time.monotonic() - start
        for p in list(writers.values()) + readers:
            p.send_signal(signal.SIGKILL)
        records, reads, read_errors, error_kinds = [], [], 0, {}
        for p in finished + list(writers.values()) + readers:
            out, _ = p.communicate()
            for line in out.splitlines():
                try:
                    d = json.loads(line)
                except ValueError:
                    continue  # progress bars
                if "version" in d:
                    records.append(d)
                elif "read" in d:
                    reads.append(d["read"])
                elif "read_error" in d:
                    read_errors += 1
                    error_kinds[d["read_error"]] = error_kinds.get(d["read_error"], 0) + 1

        with Workspace(root, read_only=True) as ws:
            per_source = dict(ws.con.execute(
                "SELECT source, count(*) FROM lake.documents GROUP BY source").fetchall())
            total, distinct = ws.con.execute(
                "SELECT count(*), count(DISTINCT doc_id) FROM lake.documents").fetchone()
            versions = sorted(m.version for m in ws.snapshots() if m.name == "team")
        written = {p.name for p in src_dir.iterdir()}
        partial = {s: n for s, n in per_source.items() if n != ROWS}
        acknowledged_missing = [r["src"] for r in records if r["src"].removesuffix(".jsonl") not in
                                {s.removesuffix(".jsonl") for s in per_source}]
        result = {
            "catalog": args.catalog, "writers": args.writers, "readers": args.readers, "seconds": round(elapsed),
            "kills": kills, "commits_acknowledged": len(records),
            "commits_per_s": round(len(records) / elapsed, 2),
            "rows_lost": len(acknowledged_missing) * ROWS + sum(ROWS - n for n in partial.values() if n < ROWS),
            "rows_duplicated": total - distinct + sum(n - ROWS for n in partial.values() if n > ROWS),
            "partial_sources": len(partial), "sources_written": len(written), "sources_in_lake": len(per_source),
            "snapshot_versions_contiguous": versions == list(range(1, len(versions) + 1)),
            "snapshot_versions": len(versions),
            "writer_wait_p50_s": round(pct([r["wait"] for r in records], 0.5), 3),
            "writer_wait_p95_s": round(pct([r["wait"] for r in records], 0.95), 3),
            "commit_p95_s": round(pct([r["commit"] for r in records], 0.95), 3),
            "writer_wait_max_s": round(max([r["wait"] for r in records], default=float("nan")), 3),
            "reads": len(reads), "read_errors": read_errors, "read_error_kinds": error_kinds,
            "read_p50_s": round(pct(reads, 0.5), 3),
            "read_p95_s": round(pct(reads, 0.95), 3),
            "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}",
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        }
        print(json.dumps(result, indent=2))
        ok = (result["rows_lost"] == 0 and result["rows_duplicated"] == 0 and result["snapshot_versions_contiguous"]
              and read_errors == 0)
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
