"""One annotation's Label Studio ``result`` -> a normalised outcome curate can compare and apply.

``label_value`` is the thing agreement is measured on and majorities are taken over:

* pii: JSON of sorted ``[start, end, TYPE]`` spans in Python (code-point) offsets
* lang: ``"<lang>:<form>"``, e.g. ``"hi:romanized"``
* sft: the star rating as a string (the edited response is kept apart in ``response``)
* classify: the chosen label
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curate.label.offsets import OffsetMap
from curate.label.tasks import spans_value


@dataclass
class Outcome:
    label_value: str | None = None
    rejected: bool = False
    spans: list[tuple[int, int, str]] | None = None
    response: str | None = None
    lang: str | None = None
    form: str | None = None
    label: str | None = None
    rating: int | None = None
    flags: list[str] = field(default_factory=list)


def _choices(item: dict) -> list[str]:
    return list((item.get("value") or {}).get("choices") or [])


def normalize(task: str, result: list[dict] | None, data: dict) -> Outcome:
    out = Outcome()
    spans: list[tuple[int, int, str]] = []
    om = OffsetMap(str(data.get("text") or "")) if task == "pii" else None
    for item in result or []:
        name, typ, value = item.get("from_name"), item.get("type"), item.get("value") or {}
        if name == "decision" and "reject" in _choices(item):
            out.rejected = True
        elif task == "pii" and typ == "labels" and om is not None:
            labels = value.get("labels") or []
            if labels and "start" in value and "end" in value:
                spans.append((om.to_py(int(value["start"])), om.to_py(int(value["end"])), str(labels[0])))
        elif task == "lang" and name == "lang" and _choices(item):
            out.lang = _choices(item)[0]
        elif task == "lang" and name == "form" and _choices(item):
            out.form = _choices(item)[0]
        elif task == "sft" and typ == "textarea":
            texts = value.get("text") or []
            out.response = "\n".join(str(t) for t in texts) if isinstance(texts, list) else str(texts)
        elif task == "sft" and typ == "rating":
            out.rating = int(value.get("rating")) if value.get("rating") is not None else None
        elif task == "sft" and name == "flags":
            out.flags = sorted(_choices(item))
        elif task == "classify" and name == "label" and _choices(item):
            out.label = _choices(item)[0]
    if task == "pii":
        out.spans = sorted(set(spans))
        out.label_value = spans_value(out.spans)
    elif task == "lang" and out.lang:
        out.label_value = f"{out.lang}:{out.form or 'native'}"
    elif task == "sft" and out.rating is not None:
        out.label_value = str(out.rating)
    elif task == "classify":
        out.label_value = out.label
    return out


def status_of(task: str, out: Outcome, predicted_value: str | None, original_output: str | None) -> str:
    """accepted (prediction confirmed or first label), corrected (changed), rejected (drop the item)."""
    if out.rejected:
        return "rejected"
    if task == "sft":
        if out.response is not None and out.response.strip() != (original_output or "").strip():
            return "corrected"
        return "accepted"
    if predicted_value is not None and out.label_value is not None and out.label_value != predicted_value:
        return "corrected"
    return "accepted"
