"""PII in every field of a record: main text, SFT fields, each chat message, metadata values.

:func:`process_rows` takes plain dict rows and returns, per row, the anonymized fields, the
entity list (offsets into each field's original string, never the values), the count and
the coverage flag. Detection is batched over all strings of all rows so that spaCy (when
used) sees one batch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from curate.pii.engine import Detector, Span
from curate.pii.operators import Anonymizer
from curate.pii.policy import PiiPolicy
from curate.pii.scripts import COVERED_SCRIPTS, LANG_SCRIPT, uncovered_scripts


@dataclass
class RowResult:
    fields: dict[str, str | None] = field(default_factory=dict)
    entities: list[dict] = field(default_factory=list)
    covered: bool = True
    uncovered: set[str] = field(default_factory=set)


def _meta_key(key: str) -> str:
    return re.sub(r"[\s_\-.]", "", key.lower())


@dataclass
class _Slot:
    """One string to scan: where it lives (row, field path) and how to put it back."""
    row: int
    path: str
    text: str
    whole: str | None = None  # entity type when the whole value is PII (metadata key says so)


_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*>")


def _collect_json(row: int, path: str, value: Any, meta_keys: dict[str, str], slots: list[_Slot], key: str | None):
    if isinstance(value, dict):
        for k, v in value.items():
            _collect_json(row, f"{path}.{k}", v, meta_keys, slots, k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _collect_json(row, f"{path}[{i}]", v, meta_keys, slots, key)
    elif isinstance(value, (str, int)) and not isinstance(value, bool):
        whole = meta_keys.get(_meta_key(key)) if key is not None else None
        text = str(value)
        if whole is not None and _PLACEHOLDER.fullmatch(text.strip()):
            whole = None  # already anonymized (<IN_PHONE>): scanning an anonymized record finds nothing new
        if text.strip():
            slots.append(_Slot(row, path, text, whole))


def _put(obj: Any, path: str, new: str) -> Any:
    """Set ``obj`` at a path like ``.a.b[2].content`` (relative to the field root)."""
    parts = re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", path)
    cur = obj
    for i, (k, idx) in enumerate(parts):
        last = i == len(parts) - 1
        key: Any = int(idx) if idx else k
        if last:
            cur[key] = new
        else:
            cur = cur[key]
    return obj


def process_rows(rows: Sequence[dict[str, Any]], fields: Sequence[str], detector: Detector, anonymizer: Anonymizer,
                 policy: PiiPolicy, covered_scripts: Sequence[str] = COVERED_SCRIPTS,
                 json_fields: Sequence[str] = ("messages", "meta")) -> list[RowResult]:
    results = [RowResult() for _ in rows]
    slots: list[_Slot] = []
    parsed: dict[tuple[int, str], Any] = {}
    for r, row in enumerate(rows):
        lang = row.get("lang")
        script = row.get("script")
        want = LANG_SCRIPT.get(str(lang).split("-")[0].lower()) if lang else None
        for declared in (script, want):
            if declared and declared not in covered_scripts and declared not in ("Zyyy", "Zxxx", "Latn"):
                results[r].covered = False
                results[r].uncovered.add(declared)
        for f in fields:
            value = row.get(f)
            if value is None or value == "":
                results[r].fields[f] = value
                continue
            if f in json_fields and isinstance(value, str):
                try:
                    obj = json.loads(value)
                except json.JSONDecodeError:
                    obj = None
                if isinstance(obj, (dict, list)):
                    parsed[(r, f)] = obj
                    _collect_json(r, f, obj, policy.meta_keys if f == "meta" else {}, slots, None)
                    continue
            slots.append(_Slot(r, f, str(value)))
    langs = [rows[s.row].get("lang") for s in slots]
    scan = [s for s in slots if s.whole is None]
    found = detector.detect_many([s.text for s in scan], [rows[s.row].get("lang") for s in scan]) if scan else []
    spans_of = {id(s): sp for s, sp in zip(scan, found)}
    del langs
    new_text: dict[tuple[int, str], str] = {}
    for s in slots:
        res = results[s.row]
        bad = uncovered_scripts(s.text, covered_scripts)
        if bad:
            res.covered = False
            res.uncovered.update(bad)
        if s.whole is not None and s.whole in detector.entities:
            spans = [Span(0, len(s.text), s.whole, 1.0, "MetadataKey")]
        else:
            spans = spans_of.get(id(s), [])
        for sp in spans:
            res.entities.append({"field": s.path, **sp.to_dict()})
        new_text[(s.row, s.path)] = anonymizer.apply(s.text, spans) if spans else s.text
    for r, row in enumerate(rows):
        for f in fields:
            if f in results[r].fields:
                continue
            if (r, f) in parsed:
                obj = parsed[(r, f)]
                for (rr, path), txt in new_text.items():
                    if rr == r and (path == f or path.startswith(f + ".") or path.startswith(f + "[")):
                        orig = _get(obj, path[len(f):])
                        if isinstance(orig, str) and orig != txt or not isinstance(orig, str) and str(orig) != txt:
                            _put(obj, path[len(f):], txt)
                results[r].fields[f] = json.dumps(obj, ensure_ascii=False)
            else:
                results[r].fields[f] = new_text.get((r, f), row.get(f))
    return results


def _get(obj: Any, path: str) -> Any:
    parts = re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", path)
    cur = obj
    for k, idx in parts:
        cur = cur[int(idx)] if idx else cur[k]
    return cur
