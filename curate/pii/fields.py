"""PII in every field of a record: main text, SFT fields, each chat message, metadata values, any column.

:func:`process_rows` takes plain dict rows and returns, per row, the anonymized fields, the
entity list (offsets into each field's original string, never the values), the spans of what
the anonymizer *inserted* (offsets into the anonymized strings, for the audit's residual scan),
and the coverage flag with the reason when a row is held back. Detection is batched over all
strings of all rows so that spaCy (when used) sees one batch.

Field paths name where a string lives: ``text``, ``messages[0].content``, ``meta.phone``; a key
that is not a plain identifier is quoted, ``meta["Aadhaar No."]``, ``meta["cust.mobile"]``, so
any key (dots, spaces, Unicode) round-trips. The keys of a metadata object are content too (a CRM
export keyed by phone number or customer name, ``{"calls": {"9845012345": …, "Ravi Kumar": …}}``):
each is scanned like a value and, when it holds PII, renamed; the key itself is the path step
:class:`KeyOf`, written in braces (``meta.calls{"<IN_PHONE>"}``). Paths in the stage's output always
name keys as they stand *after* anonymization, so no path quotes a raw key.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from curate.pii.engine import PiiDetector, Span, scan_copy
from curate.pii.operators import Anonymizer
from curate.pii.policy import PiiPolicy, key_entity
from curate.pii.pseudonyms import normalise
from curate.pii.scripts import COVERED_SCRIPTS, LANG_SCRIPT, NEUTRAL_SCRIPTS, name_scripts
from curate.text.jsonleaves import map_leaves
from curate.text.scripts import significant_scripts

Path = tuple  # (field, key or index, ..., [KeyOf(key)])


@dataclass(frozen=True)
class KeyOf:
    """The last step of a path that names an object's key itself, not the value under it (not a ``str``: the
    path of a key must never equal the path of its value)."""
    name: str


@dataclass
class RowResult:
    """One row's outcome. ``fields`` hold values of the same kind as the input (JSON text stays text,
    parsed objects stay objects); ``inserted`` are {field, start, end, type, h} with ``h`` the first
    12 hex digits of SHA-256 of the inserted string (the audit checks it before skipping the span)."""
    fields: dict[str, Any] = field(default_factory=dict)
    entities: list[dict] = field(default_factory=list)
    inserted: list[dict] = field(default_factory=list)
    covered: bool = True
    uncovered: set[str] = field(default_factory=set)
    names_unchecked: set[str] = field(default_factory=set)  # covered scripts without a name recognizer

    @property
    def reason(self) -> str | None:
        """Why the row is held back (``script:Cyrl``, ``lang:si`` …, comma-separated), None when covered."""
        return None if self.covered else ",".join(sorted(self.uncovered)) or "uncovered"


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def path_str(path: Path) -> str:
    """``("meta", "Aadhaar No.")`` -> ``meta["Aadhaar No."]``; ``("messages", 0, "content")`` -> ``messages[0].content``;
    a column that is not an identifier is quoted too: ``("Aadhaar No.",)`` -> ``["Aadhaar No."]``."""
    head = str(path[0])
    out = head if _IDENT.fullmatch(head) else "[" + json.dumps(head, ensure_ascii=False) + "]"
    for p in path[1:]:
        if isinstance(p, KeyOf):
            out += "{" + json.dumps(p.name, ensure_ascii=False) + "}"
        elif isinstance(p, int):
            out += f"[{p}]"
        elif _IDENT.fullmatch(p):
            out += f".{p}"
        else:
            out += "[" + json.dumps(p, ensure_ascii=False) + "]"
    return out


def parse_path(text: str) -> Path:
    """Inverse of :func:`path_str`."""
    step = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\{("(?:[^"\\]|\\.)*")\}')
    m = re.match(r"[^.\[]+", text) or step.match(text)
    if not m or m.group().startswith("[") and not m.group(3):
        raise ValueError(f"bad field path {text!r}")
    parts: list[Any] = [m.group() if not m.group().startswith("[") else json.loads(m.group(3))]
    pos = m.end()
    while pos < len(text):
        s = step.match(text, pos)
        if not s:
            raise ValueError(f"bad field path {text!r}")
        parts.append(s.group(1) if s.group(1) is not None else int(s.group(2)) if s.group(2) is not None
                     else json.loads(s.group(3)) if s.group(3) is not None else KeyOf(json.loads(s.group(4))))
        pos = s.end()
    return tuple(parts)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:12]


@dataclass
class _Slot:
    """One string to scan: where it lives (row, path) and, when the key/column says so, the whole value's type."""
    row: int
    path: Path
    text: str
    whole: str | None = None


_PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*(?::[^<>]*)?>")
# A value in a column named for an identifier that cannot be one: an amount with a fraction ("1.10") or a short
# number ("00012", "7"); every identifier curate knows has 6 digits or more. Such a value is left as it is.
_NOT_AN_ID = re.compile(r"[+-]?(?:[0-9]{1,5}|[0-9]+\.[0-9]+)")
# ... but an integer a spreadsheet wrote as a float ("9845012345.0") is the identifier it was.
_SPREADSHEET_INT = re.compile(r"[+]?[0-9]{6,}\.0+")
# What may stand between detected spans when they replace a name-typed value (" / ", ", ", "; ").
_GLUE = re.compile(r"[\s,;/|:()\-]*")
_NULLISH = {"", "na", "n/a", "none", "null", "nil", "-", "--", "nan", "unknown"}


def _whole_type(key: str | None, value: str, meta_keys: Mapping[str, str]) -> str | None:
    if key is None:
        return None
    typ = key_entity(key, meta_keys)
    if typ is None or value.strip().lower() in _NULLISH or _PLACEHOLDER.fullmatch(value.strip()):
        # An anonymized value (<IN_PHONE>) or an empty marker is not PII: scanning it again finds nothing new.
        return None
    return typ


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e5:
        return str(int(value))  # a phone or account number read as a float
    return None


# Keys of a chat message (and of its tool calls and content parts) that are structure, not content: who speaks,
# the ids that tie a tool call to its result, the kind of a part. Their values are never scanned nor rewritten.
_CHAT_STRUCTURAL = frozenset({"role", "id", "tool_call_id", "type"})
_TOOL_ROLES = frozenset({"tool", "function"})


def is_chat(value: Any) -> bool:
    """A parsed chat: a list of message objects with a ``role``."""
    return isinstance(value, list) and any(isinstance(m, dict) and "role" in m for m in value)


# Keys under which objects describe functions (OpenAI ``tools``/``functions`` schemas, tool calls kept in metadata).
_TOOL_KEYS = frozenset({"tools", "functions", "tool_calls", "function", "function_call"})


def _walk(path: Path, value: Any, key: str | None, embedded: dict[Path, Any], tool: bool = False,
          own_keys: bool = True):
    """(path, scalar, key) for every scalar leaf of a parsed JSON value; ``key`` is the nearest object key.

    Inside a function's description or call (under ``tools``, ``functions``, ``tool_calls``, ``function``, or an
    object with ``"type": "function"``) ``name`` is the function's (``get_balance``) and ids tie calls together:
    structure, never scanned nor rewritten. Elsewhere every key is yielded too (path step :class:`KeyOf`,
    no key of its own): an object keyed by phone number or customer name holds PII in its keys; inside a
    function's description keys are parameter names (structure), and so are the top-level keys of a tool call's
    arguments (``own_keys=False``; the objects inside them are data, their keys are scanned)."""
    if isinstance(value, dict):
        tool = tool or value.get("type") == "function"
        for k, v in value.items():
            if tool and (k == "name" or k in _CHAT_STRUCTURAL):
                continue
            if not tool and own_keys:
                yield path + (KeyOf(str(k)),), str(k), None
            yield from _walk(path + (k,), v, str(k), embedded, tool or k in _TOOL_KEYS)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(path + (i,), v, key, embedded, tool)
    else:
        yield path, value, key


def _walk_call(path: Path, call: Any, embedded: dict[Path, Any]):
    """A tool call ({id, type, function: {name, arguments}}, or a legacy ``function_call``): only the argument
    *values* are content. Arguments given as JSON text are parsed (recorded in ``embedded`` under their path, so
    that the rewritten values go back as JSON text) and walked like a metadata object: keys never change, a
    key that names an identifier types its value."""
    if not isinstance(call, dict):
        yield from _walk(path, call, None, embedded)
        return
    for k, v in call.items():
        if k in _CHAT_STRUCTURAL or k == "name":
            continue
        if k == "function":
            yield from _walk_call(path + (k,), v, embedded)
        elif k == "arguments" and isinstance(v, str) and v.lstrip()[:1] in ("{", "["):
            try:
                obj = json.loads(v, parse_float=_RawFloat)
            except json.JSONDecodeError:
                obj = None
            if isinstance(obj, (dict, list)):
                embedded[path + (k,)] = obj
                yield from _walk(path + (k,), obj, None, embedded, own_keys=False)  # parameter names
            else:
                yield path + (k,), v, None
        else:
            yield from _walk(path + (k,), v, None, embedded)


def _walk_chat(path: Path, messages: list, embedded: dict[Path, Any]):
    """The content of a chat: each message's ``content`` (text, or the text of its parts), its tool calls'
    argument values, and any other key's values; never ``role``, ids, ``type``, tool call names, nor the
    ``name`` of a tool/function message (the function's name). Message-level keys do not type their value, except
    ``name`` on another turn: the speaker's name, replaced whole as a person."""
    for i, m in enumerate(messages):
        if not isinstance(m, dict):
            yield from _walk(path + (i,), m, None, embedded)
            continue
        tool = m.get("role") in _TOOL_ROLES
        for k, v in m.items():
            p = path + (i, k)
            if k in _CHAT_STRUCTURAL or (k == "name" and tool):
                continue
            if k == "tool_calls" and isinstance(v, list):
                for j, call in enumerate(v):
                    yield from _walk_call(p + (j,), call, embedded)
            elif k == "function_call":
                yield from _walk_call(p, v, embedded)
            elif k == "content" and isinstance(v, list):
                for j, part in enumerate(v):
                    if isinstance(part, dict):
                        for pk, pv in part.items():
                            if pk not in _CHAT_STRUCTURAL:
                                yield from _walk(p + (j, pk), pv, None, embedded)
                    else:
                        yield from _walk(p + (j,), part, None, embedded)
            elif isinstance(v, (dict, list)):
                yield from _walk(p, v, None, embedded)
            elif k == "name":
                # OpenAI's speaker name on a user/assistant turn ("Kavita_Joshi"): an identifier of a person, replaced
                # whole (scanned as text, only "Kavita" was found and "Joshi" stayed)
                yield p, v, "name"
            else:
                yield p, v, None


def leaves(path: Path, obj: Any, embedded: dict[Path, Any] | None = None):
    """(path, scalar, key) for every value of a parsed field that is content (chats: see :func:`_walk_chat`).
    ``embedded`` collects JSON text found inside (tool call arguments), parsed, by path."""
    embedded = {} if embedded is None else embedded
    return _walk_chat(path, obj, embedded) if is_chat(obj) else _walk(path, obj, None, embedded)


def _collect(row: int, path: Path, value: Any, meta_keys: Mapping[str, str], slots: list[_Slot],
             embedded: dict[Path, Any]):
    for p, leaf, key in leaves(path, value, embedded):
        text = _scalar_text(leaf)
        if text is None or not text.strip():
            continue
        # Numbers are scanned as their written digits too, whatever the key: an Aadhaar or a card stored as a
        # JSON number ({"val": 234567890124}) is still one. Counts and amounts match no recognizer and stay
        # numbers; a matched number is replaced like a string match (the value becomes the placeholder string).
        slots.append(_Slot(row, p, text, _whole_type(key, text, meta_keys)))


def _key_spans(key: str, spans: list[Span], meta_keys: Mapping[str, str]) -> list[Span]:
    """The spans of an object key that are PII. A key that names a field (``Customer Name``, ``Aadhaar No.``:
    :func:`curate.pii.policy.key_entity`) is a label, not a value. In other keys a person found by a role word
    before it ("Customer Feedback", "Agent Notes": the label pattern of a CRM header, not a sentence) counts only
    when its first word is a name of the lexicon; a key that starts with the name ("Ravi Kumar") always counts."""
    if key_entity(key, meta_keys) is not None:
        return []
    from curate.pii.lexicon import load_lexicon

    out = []
    for sp in spans:
        if sp.type == "PERSON" and key[:sp.start].strip():
            first = key[sp.start:sp.end].split()[0] if key[sp.start:sp.end].split() else ""
            if load_lexicon().kind(first) not in ("G", "S"):
                continue
        out.append(sp)
    return out


_LINE = re.compile(r"[^\n]*")


def _add_split_numbers(slots: Sequence[_Slot], spans_by_slot: list[list[Span]], parsed: Mapping[tuple[int, str], Any],
                       detector: PiiDetector) -> None:
    """Spans for numbers split across one speaker's chat turns or across the lines of one text
    (:mod:`curate.pii.splits`), added in place; a piece found that way is also masked wherever else it stands
    alone in the same row (the chat's turns flattened into ``text`` repeat the pieces)."""
    if "IN_PHONE" not in detector.entities and "IN_AADHAAR" not in detector.entities:
        return
    from curate.pii.splits import joined_numbers

    turns: dict[tuple, list[tuple[tuple[int, int], str]]] = {}
    for k, s in enumerate(slots):
        if s.whole is not None or isinstance(s.path[-1], KeyOf):
            continue
        obj = parsed.get((s.row, s.path[0]))
        if is_chat(obj) and len(s.path) == 3 and s.path[2] == "content" and isinstance(obj[s.path[1]], dict):
            turns.setdefault((s.row, s.path[0], obj[s.path[1]].get("role")), []).append(((k, 0), scan_copy(s.text)))
        elif "\n" in s.text and any(c.isdigit() for c in s.text):
            turns[(s.row, k)] = [((k, m.start()), m.group()) for m in _LINE.finditer(scan_copy(s.text))]
    pieces: dict[int, dict[str, str]] = {}
    touched: set[int] = set()
    for seq in turns.values():
        covered = {tid: [(sp.start - tid[1], sp.end - tid[1]) for sp in spans_by_slot[tid[0]]] for tid, _ in seq}
        for (k, base), a, b, typ in joined_numbers(seq, covered):
            spans_by_slot[k].append(Span(base + a, base + b, typ, 0.9, "SplitNumber", True))
            touched.add(k)
            value = scan_copy(slots[k].text)[base + a:base + b]
            if sum(c.isdigit() for c in value) >= 3:
                pieces.setdefault(slots[k].row, {})[value] = typ
    for k, s in enumerate(slots):
        found = pieces.get(s.row)
        if not found or isinstance(s.path[-1], KeyOf):
            continue
        copy_ = scan_copy(s.text)
        for value, typ in found.items():
            for m in re.finditer(r"(?<![0-9A-Za-z])" + re.escape(value) + r"(?![0-9A-Za-z])", copy_):
                if not any(m.start() < sp.end and sp.start < m.end() for sp in spans_by_slot[k]):
                    spans_by_slot[k].append(Span(m.start(), m.end(), typ, 0.9, "SplitNumber", True))
                    touched.add(k)
    for k in touched:
        spans_by_slot[k].sort(key=lambda sp: sp.start)

def _fits(detector: PiiDetector, typ: str, text: str) -> bool:
    """The value has the format of ``typ`` (its recognizer matches with a passing or no check): the key's type
    wins over another reading (``918123456789`` in a ``mobile`` column is a phone, though Verhoeff-valid)."""
    norm = scan_copy(text)
    return any(valid is not False for rec in detector.patterns if rec.supported_entities[0] == typ
               for _, _, _, valid in rec.scan(norm))


def _whole_spans(s: _Slot, found: list[Span]) -> list[Span]:
    """Spans for a value whose key/column names an identifier type (``s.whole``), fail closed.

    * detected spans that leave nothing but separators are used as they are (each typed by its format);
    * detected spans of one type that leave other text: the whole value, typed by that format;
    * nothing detected: an amount or short number (:data:`_NOT_AN_ID`) stays; anything else is replaced whole
      with the key's type (a mistyped Aadhaar in an ``Aadhaar No.`` column is still someone's Aadhaar).
    """
    stripped = s.text.strip()
    lead = len(s.text) - len(s.text.lstrip())
    if found:
        rest, pos = [], 0
        for sp in found:
            rest.append(s.text[pos:sp.start])
            pos = sp.end
        rest.append(s.text[pos:])
        if all(_GLUE.fullmatch(r) for r in rest):
            return found
        types = {sp.type for sp in found}
        typ = types.pop() if len(types) == 1 else s.whole
        return [Span(lead, lead + len(stripped), typ, 1.0, "FieldName")]
    if _NOT_AN_ID.fullmatch(stripped) and not _SPREADSHEET_INT.fullmatch(stripped):
        return []
    return [Span(lead, lead + len(stripped), s.whole, 1.0, "FieldName")]


class _RawFloat(float):
    """A JSON float that remembers how it was written, so that rewriting ``meta`` keeps ``1.10`` as ``1.10``."""
    raw: str

    def __new__(cls, text: str):
        self = super().__new__(cls, text)
        self.raw = text
        return self


def _dumps(obj: Any) -> str:
    """``json.dumps`` with every :class:`_RawFloat` written back as its original literal (the encoder would
    print ``float.__repr__``: ``1.10`` -> ``1.1``). Floats go out through unique string markers."""
    nonce = hashlib.sha256(repr(id(obj)).encode()).hexdigest()[:16]
    raws: list[str] = []

    def mark(v: Any) -> Any:
        if isinstance(v, _RawFloat):
            raws.append(v.raw)
            return f"@{nonce}:{len(raws) - 1}@"
        return v

    text = json.dumps(map_leaves(obj, mark), ensure_ascii=False)
    if not raws:
        return text
    return re.sub(rf'"@{nonce}:([0-9]+)@"', lambda m: raws[int(m.group(1))], text)


def _set(obj: Any, path: Path, new: Any) -> None:
    cur = obj
    for p in path[:-1]:
        cur = cur[p]
    cur[path[-1]] = new


def _get(obj: Any, path: Path) -> Any:
    for p in path:
        obj = obj[p]
    return obj


def _root(obj: Any, inner: dict[Path, Any], path: Path) -> tuple[Any, Path]:
    """The object a path lives in and the path inside it: the field's parsed value, or the parsed JSON text
    (tool call arguments) the path runs through."""
    at = next((p for p in inner if path[:len(p)] == p and len(path) > len(p)), None)
    return (obj, path[1:]) if at is None else (inner[at], path[len(at):])


def _rename(d: dict, old: str, new: str) -> None:
    """Rename key ``old`` of ``d`` to ``new`` in place, keeping the order of the keys."""
    items = list(d.items())
    d.clear()
    d.update((new if k == old else k, v) for k, v in items)


def _key_renames(slots: Sequence[_Slot], new_text: Mapping[tuple[int, Path], str], parsed: Mapping[tuple[int, str], Any],
                 embedded: Sequence[dict[Path, Any]]) -> dict[tuple[int, Path, str], str]:
    """(row, path of the object, old key) -> new key, for every key that held PII.

    Two keys of one object can anonymize alike (two phone numbers both become ``<IN_PHONE>``); the later one
    gets ``~2``, ``~3`` … so that no value is lost by a collision (the placeholder itself stays intact)."""
    out: dict[tuple[int, Path, str], str] = {}
    taken: dict[tuple[int, Path], set[str]] = {}
    for s in slots:
        if not isinstance(s.path[-1], KeyOf) or (s.row, s.path) not in new_text:
            continue
        parent, old, new = s.path[:-1], s.path[-1].name, new_text[(s.row, s.path)]
        if new == old:
            continue
        if (s.row, parent) not in taken:
            root, rel = _root(parsed[(s.row, parent[0])], {p: o for p, o in embedded[s.row].items()
                                                         if p[0] == parent[0]}, parent + (old,))
            taken[(s.row, parent)] = set(_get(root, rel[:-1]))
        names = taken[(s.row, parent)]
        final, n = new, 1
        while final in names:
            n += 1
            final = f"{new}~{n}"
        names.add(final)
        out[(s.row, parent, old)] = final
    return out


def _renamed_path(row: int, path: Path, renamed: Mapping[tuple[int, Path, str], str]) -> Path:
    """``path`` with every key that was renamed written as it now stands (no path quotes a raw key)."""
    if not renamed:
        return path
    out: list[Any] = [path[0]]
    for i in range(1, len(path)):
        step = path[i]
        if isinstance(step, KeyOf):
            step = KeyOf(renamed.get((row, path[:i], step.name), step.name))
        elif isinstance(step, str):
            step = renamed.get((row, path[:i], step), step)
        out.append(step)
    return tuple(out)


def _declared_uncovered(row: Mapping[str, Any], covered: Sequence[str]) -> set[str]:
    out: set[str] = set()
    lang, script = row.get("lang"), row.get("script")
    if script and script not in covered and script not in NEUTRAL_SCRIPTS:
        out.add(f"script:{script}")
    if lang:
        code = str(lang).replace("_", "-").split("-")[0].lower()
        want = LANG_SCRIPT.get(code)
        if want is not None and want not in covered:
            out.add(f"lang:{code}")
    return out


def process_rows(rows: Sequence[Mapping[str, Any]], fields: Sequence[str], detector: PiiDetector,
                 anonymizer: Anonymizer, policy: PiiPolicy, covered_scripts: Sequence[str] = COVERED_SCRIPTS,
                 json_fields: Sequence[str] = ("messages", "meta"),
                 field_types: Mapping[str, str] | None = None) -> list[RowResult]:
    """Anonymize ``fields`` of every row.

    * ``json_fields``: fields holding JSON (text) or already-parsed objects; every string and every number
      inside is scanned (a number as its digits: ints, and integral floats from 1e5 up); a number under a
      key that names an identifier (:func:`curate.pii.policy.key_entity`) is replaced whole, any other
      number only when a recognizer matches it. A replaced number becomes the placeholder/pseudonym
      *string*; numbers nothing matched stay numbers.
    * ``field_types``: field -> entity type of its whole value (file mode: a ``mobile`` or ``Aadhaar No.``
      column); such values are replaced whole, whatever their type (an int64 mobile becomes a string).
    * A row is held back (``covered=False``, :attr:`RowResult.reason`) when a field is written in a script
      outside ``covered_scripts`` or its declared ``lang``/``script`` is not covered.
    """
    field_types = field_types or {}
    results = [RowResult() for _ in rows]
    slots: list[_Slot] = []
    parsed: dict[tuple[int, str], Any] = {}
    embedded: list[dict[Path, Any]] = [{} for _ in rows]  # per row: JSON text inside a field, parsed, by path
    for r, row in enumerate(rows):
        bad = _declared_uncovered(row, covered_scripts)
        if bad:
            results[r].covered = False
            results[r].uncovered |= bad
        for f in fields:
            value = row.get(f)
            if value is None or value == "":
                results[r].fields[f] = value
                continue
            # Parsed objects are copied: the caller's rows stay as they were (anonymization never edits input).
            obj = copy.deepcopy(value) if isinstance(value, (dict, list)) else None
            if obj is None and f in json_fields and isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
                try:
                    obj = json.loads(value, parse_float=_RawFloat)
                except json.JSONDecodeError:
                    obj = None
            if isinstance(obj, (dict, list)):
                parsed[(r, f)] = obj
                _collect(r, (f,), obj, policy.meta_keys, slots, embedded[r])
                continue
            text = _scalar_text(value)
            if text is None or not text.strip():
                results[r].fields[f] = value
                continue
            whole = field_types.get(f)
            if whole is not None and (text.strip().lower() in _NULLISH or _PLACEHOLDER.fullmatch(text.strip())):
                whole = None
            slots.append(_Slot(r, (f,), text, whole))
    for s in slots:
        if s.whole is not None and s.whole not in detector.entities:
            s.whole = None  # the policy does not ask for this type: the value is scanned like any other
    # Name-typed values are scanned too: the value's own format types it (a PAN in a ``pan_aadhaar`` column is
    # IN_PAN), the column name only says that it is an identifier.
    found = detector.detect_many([s.text for s in slots], [rows[s.row].get("lang") for s in slots]) if slots else []
    spans_of = {id(s): sp for s, sp in zip(slots, found)}
    new_text: dict[tuple[int, Path], str] = {}
    named = set(name_scripts())
    spans_by_slot: list[list[Span]] = []
    for s in slots:
        res = results[s.row]
        for sc in significant_scripts(s.text):
            if sc not in covered_scripts:
                res.covered = False
                res.uncovered.add(f"script:{sc}")
            elif sc not in named and s.whole is None:
                res.names_unchecked.add(sc)
        if s.whole is not None:
            spans_by_slot.append(_whole_spans(s, [] if _fits(detector, s.whole, s.text) else spans_of.get(id(s), [])))
        elif isinstance(s.path[-1], KeyOf):
            spans_by_slot.append(_key_spans(s.text, spans_of.get(id(s), []), policy.meta_keys))
        else:
            spans_by_slot.append(spans_of.get(id(s), []))
    _add_split_numbers(slots, spans_by_slot, parsed, detector)
    # One pseudonym book per document: every field, message and metadata value of a row agrees on its names.
    names: dict[int, list[str]] = {}
    for s, spans in zip(slots, spans_by_slot):
        names.setdefault(s.row, []).extend(s.text[sp.start:sp.end] for sp in spans if sp.type == "PERSON")
    books = {r: anonymizer.person_book(v) for r, v in names.items() if v}
    applied: list[tuple[str, list] | None] = []
    for s, spans in zip(slots, spans_by_slot):
        applied.append(anonymizer.apply_with_spans(s.text, spans, books.get(s.row)) if spans else None)
        if spans:
            new_text[(s.row, s.path)] = applied[-1][0]
    renamed = _key_renames(slots, new_text, parsed, embedded)
    seen: dict[int, set[tuple[str, str]]] = {}
    for s, spans, done in zip(slots, spans_by_slot, applied):
        res = results[s.row]
        where = path_str(_renamed_path(s.row, s.path, renamed))
        for sp in spans:
            # The same value found again in the document (an SFT row's `text` repeats its `input`) is marked, so
            # that counts take each entity once per document.
            ident = (sp.type, normalise(sp.type, s.text[sp.start:sp.end]))
            again = ident in seen.setdefault(s.row, set())
            seen[s.row].add(ident)
            res.entities.append({"field": where, **sp.to_dict(), **({"repeat": True} if again else {})})
        if done is not None:
            out, inserted = done
            res.inserted.extend({"field": where, "start": a, "end": b, "type": t, "h": digest(out[a:b])}
                                for a, b, t in inserted)
    for r, row in enumerate(rows):
        for f in fields:
            if f in results[r].fields:
                continue
            if (r, f) in parsed:
                obj = parsed[(r, f)]
                inner = {p: o for p, o in embedded[r].items() if p[0] == f}
                touched: set[Path] = set()
                for (rr, path), txt in new_text.items():
                    if rr == r and path[0] == f and not isinstance(path[-1], KeyOf):
                        root, rel = _root(obj, inner, path)
                        _set(root, rel, txt)
                        if root is not obj:  # a value inside JSON text (tool call arguments): edit the parsed copy
                            touched.add(path[:len(path) - len(rel)])
                # Keys last, deepest first: the values above were set under the keys as they were written.
                for (rr, parent, old), final in sorted(renamed.items(), key=lambda kv: -len(kv[0][1])):
                    if rr == r and parent[0] == f:
                        root, rel = _root(obj, inner, parent + (old,))
                        _rename(_get(root, rel[:-1]), old, final)
                        if root is not obj:
                            touched.add(parent[:len(parent) + 1 - len(rel)])
                for at in sorted(touched, key=len, reverse=True):
                    _set(obj, at[1:], _dumps(inner[at]))
                value = row.get(f)
                results[r].fields[f] = obj if isinstance(value, (dict, list)) else _dumps(obj)
            else:
                results[r].fields[f] = new_text.get((r, (f,)), row.get(f))
    return results


def field_strings(name: str, value: Any, as_json: bool = False) -> list[tuple[str, str]]:
    """Every string inside one field value as (path, string): plain text, or the leaves of JSON text / objects.

    The inverse view of what :func:`process_rows` scans; the audit uses it to scan anonymized rows with the
    same paths as ``pii_inserted``.
    """
    if value is None:
        return []
    obj = value if isinstance(value, (dict, list)) else None
    if obj is None and as_json and isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            obj = json.loads(value)
        except json.JSONDecodeError:
            obj = None
    if not isinstance(obj, (dict, list)):
        text = _scalar_text(value)
        return [(name, text)] if text else []
    out: list[tuple[str, str]] = []
    for path, leaf, _ in leaves((name,), obj):
        t = _scalar_text(leaf)
        if t:
            out.append((path_str(path), t))
    return out
