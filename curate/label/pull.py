"""Pull annotations back: Label Studio export -> ``labels`` table (versioned) -> ``labels`` signal.

A pull reads the project's annotations through the SDK's export, compares each one with the
latest stored version (by a hash of its result, skip flag and annotator) and appends only what
is new or changed, plus a tombstone for annotations deleted on the server. Re-pulling an
unchanged project therefore appends nothing. Afterwards the per-document outcome of *every*
project in the workspace is resolved again and the ``labels`` signal is replaced with it, so
the signal always reflects the latest pull of each project (and older signal versions stay
reachable through DuckLake time travel and the snapshots made from them).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from typing import Any

from curate import provenance
from curate.errors import CurateError
from curate.label import store
from curate.label.client import Connection, sdk_error
from curate.label.outcomes import normalize, status_of
from curate.label.resolve import current_annotations, merge_documents, project_report


def _annotator(value: Any, users: dict[int, str]) -> tuple[str, int | None]:
    if isinstance(value, dict):  # some exports expand the user
        uid = value.get("id")
        return str(value.get("email") or users.get(uid) or uid), uid
    if value is None:
        return "unknown", None
    return users.get(int(value), str(value)), int(value)


def _hash(result: Any, cancelled: bool, annotator_id: int | None) -> str:
    blob = json.dumps([result, bool(cancelled), annotator_id], sort_keys=True, ensure_ascii=False)
    return hashlib.md5(blob.encode()).hexdigest()


def export_tasks(conn: Connection, project_id: int) -> list[dict]:
    """Every annotated task of the project with its annotations (Label Studio JSON export)."""
    client = conn.client()
    try:
        blob = b"".join(client.projects.exports.download_sync(id=project_id, export_type="JSON",
                                                               download_all_tasks=False))
    except Exception as exc:
        raise sdk_error(exc, "exporting annotations") from None
    return json.loads(blob or b"[]")


def list_users(conn: Connection) -> dict[int, str]:
    try:
        return {int(u.id): (u.email or u.username or str(u.id)) for u in conn.client().users.list()}
    except Exception as exc:
        raise sdk_error(exc, "listing users") from None


def pull(ws, conn: Connection, project_ref: str, reviewer: str | None = None) -> dict[str, Any]:
    t0 = time.perf_counter()
    rec = store.find_project(ws, conn.url, project_ref)
    if rec is None:
        raise CurateError(f"no project '{project_ref}' pushed from this workspace to {conn.url} "
                          "(see `curate label status`)")
    if reviewer and (reviewer != rec.get("reviewer") or rec.get("rule") != "reviewer"):
        rec = {**rec, "reviewer": reviewer, "rule": "reviewer", "updated_at": provenance.now()}
        store.save_project(ws, rec)
    pid, task_type = rec["project_id"], rec["task_type"]
    tasks = export_tasks(conn, pid)
    t_export = time.perf_counter() - t0
    users = list_users(conn)
    pushed = {r["task_id"]: r for r in store.rows(ws, "label_tasks")
              if r["server"] == conn.url and r["project_id"] == pid}
    latest: dict[int, dict] = {}
    for r in store.rows(ws, "labels"):
        if r["server"] == conn.url and r["project_id"] == pid:
            if r["annotation_id"] not in latest or r["version"] > latest[r["annotation_id"]]["version"]:
                latest[r["annotation_id"]] = r

    now = provenance.now()
    new_rows: list[dict] = []
    seen: set[int] = set()
    counts = {"new": 0, "changed": 0, "unchanged": 0, "deleted": 0}
    for task in tasks:
        tid = int(task["id"])
        data = task.get("data") or {}
        info = pushed.get(tid, {})
        doc_id = data.get("doc_id") or info.get("doc_id")
        for ann in task.get("annotations") or []:
            aid = int(ann["id"])
            seen.add(aid)
            who, uid = _annotator(ann.get("completed_by"), users)
            result = ann.get("result") or []
            h = _hash(result, ann.get("was_cancelled"), uid)
            prev = latest.get(aid)
            if prev is not None and prev["result_hash"] == h and not prev["deleted"]:
                counts["unchanged"] += 1
                continue
            out = normalize(task_type, result, data)
            status = status_of(task_type, out, info.get("predicted_value"), data.get("output"))
            counts["changed" if prev is not None else "new"] += 1
            new_rows.append({
                "server": conn.url, "project_id": pid, "task_type": task_type, "task_id": tid, "annotation_id": aid,
                "version": (prev["version"] + 1) if prev else 1, "doc_id": doc_id,
                "snapshot": data.get("snapshot") or info.get("snapshot"), "annotator": who, "annotator_id": uid,
                "created_at": store.parse_time(ann.get("created_at")),
                "updated_at": store.parse_time(ann.get("updated_at")),
                "lead_time": ann.get("lead_time"), "was_cancelled": bool(ann.get("was_cancelled")), "deleted": False,
                "result": json.dumps(result, ensure_ascii=False), "label_value": out.label_value,
                "label_status": status, "result_hash": h, "pulled_at": now})
    for aid, prev in latest.items():
        if aid not in seen and not prev["deleted"]:
            counts["deleted"] += 1
            new_rows.append({**prev, "version": prev["version"] + 1, "deleted": True, "pulled_at": now})
    if new_rows:
        ws.put_table("labels", store.to_table(new_rows, store.LABELS_SCHEMA))
    sig = rebuild_signal(ws)
    ws.record_lineage("label_pull", f"label:{pid}", rec.get("snapshot"),
                      {"server": conn.url, "project_id": pid, **counts})
    return {"project_id": pid, "title": rec["title"], "task": task_type, "tasks_annotated": len(tasks),
            "annotations": counts["new"] + counts["changed"] + counts["unchanged"], **counts,
            "rows_appended": len(new_rows), "signal_rows": sig["rows"],
            "seconds": round(time.perf_counter() - t0, 2), "export_seconds": round(t_export, 2)}


def project_state(ws, rec: dict) -> dict:
    """Resolution report of one project from the stored annotations."""
    anns = [a for a in current_annotations(store.rows(ws, "labels"))
            if a["server"] == rec["server"] and a["project_id"] == rec["project_id"]]
    predicted = {r["task_id"]: r["predicted_value"] for r in store.rows(ws, "label_tasks")
                 if r["server"] == rec["server"] and r["project_id"] == rec["project_id"]}
    return project_report(anns, predicted, rec.get("rule") or "majority", rec.get("reviewer"), rec["task_type"])


def rebuild_signal(ws) -> dict:
    """Resolve every project again and replace the ``labels`` signal (one row per document)."""
    label_rows = store.rows(ws, "labels")
    if not label_rows:
        return {"rows": 0}
    anns = current_annotations(label_rows)
    by_project: dict[tuple, list[dict]] = defaultdict(list)
    for a in anns:
        by_project[(a["server"], a["project_id"])].append(a)
    predicted: dict[tuple, str | None] = {(r["server"], r["project_id"], r["task_id"]): r["predicted_value"]
                                          for r in store.rows(ws, "label_tasks")}
    recs = {(p["server"], p["project_id"]): p for p in store.projects(ws)}
    resolved: list[dict] = []
    for key, group in by_project.items():
        rec = recs.get(key, {})
        pred = {tid: v for (s, p, tid), v in predicted.items() if (s, p) == key}
        rep = project_report(group, pred, rec.get("rule") or "majority", rec.get("reviewer"), group[0]["task_type"])
        resolved.extend(rep["resolved"])
    docs = merge_documents(resolved)
    from curate.label.privacy import finish

    finish(ws, docs)
    ws.write_signal("labels", store.to_table(docs, store.SIGNAL_SCHEMA), replace=True)
    return {"rows": len(docs)}
