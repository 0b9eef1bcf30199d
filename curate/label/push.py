"""Push snapshot rows to a Label Studio project as tasks with curate's predictions.

Projects are named ``<snapshot name> · <task>`` by default, so pushing a newer version of the same
snapshot adds only the documents the project does not have yet. Which documents a project has is
recorded in the workspace table ``label_tasks``; Label Studio's own task count is checked against
it, and if they differ (a push killed between import and record) the project is reconciled from
the server before anything is imported, so a document is never imported twice.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from curate import provenance
from curate.errors import CurateError
from curate.label import sampling, store
from curate.label.client import Connection, sdk_error
from curate.label.configs import TASK_TYPES, build_config, control_values
from curate.label.tasks import BuiltTask, builder, needed_columns, parse_entities


class PushOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: str
    where: str | None = None
    sample: int | None = Field(default=None, gt=0)
    strategy: str = "random"
    seed: int = 0
    stratify_by: str | None = None
    labels: list[str] | None = None
    project: str | None = None
    prediction_column: str | None = None
    score_column: str | None = None
    reviewer: str | None = None
    overlap: int = Field(default=1, ge=1)
    batch_size: int = Field(default=5000, gt=0)


def default_title(snapshot_name: str, task: str) -> str:
    return f"{snapshot_name} · {task}"


def _raw_texts(ws, doc_ids: list[str]) -> dict[str, str]:
    """Original document text: PII spans are offsets into it, not into an anonymized variant."""
    ids = ws.con.from_arrow(pa.table({"doc_id": pa.array(doc_ids, pa.string())}))
    rel = ws.view(["doc_id", "text"]).join(ids, "doc_id")
    return dict(rel.fetchall())


def _extra_values(task: str, built: list[BuiltTask]) -> dict[str, list[str]]:
    """Values the predictions use, which the project's config must offer."""
    seen: dict[str, list[str]] = {}
    for b in built:
        for pred in b.payload.get("predictions", []):
            for item in pred["result"]:
                name = item["from_name"]
                vals = item["value"].get("labels") or item["value"].get("choices") or []
                for v in vals:
                    lst = seen.setdefault(name, [])
                    if v not in lst:
                        lst.append(v)
    return {k: v for k, v in seen.items() if k in ("label", "lang")}


def _ensure_project(client, ws, server: str, title: str, task: str, snapshot: str, opts: PushOptions,
                    extra: dict[str, list[str]]) -> tuple[dict, bool]:
    """The project row (created on the server if needed) and whether it was created now."""
    now = provenance.now()
    rec = store.find_project(ws, server, title)
    if rec is not None and rec["title"] != title:
        rec = None  # `title` matched another project's numeric id: titles only here
    project = None
    if rec is not None:
        if rec["task_type"] != task:
            raise CurateError(f"project '{title}' is a {rec['task_type']} project, not {task}: pass --project NAME")
        try:
            project = client.projects.get(id=rec["project_id"])
        except Exception as exc:
            if getattr(exc, "status_code", None) != 404:
                raise sdk_error(exc, "reading the project") from None
            project = None  # deleted on the server (or a new server): start a new project
    labels = list(opts.labels or [])
    if project is not None:
        cfg = project.label_config
        if task == "classify":
            labels = control_values(cfg, "label") + [x for x in labels if x not in control_values(cfg, "label")]
        new_cfg = build_config(task, labels or None, extra)
        needs = any(v not in control_values(cfg, c) for c, vs in {**extra, **({"label": labels} if labels else {})}.items()
                    for v in vs)
        if needs:
            try:
                client.projects.update(id=project.id, label_config=new_cfg)
            except Exception as exc:
                raise sdk_error(exc, "updating the labelling config") from None
        rec = {**rec, "labels": json.dumps(labels) if labels else rec.get("labels"), "updated_at": now,
               "reviewer": opts.reviewer or rec.get("reviewer")}
        store.save_project(ws, rec)
        return rec, False
    cfg = build_config(task, labels or None, extra)
    try:
        project = client.projects.create(
            title=title, label_config=cfg,
            description=f"curate {task} review of snapshot {snapshot}. Predictions are curate's; correct them.",
            show_collab_predictions=True, maximum_annotations=opts.overlap)
    except Exception as exc:
        raise sdk_error(exc, "creating the project") from None
    rec = {"server": server, "project_id": int(project.id), "title": title, "task_type": task, "snapshot": snapshot,
           "labels": json.dumps(labels) if labels else None, "reviewer": opts.reviewer,
           "rule": "reviewer" if opts.reviewer else "majority", "created_at": now, "updated_at": now}
    store.save_project(ws, rec)
    return rec, True


def _server_doc_ids(conn: Connection, project_id: int) -> dict[str, int]:
    """doc_id -> task id of every task in the project, read from the server (reconciliation only)."""
    with conn.http() as http:
        r = http.get(f"/api/projects/{project_id}/export", params={"exportType": "JSON_MIN", "download_all_tasks": "true"})
        r.raise_for_status()
        tasks = r.json()
    return {t["doc_id"]: int(t["id"]) for t in tasks if isinstance(t, dict) and t.get("doc_id")}


def push(ws, conn: Connection, snapshot_ref: str, opts: PushOptions, progress=None) -> dict[str, Any]:
    """Push a snapshot's rows as tasks; returns a summary (project id/url, counts, seconds)."""
    t0 = time.perf_counter()
    if opts.task not in TASK_TYPES:
        raise CurateError(f"unknown --task '{opts.task}' (use {', '.join(TASK_TYPES)})")
    snap = ws.snapshot(snapshot_ref)
    ref = snap.ref
    rel = snap.relation()
    cols = needed_columns(opts.task, opts.prediction_column, opts.score_column)
    missing = [c for c, req in cols.items() if req and c not in rel.columns]
    if missing:
        raise CurateError(f"snapshot {ref} lacks column(s) {', '.join(missing)} needed by --task {opts.task}")
    if opts.task == "pii" and "pii_entities" not in rel.columns:
        raise CurateError(f"snapshot {ref} has no pii_entities: run the pii stage before a snapshot for PII review")
    use = [c for c in cols if c in rel.columns]
    selected = sampling.select(rel, use, opts.task, opts.where, opts.sample, opts.strategy, opts.seed,
                               opts.stratify_by, opts.score_column).to_pylist()
    if opts.task == "pii" and snap.manifest.text_variant != "raw":
        raw = _raw_texts(ws, [r["doc_id"] for r in selected])
        for r in selected:
            r["text"] = raw.get(r["doc_id"], r.get("text"))
    build = builder(opts.task, opts.prediction_column, opts.score_column)
    try:
        built = [build(r, ref) for r in selected]
    except (ValueError, TypeError) as exc:
        raise CurateError(f"could not build tasks from {ref}: {exc}") from None

    client = conn.client()
    title = opts.project or default_title(snap.manifest.name, opts.task)
    rec, created = _ensure_project(client, ws, conn.url, title, opts.task, ref, opts, _extra_values(opts.task, built))
    pid = rec["project_id"]

    known = {r["doc_id"]: r["task_id"] for r in store.rows(ws, "label_tasks")
             if r["server"] == conn.url and r["project_id"] == pid}
    if not created:
        on_server = client.projects.get(id=pid).task_number or 0
        if on_server != len(known):
            # Tasks exist that the workspace did not record (or the reverse): trust the server.
            server_ids = _server_doc_ids(conn, pid)
            lost = {d: t for d, t in server_ids.items() if d not in known}
            if lost:
                by_doc = {b.doc_id: b for b in built}
                now = provenance.now()
                ws.put_table("label_tasks", store.to_table([
                    {"server": conn.url, "project_id": pid, "task_type": opts.task, "task_id": t, "doc_id": d,
                     "snapshot": ref, "predicted_value": by_doc[d].predicted_value if d in by_doc else None,
                     "prediction_score": by_doc[d].score if d in by_doc else None, "pushed_at": now}
                    for d, t in lost.items()], store.TASKS_SCHEMA))
            known = {**known, **lost}

    todo = [b for b in built if b.doc_id not in known]
    imported = 0
    for i in range(0, len(todo), opts.batch_size):
        chunk = todo[i:i + opts.batch_size]
        try:
            resp = client.projects.import_tasks(id=pid, request=[b.payload for b in chunk], return_task_ids=True,
                                                commit_to_project=True)
        except Exception as exc:
            raise sdk_error(exc, "importing tasks") from None
        task_ids = list(resp.task_ids or [])
        if len(task_ids) != len(chunk):
            raise CurateError(f"Label Studio imported {len(task_ids)} of {len(chunk)} tasks; run the push again "
                              "(it reconciles with the server and imports only what is missing)")
        now = provenance.now()
        # Task ids come back in import order (bulk create keeps the order of the request).
        ws.put_table("label_tasks", store.to_table([
            {"server": conn.url, "project_id": pid, "task_type": opts.task, "task_id": int(t), "doc_id": b.doc_id,
             "snapshot": ref, "predicted_value": b.predicted_value, "prediction_score": b.score, "pushed_at": now}
            for b, t in zip(chunk, task_ids)], store.TASKS_SCHEMA))
        imported += len(chunk)
        if progress:
            progress(len(chunk))
    ws.record_lineage("label_push", f"label:{pid}", ref,
                      {"server": conn.url, "project_id": pid, "task": opts.task, "imported": imported,
                       "where": opts.where, "sample": opts.sample, "strategy": opts.strategy if opts.sample else None})
    return {"project_id": pid, "title": title, "url": f"{conn.url}/projects/{pid}", "snapshot": ref,
            "task": opts.task, "selected": len(built), "already_present": len(built) - len(todo),
            "imported": imported, "project_created": created, "seconds": round(time.perf_counter() - t0, 2)}


__all__ = ["PushOptions", "push", "default_title", "parse_entities"]
