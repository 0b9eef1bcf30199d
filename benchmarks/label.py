"""Benchmark: push 10,000 tasks with predictions and pull 10,000 annotations against a local Label Studio.

    .venv/bin/python benchmarks/label.py [--n 10000] [--baseline-n 200] [--out benchmarks/results/label.md]

Starts its own Label Studio (label-studio 1.23.2 from .venv-ls) on a free 127.0.0.1 port with a temp
data dir and stops it by PID at the end. Generated data: Hinglish/English support tickets with PII
spans (scores) from a synthetic ``pii`` signal and a ``langid`` signal.

* push: ``curate.label.push`` of N PII-review tasks with predictions (bulk import, 5,000 per call),
  recorded in ``label_tasks``; then the idempotent re-push (imports nothing).
* pull: ``curate.label.pull`` of a project with N annotations (SDK export -> ``labels`` table ->
  resolution -> ``labels`` signal); then the idempotent re-pull. The annotated project is seeded
  through Label Studio's import with annotations (creating 10,000 annotations one POST at a time
  would take minutes and measures nothing of curate).
* baseline (same run): the naive client loop, one task + one prediction per API call for push, one
  annotations call per task for pull, on ``--baseline-n`` tasks, extrapolated linearly to N.
Targets: push < 60 s, pull < 60 s.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curate import Workspace  # noqa: E402
from curate.label import store  # noqa: E402
from curate.label.client import Connection  # noqa: E402
from curate.label.pull import pull  # noqa: E402
from curate.label.push import PushOptions, push  # noqa: E402
from curate.label.server import free_port, serve, stop  # noqa: E402
from curate.label.tasks import build_pii  # noqa: E402

NAMES = ["Ravi Kumar", "Sunita Devi", "Anil Sharma", "Priya Nair", "Mohammed Iqbal", "Lakshmi Iyer"]


def make_docs(n: int, seed: int = 7):
    rnd = random.Random(seed)
    docs, spans = [], []
    for i in range(n):
        name = rnd.choice(NAMES)
        phone = "9" + "".join(rnd.choice("0123456789") for _ in range(9))
        pre = rnd.choice(["Mera naam ", "Hello, I am ", "Customer "])
        text = f"{pre}{name} hai, ticket #{i}: please call {phone} about my KYC update."
        s1 = len(pre)
        s2 = text.index(phone)
        docs.append({"text": text, "id": f"T{i}"})
        spans.append([{"field": "text", "start": s1, "end": s1 + len(name), "type": "PERSON",
                       "score": round(rnd.uniform(0.4, 0.95), 3)},
                      {"field": "text", "start": s2, "end": s2 + 10, "type": "IN_PHONE", "score": 0.99}])
    return docs, spans


def build_ws(root: Path, n: int) -> Workspace:
    ws = Workspace.init(root / "ws")
    docs, spans = make_docs(n)
    src = root / "tickets.jsonl"
    with open(src, "w") as fh:
        for d in docs:
            fh.write(json.dumps(d) + "\n")
    ws.ingest([src], id_field="id")
    got = ws.con.execute("SELECT doc_id, text FROM lake.documents").fetchall()
    idx = {d["text"]: k for k, d in enumerate(docs)}
    pii, lang = [], []
    for doc_id, text in got:
        ents = spans[idx[text]]
        pii.append({"doc_id": doc_id, "pii_text": text, "pii_entities": json.dumps(ents), "pii_count": 2,
                    "pii_covered": True})
        lang.append({"doc_id": doc_id, "lang": "hi", "lang_score": 0.7, "romanized": True, "codemixed": True})
    ws.write_signal("pii", pa.Table.from_pylist(pii))
    ws.write_signal("langid", pa.Table.from_pylist(lang))
    ws.create_snapshot("bench")
    return ws


def seed_annotated_project(ws: Workspace, conn: Connection, n: int) -> str:
    """A project whose N tasks each carry one annotation, registered in the workspace like a push."""
    client = conn.client()
    from curate.label.configs import build_config

    snap = ws.snapshot("bench")
    rows = snap.relation().project("doc_id, text, pii_entities").fetch_arrow_table().to_pylist()[:n]
    me = client.users.whoami().id
    project = client.projects.create(title="bench · pii annotated", label_config=build_config("pii"))
    built = [build_pii(r, snap.ref) for r in rows]
    for k, b in enumerate(built):
        res = [{kk: vv for kk, vv in item.items() if kk not in ("score", "origin")}
               for item in b.payload["predictions"][0]["result"]]
        if k % 10 == 0:
            res = res[:1]  # every tenth annotator removes the phone span: a correction
        b.payload["annotations"] = [{"result": res, "completed_by": me, "lead_time": 4.2}]
    now = store.utcnow()
    store.save_project(ws, {"server": conn.url, "project_id": int(project.id), "title": "bench · pii annotated",
                            "task_type": "pii", "snapshot": snap.ref, "rule": "majority", "created_at": now,
                            "updated_at": now})
    for i in range(0, len(built), 5000):
        chunk = built[i:i + 5000]
        resp = client.projects.import_tasks(id=project.id, request=[b.payload for b in chunk], return_task_ids=True)
        ws.put_table("label_tasks", store.to_table([
            {"server": conn.url, "project_id": int(project.id), "task_type": "pii", "task_id": int(t),
             "doc_id": b.doc_id, "snapshot": snap.ref, "predicted_value": b.predicted_value,
             "prediction_score": b.score, "pushed_at": now} for b, t in zip(chunk, resp.task_ids)], store.TASKS_SCHEMA))
    return str(project.id)


def baseline_push(ws: Workspace, conn: Connection, m: int) -> float:
    """Naive: one task create + one prediction create per document."""
    client = conn.client()
    from curate.label.configs import build_config

    snap = ws.snapshot("bench")
    rows = snap.relation().project("doc_id, text, pii_entities").limit(m).fetch_arrow_table().to_pylist()
    project = client.projects.create(title="baseline push", label_config=build_config("pii"))
    t0 = time.perf_counter()
    for r in rows:
        b = build_pii(r, snap.ref)
        task = client.tasks.create(project=project.id, data=b.payload["data"])
        p = b.payload["predictions"][0]
        client.predictions.create(task=task.id, result=p["result"], score=p["score"], model_version="curate")
    return time.perf_counter() - t0


def baseline_pull(conn: Connection, project_id: int, m: int) -> float:
    """Naive: list tasks, then one annotations call per task."""
    client = conn.client()
    t0 = time.perf_counter()
    ids = []
    for t in client.tasks.list(project=project_id, page_size=100, fields="all"):
        ids.append(t.id)
        if len(ids) >= m:
            break
    for tid in ids:
        client.annotations.list(id=tid)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--baseline-n", type=int, default=200)
    ap.add_argument("--out", default=None, help="write the markdown results here")
    args = ap.parse_args()
    res: dict = {"n": args.n, "baseline_n": args.baseline_n}
    with tempfile.TemporaryDirectory(prefix="curate-label-bench-") as tmp:
        root = Path(tmp)
        secrets = root / "secrets"
        secrets.mkdir(mode=0o700)
        t0 = time.perf_counter()
        info, _ = serve(secrets, root / "ls-data", port=free_port(), timeout=400)
        res["server_start_s"] = round(time.perf_counter() - t0, 1)
        try:
            conn = Connection(info.url, info.token)
            t0 = time.perf_counter()
            ws = build_ws(root, args.n)
            res["workspace_setup_s"] = round(time.perf_counter() - t0, 1)

            r = push(ws, conn, "bench", PushOptions(task="pii"))
            res["push_s"], res["push_imported"] = r["seconds"], r["imported"]
            r2 = push(ws, conn, "bench", PushOptions(task="pii"))
            res["repush_s"], res["repush_imported"] = r2["seconds"], r2["imported"]

            t0 = time.perf_counter()
            pid = seed_annotated_project(ws, conn, args.n)
            res["seed_annotations_s"] = round(time.perf_counter() - t0, 1)
            p = pull(ws, conn, pid)
            res["pull_s"], res["pull_export_s"], res["pull_new"] = p["seconds"], p["export_seconds"], p["new"]
            res["pull_signal_rows"] = p["signal_rows"]
            p2 = pull(ws, conn, pid)
            res["repull_s"], res["repull_appended"] = p2["seconds"], p2["rows_appended"]

            bp = baseline_push(ws, conn, args.baseline_n)
            res["baseline_push_s_extrapolated"] = round(bp * args.n / args.baseline_n, 1)
            bl = baseline_pull(conn, int(pid), args.baseline_n)
            res["baseline_pull_s_extrapolated"] = round(bl * args.n / args.baseline_n, 1)
            ws.close()
        finally:
            stop(secrets)
    res["push_speedup"] = round(res["baseline_push_s_extrapolated"] / res["push_s"], 1)
    res["pull_speedup"] = round(res["baseline_pull_s_extrapolated"] / res["pull_s"], 1)
    res["machine"] = f"{platform.machine()} {platform.system()}"
    print(json.dumps(res, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    main()
