"""Progress and agreement of a labelling project (from the last pull, plus live counts when reachable)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from curate.errors import CurateError
from curate.label import store
from curate.label.client import Connection
from curate.label.pull import project_state
from curate.label.resolve import current_annotations


def project_status(ws, server: str, project_ref: str, conn: Connection | None = None) -> dict[str, Any]:
    rec = store.find_project(ws, server, project_ref)
    if rec is None:
        known = ", ".join(f"{p['project_id']} ({p['title']})" for p in store.projects(ws, server)) or "none"
        raise CurateError(f"no project '{project_ref}' pushed from this workspace to {server} (projects: {known})")
    pid = rec["project_id"]
    pushed = sum(1 for r in store.rows(ws, "label_tasks") if r["server"] == server and r["project_id"] == pid)
    rows = [r for r in store.rows(ws, "labels") if r["server"] == server and r["project_id"] == pid]
    anns = [a for a in current_annotations(rows)]
    state = project_state(ws, rec)
    out: dict[str, Any] = {
        "project_id": pid, "title": rec["title"], "task": rec["task_type"], "snapshot": rec["snapshot"],
        "rule": rec.get("rule") or "majority", "reviewer": rec.get("reviewer"),
        "tasks_pushed": pushed, "tasks_annotated": len({a["task_id"] for a in anns}),
        "annotations": len(anns), "annotation_versions": len(rows),
        "last_pull": max((r["pulled_at"] for r in rows), default=None),
        "by_annotator": dict(Counter(a["annotator"] for a in anns)),
        "by_status": dict(Counter(r["label_status"] for r in state["resolved"])),
        "agreement": state["agreement"], "disagreement_count": state["disagreement_count"],
        "unresolved": state["unresolved"], "disagreements": state["disagreements"],
        "mean_lead_time_s": (sum(a["lead_time"] or 0 for a in anns) / len(anns)) if anns else None,
    }
    if conn is not None:
        try:
            p = conn.client().projects.get(id=pid)
            out["live"] = {"tasks": p.task_number, "annotated_tasks": p.num_tasks_with_annotations,
                           "total_annotations": p.total_annotations_number, "skipped": p.skipped_annotations_number}
        except Exception as exc:  # status still works offline, from the last pull
            out["live"] = {"error": str(exc).splitlines()[0][:200]}
    return out
