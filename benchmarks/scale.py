"""Scale-out benchmark: the same stages on the local engine and on Ray, docs/s and peak memory per worker.

    .venv/bin/python benchmarks/scale.py [--docs 20000] [--workers 2] [--address local] [--out benchmarks/results/scale.md]
        [--stages clean,langid,quality,minhash,pii] [--pii-nlp none]

Data: ``curate sample-data`` support tickets (6 languages, PII in every row, exact and near
duplicates). Two workspaces share one PII key; each stage runs on ``local`` (process pool of
``--workers``) in one and on ``ray`` (``--workers`` actors; ``--address local`` starts a
private one-node Ray with that many CPUs) in the other, in the same run. Reported per stage:
wall seconds (including pool/actor start and model set-up), docs/s, peak RSS of the largest
worker, and the ratio ray/local. Then ``dedup`` (global, on the driver) and an anonymized
snapshot run on both, and the script checks that clusters, keepers and the snapshot content
hash are identical.

``dedup`` runs once per workspace: on ``local`` everything runs on the driver (LSH buckets grouped
in DuckDB); on ``ray`` boilerplate counting, re-signing, LSH grouping (Ray Data's hash shuffle on
(band, band hash), ``curate.dedup.ray_lsh``) and pair verification run as Ray tasks
(``curate.dedup.ray_dedup``) and the driver keeps per-document numbers and pairs. Reported:
seconds, docs/s, the driver's RSS at the start and its peak (sampled every 0.05 s; Ray first, so
its growth is measured from the lower start), the shuffle's records and bytes
(``ray_lsh.LAST_RUN``), the tasks' blocks, partner rows and seconds per step
(``ray_dedup.LAST_RUN``), the peak RSS of every Ray worker process sampled every 0.2 s (psutil),
and whether clusters and keepers are identical.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._common import machine  # noqa: E402
from curate import Workspace  # noqa: E402
from curate.engines import make_engine  # noqa: E402
from curate.runner import run_stage  # noqa: E402
from curate.sampledata.generate import generate  # noqa: E402

STAGES = ["clean", "langid", "quality", "minhash", "pii"]


class RayWorkerRss(threading.Thread):
    """Peak RSS (MiB) of each Ray worker process on this machine (``ray::…`` titles, agents excluded)."""

    def __init__(self, every: float = 0.2):
        super().__init__(daemon=True)
        self.every, self.peak, self._stop_ = every, {}, threading.Event()

    def run(self) -> None:
        import psutil

        while not self._stop_.is_set():
            for p in psutil.process_iter(["pid", "cmdline", "memory_info"]):
                cmd = " ".join(p.info["cmdline"] or [])
                if cmd.startswith("ray::") and "Agent" not in cmd and p.info["memory_info"] is not None:
                    rss = p.info["memory_info"].rss / 2**20
                    self.peak[p.info["pid"]] = max(rss, self.peak.get(p.info["pid"], 0.0))
            time.sleep(self.every)

    def stop(self) -> dict:
        self._stop_.set()
        self.join()
        return self.peak


class DriverRss(threading.Thread):
    """Peak RSS (MiB) of this process (the driver) while it runs, and its RSS at the start, sampled every 0.05 s."""

    def __init__(self, every: float = 0.05):
        import psutil

        super().__init__(daemon=True)
        self.proc = psutil.Process()
        self.every, self._stop_ = every, threading.Event()
        self.start_mib = self.peak_mib = self.proc.memory_info().rss / 2**20

    def run(self) -> None:
        while not self._stop_.is_set():
            self.peak_mib = max(self.peak_mib, self.proc.memory_info().rss / 2**20)
            time.sleep(self.every)

    def stop(self) -> tuple[float, float]:
        """(RSS at the start, peak RSS), MiB."""
        self._stop_.set()
        self.join()
        return round(self.start_mib), round(self.peak_mib)


def _dedup_both(spaces: dict, ray_engine, docs: int) -> dict:
    from curate.dedup import ray_dedup, ray_lsh

    out = {}
    for name in ("ray", "local"):  # ray first: its driver growth is measured from the lower starting RSS
        ws = spaces[name]
        sampler = RayWorkerRss() if name == "ray" else None
        if sampler:
            sampler.start()
        driver = DriverRss()
        driver.start()
        t = time.perf_counter()
        run_stage(ws, "dedup", {}, engine=ray_engine if name == "ray" else None)
        secs = time.perf_counter() - t
        start_mib, peak_mib = driver.stop()
        out[f"{name}_driver_start_mib"], out[f"{name}_driver_peak_mib"] = start_mib, peak_mib
        out[f"{name}_driver_growth_mib"] = peak_mib - start_mib
        out[f"{name}_s"] = round(secs, 1)
        out[f"{name}_docs_s"] = round(docs / secs, 1)
        if sampler:
            peak = sampler.stop()
            out["ray_workers_sampled"] = len(peak)
            out["ray_peak_worker_mib"] = round(max(peak.values())) if peak else None
            out["ray_shuffle"] = dict(ray_lsh.LAST_RUN)
            out["ray_tasks"] = dict(ray_dedup.LAST_RUN)  # blocks, partner rows shipped, pairs verified, s per step
            mb = 1e6 / max(1, ray_lsh.LAST_RUN.get("rows", 1)) / 2**20
            out["shuffle_mib_per_million_docs"] = round(ray_lsh.LAST_RUN.get("shuffle_bytes", 0) * mb)
            out["signature_mib_per_million_docs"] = round(ray_lsh.LAST_RUN.get("signature_bytes", 0) * mb)
    a, b = (spaces[n].read_signal("dedup").sort_by("doc_id") for n in ("local", "ray"))
    out["same_clusters_and_keepers"] = a.equals(b)
    out["dup_removed"] = a.num_rows - sum(a.column("dup_keep").to_pylist())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--address", default="local")
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--pii-nlp", default="auto", choices=["auto", "spacy", "none"])
    ap.add_argument("--out", default="benchmarks/results/scale.md")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="curate-scale-"))
    try:
        t0 = time.perf_counter()
        generate(tmp / "data", n=args.docs)
        src = tmp / "data" / "support_tickets.jsonl"
        spaces = {name: Workspace.init(tmp / name) for name in ("local", "ray")}
        key = spaces["local"].secrets_dir / "pii.key"
        key.write_text(os.urandom(32).hex() + "\n")
        os.chmod(key, 0o600)
        shutil.copy2(key, spaces["ray"].secrets_dir / "pii.key")
        for ws in spaces.values():
            ws.ingest([src])
        docs = spaces["local"].count("documents")
        prep = time.perf_counter() - t0
        t1 = time.perf_counter()
        ray_engine = make_engine("ray", address=args.address, workers=args.workers)
        ray_engine.connect()
        connect = time.perf_counter() - t1
        rows = []
        for stage in args.stages.split(","):
            params = {"nlp": args.pii_nlp} if stage == "pii" else {}
            res = {}
            for name, ws in spaces.items():
                engine = ray_engine if name == "ray" else "local"
                r = run_stage(ws, stage, params, workers=args.workers, engine=engine)
                res[name] = r
            lo, ra = res["local"], res["ray"]
            same = spaces["local"].read_signal(stage).sort_by("doc_id").equals(spaces["ray"].read_signal(stage).sort_by("doc_id"))
            rows.append({"stage": stage, "docs": lo.computed,
                         "ray_docs_s_per_worker": round(ra.docs_per_s / args.workers, 1),
                         "local_s": lo.seconds, "local_docs_s": round(lo.docs_per_s, 1),
                         "local_peak_worker_mib": round(max(lo.workers.values()) / 1024),
                         "local_workers": len(lo.workers),
                         "ray_s": ra.seconds, "ray_docs_s": round(ra.docs_per_s, 1),
                         "ray_peak_worker_mib": round(max(ra.workers.values()) / 1024),
                         "ray_workers": len(ra.workers),
                         "ratio": round(ra.docs_per_s / lo.docs_per_s, 2) if lo.docs_per_s else None,
                         "identical": same})
            print(json.dumps(rows[-1]), flush=True)
        checks = {}
        if "minhash" in args.stages:
            checks["dedup"] = _dedup_both(spaces, ray_engine, docs)
            print(json.dumps(checks["dedup"]), flush=True)
        ray_engine.close()
        if "pii" in args.stages:
            hashes = [ws.create_snapshot("bench").content_hash for ws in spaces.values()]
            checks["snapshot_hash_equal"] = hashes[0] == hashes[1]
        for ws in spaces.values():
            ws.close()
        result = {"machine": machine(), "docs": docs, "workers": args.workers, "prep_s": round(prep, 1),
                  "ray_connect_s": round(connect, 1), "stages": rows, "checks": checks}
        print(json.dumps(result), flush=True)
        _write_md(Path(args.out), result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_md(path: Path, r: dict) -> None:
    lines = [f"# Scale-out: local vs Ray ({r['docs']} docs, {r['workers']} workers each)", "",
             f"Machine: {r['machine']}. Ray connect/start: {r['ray_connect_s']} s (not in the stage times).", "",
             "| stage | docs | local s | local docs/s | local peak MiB/worker | ray s | ray docs/s | ray peak MiB/worker "
             "| ray/local | identical |", "|---|---|---|---|---|---|---|---|---|---|"]
    for s in r["stages"]:
        lines.append(f"| {s['stage']} | {s['docs']} | {s['local_s']} | {s['local_docs_s']} | {s['local_peak_worker_mib']} "
                     f"({s['local_workers']} proc) | {s['ray_s']} | {s['ray_docs_s']} | {s['ray_peak_worker_mib']} "
                     f"({s['ray_workers']} proc) | {s['ratio']} | {s['identical']} |")
    d = r["checks"].get("dedup")
    if d:
        lines += ["", "| dedup | local s | local docs/s | local driver MiB start / peak | ray s | ray docs/s "
                  "| ray driver MiB start / peak | ray peak MiB/worker | shuffle MiB per 1M docs "
                  "| signatures MiB per 1M docs | same clusters and keepers |", "|---|---|---|---|---|---|---|---|---|---|---|",
                  f"| {d['dup_removed']} removed | {d['local_s']} | {d['local_docs_s']} "
                  f"| {d['local_driver_start_mib']} / {d['local_driver_peak_mib']} | {d['ray_s']} | {d['ray_docs_s']} "
                  f"| {d['ray_driver_start_mib']} / {d['ray_driver_peak_mib']} "
                  f"| {d['ray_peak_worker_mib']} ({d['ray_workers_sampled']} proc) | {d['shuffle_mib_per_million_docs']} "
                  f"| {d['signature_mib_per_million_docs']} | {d['same_clusters_and_keepers']} |"]
    lines += ["", "Checks: " + json.dumps(r["checks"])]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
