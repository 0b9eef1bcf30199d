"""What language ID reads from each row: the part of the row's *shape* that carries its language.

A row's joined text is a poor witness for SFT pairs and chats: their instruction or system prompt is
usually one English template shared by every row ("Classify the intent of this banking support
message …"), so an English template of 25 words beside a 25-word Tamil input would outvote it. The
language that tells one row from another is in what differs (the same argument as dedup's shape-aware
matching, :mod:`curate.dedup.views`):

* chat (a non-empty ``messages``: JSON text or a list of ``{role, content}``): the customer's turns
  (``primary_role``, default user) when they hold at least ``PRIMARY_MIN_LETTERS`` letters - a canned
  English agent reply ("Thank you for contacting …, your ticket number is …") must not decide the row
  of a customer who wrote Hinglish or Tamil; otherwise ("ok", "hi", a bare number) the turns of every
  role in ``chat_roles`` (default user and assistant); never the system prompt;
* SFT pair (``instruction`` / ``input`` / ``output``, any non-empty): ``input`` + ``output`` when
  the row has an input (the instruction is then a template applied to it); without an input the
  instruction *is* the request, so ``instruction`` + ``output``;
* anything else: ``text_field``.

Parts are joined with a line break, which always ends a clause for the detector. Fields are read
as stored (the detector NFC-normalises, drops zero-width characters, links and handles itself).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyarrow as pa

SFT_FIELDS = ("instruction", "input", "output")
CHAT_FIELD = "messages"
# Letters the customer's turns need to speak for the row alone: about two short words in any script
# ("ok thanks" has 8 and falls back to the whole conversation; "mera card block hai" has 16).
PRIMARY_MIN_LETTERS = 12


@dataclass(frozen=True)
class RowText:
    """The text to identify, the fields it came from (``lang_fields``: ``input+output``,
    ``messages:user`` / ``messages:user+assistant``, or the text field's name) and the row's ``text_field`` value."""

    text: str | None
    fields: str
    whole: str | None = None


def _column(batch: pa.Table, name: str, n: int) -> list:
    return batch.column(name).to_pylist() if name in batch.column_names else [None] * n


def _str(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _turns(messages) -> list[dict] | None:
    """The turns of a chat cell (JSON text, or a list of dicts as Arrow hands a list<struct>), or None."""
    if isinstance(messages, str):
        if not messages.strip():
            return None
        try:
            messages = json.loads(messages)
        except ValueError:
            return None  # not a chat: the row is read from its text field
    if not isinstance(messages, list) or not messages:
        return None
    return [m for m in messages if isinstance(m, dict)]


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def row_texts(batch: pa.Table, text_field: str, fields: str = "auto",
              chat_roles: tuple[str, ...] = ("user", "assistant"),
              primary_role: str | None = "user") -> list[RowText]:
    """One :class:`RowText` per row of ``batch``, in order.

    ``fields="text"`` reads ``text_field`` only; ``"auto"`` reads chats and SFT pairs by their shape
    (module docstring). A missing ``text_field`` column reads as null text (rows then depend on
    their shape columns).
    """
    n = batch.num_rows
    texts = [t if isinstance(t, str) or t is None else str(t) for t in _column(batch, text_field, n)]
    if fields != "auto":
        return [RowText(t, text_field, t) for t in texts]
    msgs = _column(batch, CHAT_FIELD, n) if text_field != CHAT_FIELD else [None] * n
    sft = {f: (_column(batch, f, n) if f != text_field else [None] * n) for f in SFT_FIELDS}
    roles = set(chat_roles)
    out: list[RowText] = []
    for i, text in enumerate(texts):
        turns = _turns(msgs[i])
        if turns is not None:
            if primary_role is not None:
                own = [p for p in (_str(m.get("content")) for m in turns if m.get("role") == primary_role) if p]
                if _letters(" ".join(own)) >= PRIMARY_MIN_LETTERS:
                    out.append(RowText("\n".join(own), f"{CHAT_FIELD}:{primary_role}", text))
                    continue
            parts = [_str(m.get("content")) for m in turns if m.get("role") in roles]
            used = [r for r in chat_roles if any(m.get("role") == r for m in turns)]
            out.append(RowText("\n".join(p for p in parts if p), f"{CHAT_FIELD}:{'+'.join(used)}", text))
            continue
        instruction, inp, output = (_str(sft[f][i]) for f in SFT_FIELDS)
        if instruction or inp or output:
            names = ("input", "output") if inp else ("instruction", "output")
            vals = dict(instruction=instruction, input=inp, output=output)
            used = [f for f in names if vals[f]]
            out.append(RowText("\n".join(vals[f] for f in used), "+".join(used), text))
            continue
        out.append(RowText(text, text_field, text))
    return out
