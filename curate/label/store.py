"""The workspace tables of the labelling loop (auxiliary tables via ``ws.put_table``).

* ``label_projects``: one row per Label Studio project this workspace pushed to (rewritten on change).
* ``label_tasks``: one row per pushed task: which snapshot and document it came from, its task id,
  and the normalised prediction it was pushed with. Re-push consults it so no task is duplicated.
* ``labels``: one row per *version* of an annotation. A pull appends a row only when an annotation
  is new or changed (or a tombstone when it was deleted), so history is never lost and re-pulling
  an unchanged project appends nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pyarrow as pa

PROJECTS_SCHEMA = pa.schema([
    ("server", pa.string()), ("project_id", pa.int64()), ("title", pa.string()), ("task_type", pa.string()),
    ("snapshot", pa.string()), ("labels", pa.string()), ("reviewer", pa.string()), ("rule", pa.string()),
    ("created_at", pa.timestamp("us")), ("updated_at", pa.timestamp("us")),
])

TASKS_SCHEMA = pa.schema([
    ("server", pa.string()), ("project_id", pa.int64()), ("task_type", pa.string()), ("task_id", pa.int64()),
    ("doc_id", pa.string()), ("snapshot", pa.string()), ("predicted_value", pa.string()),
    ("prediction_score", pa.float64()), ("pushed_at", pa.timestamp("us")),
])

LABELS_SCHEMA = pa.schema([
    ("server", pa.string()), ("project_id", pa.int64()), ("task_type", pa.string()), ("task_id", pa.int64()),
    ("annotation_id", pa.int64()), ("version", pa.int32()), ("doc_id", pa.string()), ("snapshot", pa.string()),
    ("annotator", pa.string()), ("annotator_id", pa.int64()), ("created_at", pa.timestamp("us")),
    ("updated_at", pa.timestamp("us")), ("lead_time", pa.float64()), ("was_cancelled", pa.bool_()),
    ("deleted", pa.bool_()), ("result", pa.string()), ("label_value", pa.string()), ("label_status", pa.string()),
    ("result_hash", pa.string()), ("pulled_at", pa.timestamp("us")),
])

SIGNAL_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("label_value", pa.string()), ("label_status", pa.string()),
    ("label_pii_spans", pa.string()), ("label_response", pa.string()), ("label_lang", pa.string()),
    ("label_form", pa.string()), ("label_class", pa.string()), ("label_rating", pa.float64()),
    ("label_flags", pa.string()), ("label_annotations", pa.int32()), ("label_resolved_by", pa.string()),
    # Values annotators cleared as false alarms ([{type, text}]), and the edited response after the PII stage.
    ("label_pii_cleared", pa.string()), ("label_response_pii", pa.string()), ("label_response_covered", pa.bool_()),
])


def parse_time(value) -> datetime | None:
    if not value:
        return None
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt.astimezone(timezone.utc).replace(tzinfo=None) if dt.tzinfo else dt


def rows(ws, table: str) -> list[dict]:
    """Rows of an auxiliary table as dicts ([] when it does not exist yet)."""
    t = ws.get_table(table)
    return [] if t is None else t.to_pylist()


def to_table(records: list[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist([{f.name: r.get(f.name) for f in schema} for r in records], schema=schema)


def projects(ws, server: str | None = None) -> list[dict]:
    out = rows(ws, "label_projects")
    return [p for p in out if server is None or p["server"] == server]


def save_project(ws, record: dict) -> None:
    """Insert or update one project row (the table is tiny: rewritten whole)."""
    others = [p for p in projects(ws) if not (p["server"] == record["server"]
                                              and p["project_id"] == record["project_id"])]
    ws.put_table("label_projects", to_table(others + [record], PROJECTS_SCHEMA), mode="replace")


def find_project(ws, server: str, ref: str) -> dict | None:
    """A project of this workspace on ``server`` by id or title (the newest when a title was reused)."""
    for p in sorted(projects(ws, server), key=lambda p: p["created_at"], reverse=True):
        if str(p["project_id"]) == str(ref) or p["title"] == ref:
            return p
    return None
