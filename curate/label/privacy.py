"""PII in what annotators give back: cleared false alarms (remembered with their text) and edited responses
(scanned by the workspace's PII stage before any anonymized snapshot uses them)."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa


def _texts(ws, doc_ids: list[str]) -> dict[str, str]:
    if not doc_ids:
        return {}
    rel = ws.view(["doc_id", "text"]).fetch_arrow_table()
    want = set(doc_ids)
    return {d: t for d, t in zip(rel.column("doc_id").to_pylist(), rel.column("text").to_pylist()) if d in want}


def cleared_with_text(docs: list[dict], texts: dict[str, str]) -> None:
    """Turn each ``label_pii_cleared`` (offsets into the document text) into [{type, text}] in place.

    The text of a span annotators removed is, by their judgement, not personal data; keeping it (not offsets)
    lets the audit recognise the same value in a snapshot whose text was rewritten since."""
    for d in docs:
        raw = d.get("label_pii_cleared")
        if not raw:
            continue
        text = texts.get(d["doc_id"]) or ""
        items = [{"type": s["type"], "text": text[int(s["start"]):int(s["end"])]} for s in json.loads(raw)
                 if 0 <= int(s["start"]) < int(s["end"]) <= len(text)]
        d["label_pii_cleared"] = json.dumps(items, ensure_ascii=False) if items else None


def pii_config(ws) -> dict[str, Any]:
    """Parameters of the workspace's last ``pii`` stage run (empty: the stage defaults)."""
    return ws.signal_config("pii") or {}


def scan_responses(ws, docs: list[dict]) -> None:
    """Fill ``label_response_pii`` and ``label_response_covered`` for every edited response, in place."""
    todo = [d for d in docs if d.get("label_response") is not None]
    if not todo:
        return
    from curate.filemode import apply_stage
    from curate.stage import SecretSources, get_stage, stage_context

    stage = get_stage("pii")
    params = {**pii_config(ws), "text_field": "text"}
    cfg = stage.make_config(params)
    table = pa.table({"text": pa.array([d["label_response"] for d in todo], pa.string())})
    # The same key the runner gives the PII stage (resolved here, from the workspace's secrets folder), so a
    # name in an edited response gets the pseudonym it has everywhere else in the workspace.
    ctx = stage_context(stage, cfg, SecretSources(folder=ws.secrets_dir))
    out = apply_stage(stage, table, cfg, ctx=ctx)
    for d, anon, covered in zip(todo, out.column("pii_text").to_pylist(), out.column("pii_covered").to_pylist()):
        d["label_response_pii"] = anon
        d["label_response_covered"] = bool(covered)


def finish(ws, docs: list[dict]) -> None:
    """Everything PII-related a labels signal row needs before it is written."""
    cleared_with_text(docs, _texts(ws, [d["doc_id"] for d in docs if d.get("label_pii_cleared")]))
    scan_responses(ws, docs)
