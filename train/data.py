"""Snapshot rows → supervised fine-tuning examples.

A row is either an instruction record (``instruction``/``input``/``output``) or a chat
(``messages``: a list of ``{role, content, ...}`` turns, as JSON text, Arrow structs or one JSON text per turn:
:func:`parse_messages`).  A row that gives no example is counted and listed with its reason
(:class:`DataReport`, :func:`skip_lines`), never dropped without a word.  Each becomes a conversation rendered
through the model's own chat template; labels are ``-100`` everywhere except on the
assistant turns (content plus the template's end-of-turn marker, so the model learns to
stop), i.e. the loss is on response tokens only.

Assistant spans are found by rendering growing prefixes of the conversation and mapping
character spans to tokens through the fast tokenizer's offsets: this works for any
template that renders a prefix as a prefix, and falls back to locating the content text.

Why this masking is curate's own and not TRL's: TRL's ``assistant_only_loss`` needs a chat template
with ``{% generation %}`` tags (``return_assistant_tokens_mask``), which the templates models ship
with (Llama, Qwen, Gemma, the tiny test model) lack; TRL swaps in a training template only for the
families it knows. Everything after tokenization is TRL's: packing (:func:`pack_examples`, TRL's
best-fit-decreasing ``pack_dataset``) and collation (:func:`sft_collator`, TRL's
``DataCollatorForLanguageModeling``; with packing it is padding-free and restarts ``position_ids`` at
every example, from which transformers builds a block-diagonal mask: no token attends across an example
boundary).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Iterable

import pyarrow as pa

from curate.errors import CurateError

IGNORE_INDEX = -100
# Used when a tokenizer ships without a chat template (base models): plain, unambiguous markers.
FALLBACK_TEMPLATE = (
    "{% for message in messages %}"
    "### {{ message['role'] | capitalize }}:\n{{ message['content'] }}{{ eos_token }}\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}### Assistant:\n{% endif %}"
)


# Why a row gave no example (the keys of ``DataReport.skipped_by_reason``), in the order they are checked.
SKIP_BAD_MESSAGES = "bad_messages"            # a messages value that is not a list of turns
SKIP_NO_TARGET = "no_target"                  # neither messages nor an instruction/input with an output
SKIP_NO_ASSISTANT = "no_assistant_turn"       # a chat without an assistant turn: nothing to learn
SKIP_NO_RESPONSE_TOKENS = "no_response_tokens"  # the prompt alone filled max_seq_len
SKIP_REASONS = {
    SKIP_BAD_MESSAGES: "messages not a list of {role, content} turns",
    SKIP_NO_TARGET: "neither messages nor an instruction/input with an output",
    SKIP_NO_ASSISTANT: "chat without an assistant turn",
    SKIP_NO_RESPONSE_TOKENS: "no response token left after truncation",
}
# Skipped rows listed one by one in the report (the counts are always complete).
MAX_LISTED_SKIPS = 1000


class Unusable(ValueError):
    """A row that gives no training example; ``reason`` is one of :data:`SKIP_REASONS`, the message says why
    (structure only: never the row's text, which may be raw)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


@dataclass
class DataReport:
    rows: int = 0
    examples: int = 0
    skipped_no_fields: int = 0            # no target at all, or a chat without an assistant turn
    skipped_bad_messages: int = 0
    truncated: int = 0
    dropped_no_response_tokens: int = 0
    packed_sequences: int | None = None
    response_tokens: int = 0
    total_tokens: int = 0
    max_seq_len: int = 0
    fallback_template: bool = False
    notes: list[str] = field(default_factory=list)
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    # Each skipped row (at most MAX_LISTED_SKIPS): {"row": 0-based position, "id": its id, "reason", "detail"}.
    skipped: list[dict] = field(default_factory=list)

    def skip(self, row_index: int, row: dict, exc: Unusable) -> None:
        """Count (and list) a row that gave no example."""
        self.skipped_by_reason[exc.reason] = self.skipped_by_reason.get(exc.reason, 0) + 1
        if exc.reason == SKIP_BAD_MESSAGES:
            self.skipped_bad_messages += 1
        elif exc.reason == SKIP_NO_RESPONSE_TOKENS:
            self.dropped_no_response_tokens += 1
        else:
            self.skipped_no_fields += 1
        if len(self.skipped) < MAX_LISTED_SKIPS:
            self.skipped.append({"row": row_index, "id": row_id(row), "reason": exc.reason, "detail": str(exc)})

    @property
    def skipped_rows(self) -> int:
        return sum(self.skipped_by_reason.values())

    def to_dict(self) -> dict:
        return asdict(self)


def row_id(row: dict) -> str | None:
    """The id a row is known by: the export's ``id`` (keyed doc id) or the workspace's ``doc_id``."""
    value = row.get("id") if row.get("id") is not None else row.get("doc_id")
    return None if value is None else str(value)


def skip_lines(report: dict | DataReport, split: str, max_ids: int = 10) -> list[str]:
    """One line per skip reason: how many rows of ``split`` it dropped, and which (ids and what was wrong).

    ``report``: a :class:`DataReport` or its ``to_dict()`` (as stored with a run). Empty when nothing was skipped.
    """
    rep = report.to_dict() if isinstance(report, DataReport) else report
    by_reason = rep.get("skipped_by_reason") or {}
    rows = rep.get("rows") or 0
    lines = []
    for reason, n in by_reason.items():
        listed = [s for s in rep.get("skipped") or [] if s["reason"] == reason]
        shown = ", ".join(f"{s['id'] if s['id'] is not None else 'row ' + str(s['row'])} ({s['detail']})"
                          for s in listed[:max_ids])
        more = f", … {n - min(len(listed), max_ids)} more (data_report.json)" if n > min(len(listed), max_ids) else ""
        lines.append(f"{n} of {rows} {split} rows skipped: {SKIP_REASONS.get(reason, reason)}: {shown}{more}")
    return lines


def as_rows(rows) -> list[dict]:
    """Rows as dicts, from an Arrow table or batch, a pandas DataFrame, or any iterable of dicts
    (a ``datasets.Dataset``, a list)."""
    if isinstance(rows, (pa.Table, pa.RecordBatch)):
        return rows.to_pylist()
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # pandas: iterating it would give column names
        return rows.to_dict("records")
    return list(rows)


def _content_text(content) -> str:
    """A turn's text: a string as it is; OpenAI's list of parts as its text parts joined by a newline; none: ""."""
    if isinstance(content, list):
        return "\n".join(str(p.get("text")) for p in content if isinstance(p, dict) and p.get("text") is not None)
    return str(content or "")


def _calls_text(m: dict) -> str:
    """The tool calls of an assistant turn (OpenAI ``tool_calls``, or the older ``function_call``) as text, one
    ``<tool_call>{"name": …, "arguments": {…}}</tool_call>`` per call (the Hermes / Qwen2.5 convention): the calls are
    that turn's training target, and a template that renders only ``content`` would otherwise train the model to
    answer with an empty turn."""
    calls = [c.get("function") for c in m.get("tool_calls") or [] if isinstance(c, dict)]
    if isinstance(m.get("function_call"), dict):
        calls.append(m["function_call"])
    out = []
    for f in calls:
        if not isinstance(f, dict):
            continue
        args = f.get("arguments")
        if isinstance(args, str):
            try:
                args = json.loads(args)
            except json.JSONDecodeError:
                pass  # arguments as the model wrote them
        out.append("<tool_call>\n" + json.dumps({"name": f.get("name"), "arguments": args}, ensure_ascii=False)
                   + "\n</tool_call>")
    return "\n".join(out)


def _turn_text(m: dict) -> str:
    return "\n".join(t for t in (_content_text(m.get("content")), _calls_text(m)) if t)


def _meta_system(meta) -> str | None:
    try:
        obj = json.loads(meta) if isinstance(meta, str) else meta
    except json.JSONDecodeError:
        return None
    value = obj.get("system") if isinstance(obj, dict) else None
    return value if isinstance(value, str) and value else None


def _json_kind(value) -> str:
    return {dict: "object", list: "list", str: "string", int: "number", float: "number", bool: "boolean",
            type(None): "null"}.get(type(value), type(value).__name__)


def _parsed(value, what: str, position: bool = True):
    """``value`` with JSON text (str or bytes) parsed; other values as they are. ``what`` names it in the error
    (with the character where parsing stopped when ``position``)."""
    if isinstance(value, (bytes, bytearray)):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            at = f" at character {exc.pos}" if position else ""
            raise Unusable(SKIP_BAD_MESSAGES, f"{what} is not valid JSON ({exc.msg}{at})") from None
    return value


def _turn(value, i: int) -> dict:
    """Turn ``i`` (0-based) of a conversation as a dict: a dict as it is, a JSON object's text parsed."""
    value = _parsed(value, f"turn {i + 1}", position=False)
    if not isinstance(value, dict):
        raise Unusable(SKIP_BAD_MESSAGES, f"turn {i + 1} is a JSON {_json_kind(value)}, not an object")
    if not isinstance(value.get("role"), str) or not value["role"]:
        raise Unusable(SKIP_BAD_MESSAGES, f"turn {i + 1} has no role")
    if "content" not in value and not value.get("tool_calls") and not value.get("function_call"):
        raise Unusable(SKIP_BAD_MESSAGES, f"turn {i + 1} ({value['role']}) has neither content nor tool calls")
    return value


def parse_messages(raw) -> list[dict]:
    """A ``messages`` value as a list of turn dicts, whichever way it arrives:

    * JSON text of the list (the workspace's ``messages`` column, a JSONL field read as text), str or bytes;
    * a list of dicts (Arrow ``list<struct<role, content, ...>>``, where turns carry every key of every turn,
      null when absent; a ``datasets`` ``List(Json())`` as decoded; Python rows);
    * a list of JSON texts, one per turn (Arrow ``list<arrow.json>``, the export's Parquet/HF type when some
      turns carry keys others lack, and ``list<string>``);
    * a numpy array of any of these (pandas rows).

    Raises:
        Unusable: reason ``bad_messages``, saying which turn is wrong and how (never its text).
    """
    if hasattr(raw, "tolist") and not isinstance(raw, (str, bytes, bytearray)):
        raw = raw.tolist()
    raw = _parsed(raw, "messages")
    if not isinstance(raw, (list, tuple)):
        raise Unusable(SKIP_BAD_MESSAGES, f"messages is a JSON {_json_kind(raw)}, not a list of turns")
    return [_turn(t, i) for i, t in enumerate(raw)]


def _has_messages(raw) -> bool:
    if raw is None:
        return False
    if isinstance(raw, (str, bytes, bytearray)):
        return bool(raw.strip())
    try:
        return len(raw) > 0
    except TypeError:  # a scalar where a list belongs: parse_messages says what is wrong with it
        return True


def conversation(row: dict, system_prompt: str | None = None) -> list[dict]:
    """The conversation of one snapshot row as ``[{role, content}]`` (what the chat template renders).

    A chat's turns come from ``messages`` in any form :func:`parse_messages` reads (or from ``prompt`` followed
    by ``completion``, TRL's conversational prompt-completion format, in the same forms); an instruction record
    becomes ``[system (its own, when it has one), user: instruction\n\ninput, assistant: output]``.
    ``system_prompt`` goes first unless the conversation has a system turn.

    Raises:
        Unusable: the row gives no training example; ``reason`` says why (:data:`SKIP_REASONS`).
    """
    raw = row.get("messages")
    if not _has_messages(raw) and _has_messages(row.get("prompt")) and _has_messages(row.get("completion")):
        # TRL's conversational prompt-completion format (curate's --layout prompt-completion): one conversation
        raw = parse_messages(row["prompt"]) + parse_messages(row["completion"])
    if _has_messages(raw):
        msgs = [{"role": str(m["role"]), "content": _turn_text(m)} for m in parse_messages(raw)]
        if not any(m["role"] == "assistant" for m in msgs):
            raise Unusable(SKIP_NO_ASSISTANT, "no assistant turn")
    elif row.get("output") and (row.get("instruction") or row.get("input")):
        user = "\n\n".join(p for p in (row.get("instruction"), row.get("input")) if p)
        msgs = [{"role": "user", "content": user}, {"role": "assistant", "content": row["output"]}]
        system = row.get("system") or _meta_system(row.get("meta"))
        if system:  # an SFT record's own system prompt (kept in meta at ingest), as the export writes it
            msgs = [{"role": "system", "content": system}] + msgs
    else:
        raise Unusable(SKIP_NO_TARGET, "no messages, no instruction/input with an output")
    if system_prompt and msgs[0]["role"] != "system":
        msgs = [{"role": "system", "content": system_prompt}] + msgs
    return msgs


def row_to_messages(row: dict, system_prompt: str | None = None) -> list[dict] | None:
    """The conversation of one snapshot row (:func:`conversation`), or None when it carries no training target.

    Raises ValueError (:class:`Unusable`) for a ``messages`` value that is not a list of {role, content}.
    """
    try:
        return conversation(row, system_prompt)
    except Unusable as exc:
        if exc.reason == SKIP_BAD_MESSAGES:
            raise
        return None


def prompt_and_reference(row: dict, system_prompt: str | None = None) -> tuple[list[dict], str]:
    """For evaluation: the conversation up to the last assistant turn, and that turn's content.

    Raises:
        Unusable: as :func:`conversation` (the caller counts and reports it, as training does).
    """
    msgs = conversation(row, system_prompt)
    last = max(i for i, m in enumerate(msgs) if m["role"] == "assistant")
    return msgs[:last], msgs[last]["content"]


def ensure_chat_template(tokenizer) -> bool:
    """Give a template-less tokenizer the fallback template; True when it had to."""
    if getattr(tokenizer, "chat_template", None):
        return False
    tokenizer.chat_template = FALLBACK_TEMPLATE
    return True


def _render(tokenizer, msgs: list[dict], gen: bool) -> str:
    return tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=gen)


def assistant_spans(tokenizer, msgs: list[dict]) -> tuple[str, list[tuple[int, int]]]:
    """Rendered conversation and the character spans the loss is computed on."""
    full = _render(tokenizer, msgs, gen=False)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for i, m in enumerate(msgs):
        if m["role"] != "assistant":
            continue
        before = _render(tokenizer, msgs[:i], gen=True) if i else ""
        upto = _render(tokenizer, msgs[: i + 1], gen=False)
        if full.startswith(upto) and upto.startswith(before) and len(upto) > len(before):
            start, end = len(before), len(upto)
            # Trailing whitespace after the end-of-turn marker is formatting, not response.
            while end > start and upto[end - 1] in " \n":
                end -= 1
        else:  # template renders prefixes differently (e.g. injects a date): find the content itself
            start = full.find(m["content"], cursor)
            if start < 0:
                continue
            end = start + len(m["content"])
        spans.append((start, end))
        cursor = end
    return full, spans


def tokenize_example(tokenizer, msgs: list[dict], max_seq_len: int) -> tuple[dict, bool]:
    """input_ids/labels for one conversation; second value says whether it was truncated."""
    text, spans = assistant_spans(tokenizer, msgs)
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = enc["input_ids"]
    labels = []
    for tok_id, (s, e) in zip(ids, enc["offset_mapping"]):
        inside = any(s < b and e > a for a, b in spans) if e > s else False
        labels.append(tok_id if inside else IGNORE_INDEX)
    truncated = len(ids) > max_seq_len
    return {"input_ids": ids[:max_seq_len], "labels": labels[:max_seq_len]}, truncated


def pack_examples(examples: list[dict], max_seq_len: int) -> list[dict]:
    """Whole examples packed best-fit-decreasing into sequences of at most ``max_seq_len`` tokens (TRL's
    ``pack_dataset``, strategy ``bfd``).

    Each pack carries ``seq_lengths`` (its examples' lengths, in order): :func:`sft_collator` turns them into
    ``position_ids`` that restart at every example, so attention never crosses an example boundary.
    """
    import datasets
    from trl.data_utils import pack_dataset

    if not examples:
        return []
    datasets.disable_progress_bars()
    ds = datasets.Dataset.from_list([{"input_ids": e["input_ids"], "labels": e["labels"]} for e in examples])
    return pack_dataset(ds, max_seq_len, strategy="bfd").to_list()


def build_sft_examples(rows: pa.Table | Iterable[dict], tokenizer, max_seq_len: int = 1024, packing: bool = False,
                       system_prompt: str | None = None, max_examples: int | None = None
                       ) -> tuple[list[dict], DataReport]:
    """Tokenized SFT examples (``input_ids``, ``labels``) and a report of what was done to the data."""
    rep = DataReport(max_seq_len=max_seq_len)
    rep.fallback_template = ensure_chat_template(tokenizer)
    if rep.fallback_template:
        rep.notes.append("tokenizer has no chat template: used curate's '### Role:' template")
    examples: list[dict] = []
    for i, row in enumerate(as_rows(rows)):
        rep.rows += 1
        try:
            msgs = conversation(row, system_prompt)
        except Unusable as exc:
            rep.skip(i, row, exc)
            continue
        ex, truncated = tokenize_example(tokenizer, msgs, max_seq_len)
        rep.truncated += truncated
        n_resp = sum(1 for x in ex["labels"] if x != IGNORE_INDEX)
        if n_resp == 0:  # the prompt alone filled max_seq_len: nothing to learn from
            rep.skip(i, row, Unusable(SKIP_NO_RESPONSE_TOKENS, f"the prompt fills all {max_seq_len} tokens"))
            continue
        rep.response_tokens += n_resp
        rep.total_tokens += len(ex["input_ids"])
        examples.append(ex)
        if max_examples and len(examples) >= max_examples:
            break
    rep.examples = len(examples)
    if packing:
        examples = pack_examples(examples, max_seq_len)
        rep.packed_sequences = len(examples)
    return examples, rep


def sft_collator(pad_token_id: int, padding_free: bool = False):
    """TRL's ``DataCollatorForLanguageModeling`` for examples with ``input_ids`` and ``labels``.

    ``padding_free=False``: right-padded ``input_ids`` (pad token), ``labels`` (-100) and ``attention_mask``.
    ``padding_free=True``: the batch as one row with ``position_ids`` restarting at every example (packed
    examples via their ``seq_lengths``) and no attention mask, which transformers turns into a block-diagonal
    mask; the first token of each example gets label -100.
    """
    from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

    return DataCollatorForLanguageModeling(pad_token_id=pad_token_id, padding_free=padding_free)


def require_examples(examples: list[dict], split: str, report: DataReport) -> None:
    """Raises CurateError, naming every reason rows were skipped, when ``split`` gave no example."""
    if not examples:
        why = "; ".join(skip_lines(report, split, max_ids=3)) or "the split is empty"
        raise CurateError(f"the {split} split has no usable SFT examples ({report.rows} rows): {why}")
