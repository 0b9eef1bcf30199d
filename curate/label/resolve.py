"""From the annotations of a task to one outcome per document, and from projects to the ``labels`` signal.

Resolution rule per project:

* ``reviewer``: when the named reviewer annotated a task, their annotation wins outright.
* ``majority`` (and the fallback when the reviewer did not annotate): a task is rejected when more
  than half its annotators rejected it. Otherwise, for PII every span marked by at least half of
  the annotators is kept (at least half, not more than half: a span one of two annotators saw is
  kept, because missing PII leaks while an extra redaction costs little); for the other tasks
  the most frequent answer wins, and a tie stays unresolved and is listed as a disagreement.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from curate.label.agreement import agreement
from curate.label.outcomes import normalize
from curate.label.tasks import spans_value

TASK_PRIORITY = ("classify", "lang", "sft", "pii")  # whose label_value a document in several projects shows


def current_annotations(label_rows: list[dict]) -> list[dict]:
    """The latest version of every annotation that still exists and was not skipped."""
    latest: dict[tuple, dict] = {}
    for r in label_rows:
        key = (r["server"], r["project_id"], r["annotation_id"])
        if key not in latest or r["version"] > latest[key]["version"]:
            latest[key] = r
    return [r for r in latest.values() if not r["deleted"] and not r["was_cancelled"]]


def _enrich(ann: dict) -> dict:
    """Annotation row + its parsed outcome and the key it votes with."""
    task = ann["task_type"]
    result = json.loads(ann["result"]) if ann.get("result") else []
    out = normalize(task, result, {})
    rejected = ann["label_status"] == "rejected"
    if task == "pii":
        spans = [tuple(s) for s in json.loads(ann["label_value"] or "[]")]
        key = "reject" if rejected else ann["label_value"]
    elif task == "sft":
        spans = None
        key = "reject" if rejected else ("edit:" + (out.response or "").strip()
                                         if ann["label_status"] == "corrected" else "keep")
    else:
        spans = None
        key = "reject" if rejected else ann["label_value"]
    return {**ann, "outcome": out, "spans": spans, "key": key, "rejected": rejected}


def cleared_spans(predicted: str | None, resolved_json: str | None) -> str | None:
    """Predicted PII spans the annotators removed (false alarms): those overlapping no resolved span.

    JSON list of {start, end, type} (offsets into the task text), or None when nothing was cleared. The audit
    uses them, with their text, so that a value people cleared is not flagged again."""
    if not predicted or resolved_json is None:
        return None
    try:
        pred = [tuple(x) for x in json.loads(predicted)]
    except (json.JSONDecodeError, TypeError):
        return None
    kept = [(int(s["start"]), int(s["end"])) for s in json.loads(resolved_json)]
    gone = [p for p in pred if not any(int(p[0]) < b and a < int(p[1]) for a, b in kept)]
    return _spans_json(gone) if gone else None


def resolve_task(anns: list[dict], predicted: str | None, rule: str = "majority",
                 reviewer: str | None = None) -> dict | None:
    """One task's resolved outcome (None when tied). ``anns`` are enriched annotations of that task.

    PII outcomes also carry ``label_pii_cleared``: the predicted spans the resolution removed."""
    res = _resolve_task(anns, predicted, rule, reviewer)
    if res is not None and res.get("task_type") == "pii":
        res["label_pii_cleared"] = cleared_spans(predicted, res.get("label_pii_spans"))
    return res


def _resolve_task(anns: list[dict], predicted: str | None, rule: str = "majority",
                  reviewer: str | None = None) -> dict | None:
    anns = sorted(anns, key=lambda a: (a["updated_at"] or a["created_at"]))
    task = anns[0]["task_type"]
    n = len(anns)
    base = {"doc_id": anns[0]["doc_id"], "task_type": task, "label_annotations": n,
            "updated_at": anns[-1]["updated_at"]}
    rev = [a for a in anns if reviewer and a["annotator"] == reviewer] if rule == "reviewer" else []
    if rev:
        return {**base, **_from_winner(rev[-1], anns, predicted), "label_resolved_by": "reviewer"}
    if n == 1:
        return {**base, **_from_winner(anns[0], anns, predicted), "label_resolved_by": "single"}
    rejects = sum(a["rejected"] for a in anns)
    if rejects * 2 > n:
        winner = [a for a in anns if a["rejected"]][-1]
        return {**base, **_from_winner(winner, anns, predicted), "label_resolved_by": "majority"}
    if task == "pii":
        keep = [a for a in anns if not a["rejected"]]
        votes = Counter(s for a in keep for s in set(a["spans"]))
        spans = sorted(s for s, v in votes.items() if v * 2 >= len(keep))
        value = spans_value(spans)
        return {**base, "label_value": value, "label_status": "corrected" if value != predicted else "accepted",
                "label_pii_spans": _spans_json(spans), "label_resolved_by": "majority"}
    counts = Counter(a["key"] for a in anns).most_common()
    if len(counts) > 1 and counts[0][1] == counts[1][1]:
        return None
    winner = [a for a in anns if a["key"] == counts[0][0]][-1]
    return {**base, **_from_winner(winner, anns, predicted), "label_resolved_by": "majority"}


def _spans_json(spans) -> str:
    return json.dumps([{"start": s[0], "end": s[1], "type": s[2]} for s in spans], ensure_ascii=False)


def _from_winner(w: dict, anns: list[dict], predicted: str | None) -> dict:
    task, out = w["task_type"], w["outcome"]
    res: dict[str, Any] = {"label_value": w["label_value"], "label_status": w["label_status"]}
    if task == "pii":
        res["label_pii_spans"] = None if w["rejected"] else _spans_json(w["spans"])
    elif task == "lang" and not w["rejected"]:
        res["label_lang"], res["label_form"] = out.lang, out.form
    elif task == "classify" and not w["rejected"]:
        res["label_class"] = out.label
    elif task == "sft":
        if w["label_status"] == "corrected":
            res["label_response"] = out.response
        ratings = [a["outcome"].rating for a in anns if a["outcome"].rating is not None]
        res["label_rating"] = sum(ratings) / len(ratings) if ratings else None
        flags = sorted({f for a in anns for f in a["outcome"].flags})
        res["label_flags"] = json.dumps(flags) if flags else None
    return res


def project_report(anns: list[dict], predicted: dict[int, str | None], rule: str, reviewer: str | None,
                   task: str, max_disagreements: int = 50) -> dict:
    """Resolutions, agreement and disagreements for one project's current annotations."""
    by_task: dict[int, list[dict]] = defaultdict(list)
    for a in anns:
        by_task[a["task_id"]].append(_enrich(a))
    resolved, disagreements = [], []
    ratings: dict[int, dict[str, str]] = {}
    spans: dict[int, dict[str, set]] = {}
    for tid, group in by_task.items():
        # One vote per annotator: their latest annotation of the task.
        per: dict[str, dict] = {}
        for a in sorted(group, key=lambda a: a["updated_at"] or a["created_at"]):
            per[a["annotator"]] = a
        group = list(per.values())
        ratings[tid] = {a["annotator"]: a["key"] for a in group}
        if task == "pii":
            spans[tid] = {a["annotator"]: set(a["spans"] or []) for a in group if not a["rejected"]}
        r = resolve_task(group, predicted.get(tid), rule, reviewer)
        if r is not None:
            resolved.append({**r, "task_id": tid})
        if len(set(ratings[tid].values())) > 1 and len(disagreements) < max_disagreements:
            disagreements.append({"task_id": tid, "doc_id": group[0]["doc_id"], "votes": ratings[tid],
                                  "resolved": None if r is None else r["label_value"],
                                  "resolved_by": None if r is None else r["label_resolved_by"]})
    n_dis = sum(1 for v in ratings.values() if len(set(v.values())) > 1)
    return {"resolved": resolved, "disagreements": disagreements, "disagreement_count": n_dis,
            "unresolved": len(by_task) - len(resolved), "agreement": agreement(ratings, task, spans)}


SIGNAL_COLUMNS = ("label_value", "label_status", "label_pii_spans", "label_pii_cleared", "label_response",
                  "label_response_pii", "label_response_covered", "label_lang", "label_form",
                  "label_class", "label_rating", "label_flags", "label_annotations", "label_resolved_by")
_STATUS_RANK = {"accepted": 0, "corrected": 1, "rejected": 2}


def merge_documents(resolved: list[dict]) -> list[dict]:
    """One signal row per document from the resolutions of every project it is in.

    The strongest status wins (rejected > corrected > accepted); each task type fills its own
    columns (the most recent resolution when a document is in two projects of the same type).
    """
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in resolved:
        by_doc[r["doc_id"]].append(r)
    out = []
    for doc_id, rs in by_doc.items():
        rs.sort(key=lambda r: str(r.get("updated_at") or ""))
        row: dict[str, Any] = {"doc_id": doc_id}
        for r in rs:  # later resolutions overwrite earlier ones of the same type
            for c in ("label_pii_spans", "label_pii_cleared", "label_response", "label_lang", "label_form", "label_class",
                      "label_rating", "label_flags"):
                if c in r:
                    row[c] = r[c]
        row["label_status"] = max((r["label_status"] for r in rs), key=lambda s: _STATUS_RANK[s])
        row["label_value"] = next((r["label_value"] for t in TASK_PRIORITY for r in reversed(rs)
                                   if r["task_type"] == t), None)
        row["label_annotations"] = sum(r["label_annotations"] for r in rs)
        row["label_resolved_by"] = ",".join(sorted({r["label_resolved_by"] for r in rs}))
        out.append(row)
    return out
