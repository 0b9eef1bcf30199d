"""Snapshot rows -> Label Studio tasks with predictions (one builder per task type).

Each builder returns a :class:`BuiltTask`: the JSON Label Studio imports, the *normalised*
predicted value (the same normal form :mod:`curate.label.outcomes` gives annotations, so
pull can tell "accepted as predicted" from "corrected"), and the prediction's confidence
(used by uncertainty sampling and by Label Studio's own "prediction score" ordering).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from curate.label.offsets import OffsetMap

MODEL_VERSION = "curate"


@dataclass
class BuiltTask:
    doc_id: str
    payload: dict
    predicted_value: str | None
    score: float | None


def _str(v: Any) -> str:
    return "" if v is None else str(v)


# -- PII ------------------------------------------------------------------------------------
def parse_entities(value: Any, text: str | None = None) -> list[dict]:
    """Spans from a ``pii_entities`` value (JSON string or list) that refer to the main ``text``.

    Accepts the PII stage's dicts with ``start``/``end`` and ``type`` (or ``entity_type``/``label``),
    optional ``score`` and ``field``; spans of other fields (instruction, a metadata column …)
    have offsets into those fields and are not shown on the text.
    """
    if value is None:
        return []
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    out = []
    for e in value or []:
        if not isinstance(e, dict):
            continue
        field = e.get("field")
        if field not in (None, "text"):
            continue
        etype = e.get("type") or e.get("entity_type") or e.get("label")
        try:
            start, end = int(e["start"]), int(e["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if not etype or end <= start or (text is not None and end > len(text)):
            continue
        score = e.get("score")
        out.append({"start": start, "end": end, "type": str(etype),
                    "score": float(score) if score is not None else None})
    out.sort(key=lambda s: (s["start"], s["end"], s["type"]))
    return out


def spans_value(spans: list[dict] | list[list]) -> str:
    """Normal form of a span set: JSON of sorted unique [start, end, TYPE] (code-point offsets)."""
    trip = set()
    for s in spans:
        if isinstance(s, dict):
            trip.add((int(s["start"]), int(s["end"]), str(s["type"])))
        else:
            trip.add((int(s[0]), int(s[1]), str(s[2])))
    return json.dumps(sorted(trip), ensure_ascii=False, separators=(",", ":"))


def build_pii(row: dict, snapshot: str) -> BuiltTask:
    text = _str(row.get("text"))
    spans = parse_entities(row.get("pii_entities"), text)
    om = OffsetMap(text)
    result = []
    for i, s in enumerate(spans):
        item = {"id": f"p{i}", "from_name": "label", "to_name": "text", "type": "labels", "origin": "prediction",
                "value": {"start": om.to_js(s["start"]), "end": om.to_js(s["end"]),
                          "text": text[s["start"]:s["end"]], "labels": [s["type"]]}}
        if s["score"] is not None:
            item["score"] = s["score"]
        result.append(item)
    scores = [s["score"] for s in spans if s["score"] is not None]
    # A document's confidence is its least certain span; one with no spans is taken as certain.
    score = min(scores) if scores else 1.0
    payload = {"data": {"text": text, "doc_id": row["doc_id"], "snapshot": snapshot},
               "predictions": [{"model_version": MODEL_VERSION, "score": score, "result": result}]}
    return BuiltTask(row["doc_id"], payload, spans_value(spans), score)


# -- language -------------------------------------------------------------------------------
def lang_form(romanized: Any, codemixed: Any) -> str:
    if codemixed:
        return "code-mixed"
    if romanized:
        return "romanized"
    return "native"


def build_lang(row: dict, snapshot: str) -> BuiltTask:
    text = _str(row.get("text"))
    lang = row.get("lang")
    score = row.get("lang_score")
    score = float(score) if score is not None else None
    payload: dict = {"data": {"text": text, "doc_id": row["doc_id"], "snapshot": snapshot}}
    predicted = None
    if lang:
        form = lang_form(row.get("romanized"), row.get("codemixed"))
        result = [{"from_name": "lang", "to_name": "text", "type": "choices", "value": {"choices": [str(lang)]}},
                  {"from_name": "form", "to_name": "text", "type": "choices", "value": {"choices": [form]}}]
        pred: dict = {"model_version": MODEL_VERSION, "result": result}
        if score is not None:
            pred["score"] = score
        payload["predictions"] = [pred]
        predicted = f"{lang}:{form}"
    return BuiltTask(row["doc_id"], payload, predicted, score)


# -- SFT ------------------------------------------------------------------------------------
def build_sft(row: dict, snapshot: str) -> BuiltTask:
    instruction, inp, output = _str(row.get("instruction")), _str(row.get("input")), _str(row.get("output"))
    if not (instruction or output):
        # Not an SFT pair: show the whole text as the instruction so nothing is hidden.
        instruction = _str(row.get("text"))
    # The editable box starts as the current response, so annotators correct rather than retype.
    result = [{"from_name": "response", "to_name": "output", "type": "textarea", "value": {"text": [output]}}]
    payload = {"data": {"instruction": instruction, "input": inp, "output": output, "doc_id": row["doc_id"],
                        "snapshot": snapshot},
               "predictions": [{"model_version": MODEL_VERSION, "result": result}]}
    return BuiltTask(row["doc_id"], payload, None, None)


# -- classification ----------------------------------------------------------------------------
def make_build_classify(prediction_column: str | None, score_column: str | None) -> Callable[[dict, str], BuiltTask]:
    def build_classify(row: dict, snapshot: str) -> BuiltTask:
        payload: dict = {"data": {"text": _str(row.get("text")), "doc_id": row["doc_id"], "snapshot": snapshot}}
        predicted, score = None, None
        if prediction_column and row.get(prediction_column) not in (None, ""):
            predicted = str(row[prediction_column])
            pred: dict = {"model_version": MODEL_VERSION, "result": [
                {"from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": [predicted]}}]}
            if score_column and row.get(score_column) is not None:
                score = float(row[score_column])
                pred["score"] = score
            payload["predictions"] = [pred]
        return BuiltTask(row["doc_id"], payload, predicted, score)

    return build_classify


def needed_columns(task: str, prediction_column: str | None = None, score_column: str | None = None) -> dict[str, bool]:
    """Columns a builder reads -> whether they are required (optional ones are used when present)."""
    base = {"doc_id": True}
    if task == "pii":
        return {**base, "text": True, "pii_entities": False}
    if task == "lang":
        return {**base, "text": True, "lang": False, "lang_score": False, "romanized": False, "codemixed": False}
    if task == "sft":
        return {**base, "text": False, "instruction": False, "input": False, "output": False}
    cols = {**base, "text": True}
    if prediction_column:
        cols[prediction_column] = True
    if score_column:
        cols[score_column] = True
    return cols


def builder(task: str, prediction_column: str | None = None, score_column: str | None = None):
    return {"pii": build_pii, "lang": build_lang, "sft": build_sft}.get(task) or \
        make_build_classify(prediction_column, score_column)
