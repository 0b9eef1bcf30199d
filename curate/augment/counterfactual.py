"""Counterfactual augmentation: copies of rows with identity terms swapped (he↔she, लड़का↔लड़की, bhai↔behen,
Rahul↔Priya), so a model sees each statement about both groups. Word pairs live in ``swaps/<axis>.tsv``.

Hindi verbs agree with the subject's gender, so a small set of agreement forms (था↔थी, gaya↔gayi) is swapped
as well — but only in texts where a gendered noun or name was swapped, to leave unrelated sentences alone.
This is lexical, not syntactic: it cannot tell whose verb a form agrees with, which the report of the new
snapshot's recipe says.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from curate.errors import CurateError
from curate.text.scripts import block_range

SWAP_DIR = Path(__file__).with_name("swaps")
TEXT_COLUMNS = ("text", "instruction", "input", "output", "messages")
# Word characters for boundaries: ASCII word chars plus the Devanagari block (vowel signs are not \w in `re`).
_WORD = rf"[\w{block_range('Deva')}]"


def _match_case(src: str, dst: str) -> str:
    if src.isupper() and len(src) > 1:
        return dst.upper()
    if src[:1].isupper():
        return dst[:1].upper() + dst[1:]
    return dst


@dataclass
class Swapper:
    """Replace whole words by their counterpart; ``agreement`` forms only when a main swap happened."""

    axis: str
    mapping: dict[str, str]
    agreement: dict[str, str]

    def __post_init__(self) -> None:
        self._main = self._compile(self.mapping)
        self._agree = self._compile(self.agreement) if self.agreement else None

    @staticmethod
    def _compile(mapping: dict[str, str]) -> re.Pattern[str]:
        words = sorted(mapping, key=len, reverse=True)  # longest first so 'लड़कियों' beats 'लड़की'
        return re.compile(rf"(?<!{_WORD})(?:{'|'.join(map(re.escape, words))})(?!{_WORD})", re.IGNORECASE)

    def swap(self, text: str | None) -> tuple[str | None, int]:
        """Return the swapped text and the number of main-lexicon swaps."""
        if not text:
            return text, 0
        count = 0

        def repl(m: re.Match[str]) -> str:
            nonlocal count
            count += 1
            w = m.group(0)
            return _match_case(w, self.mapping[w.lower()])

        out = self._main.sub(repl, text)
        if count and self._agree is not None:
            out = self._agree.sub(lambda m: _match_case(m.group(0), self.agreement[m.group(0).lower()]), out)
        return out, count


@lru_cache(maxsize=4)
def load_swapper(axis: str = "gender") -> Swapper:
    path = SWAP_DIR / f"{axis}.tsv"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in SWAP_DIR.glob("*.tsv")))
        raise CurateError(f"no counterfactual word pairs for axis '{axis}' (available: {known})")
    both: dict[str, str] = {}
    agree: dict[str, str] = {}
    directed: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            a, b = row["a"].strip().lower(), row["b"].strip().lower()
            target = agree if row["lang"].endswith("_agreement") else both
            if row["direction"] == "a>b":
                directed[a] = b
                continue
            target.setdefault(a, b)
            target.setdefault(b, a)  # first pair wins for words that are the target of several (aurat)
    both.update(directed)  # explicit one-way rows settle ambiguous words (her -> his)
    return Swapper(axis=axis, mapping=both, agreement=agree)


def _cf_id(doc_id: str, axis: str) -> str:
    return hashlib.sha1(f"{doc_id}\x00counterfactual:{axis}".encode()).hexdigest()[:16] + f"-cf-{axis}"


def counterfactual_table(table: pa.Table, axis: str = "gender", include_originals: bool = True) -> tuple[pa.Table, dict[str, Any]]:
    """Swapped copies of every row that changed (plus the originals unless ``include_originals`` is false).

    Copies get a new stable ``doc_id`` and record their origin in ``meta`` (``counterfactual_of``,
    ``counterfactual_axis``); other columns (signals) are copied as they are.
    """
    sw = load_swapper(axis)
    cols = [c for c in TEXT_COLUMNS if c in table.column_names]
    if "text" not in cols or "doc_id" not in table.column_names:
        raise CurateError("counterfactual augmentation needs doc_id and text columns")
    data = {c: table.column(c).to_pylist() for c in cols}
    ids = table.column("doc_id").to_pylist()
    metas = table.column("meta").to_pylist() if "meta" in table.column_names else [None] * table.num_rows
    keep, new_cols, new_ids, new_meta = [], {c: [] for c in cols}, [], []
    swaps = 0
    for i in range(table.num_rows):
        changed = {}
        n = 0
        for c in cols:
            v = data[c][i]
            if c == "messages" and v:
                # JSON text: swap inside the message contents only, never keys or roles.
                try:
                    msgs = json.loads(v)
                    total = 0
                    for m in msgs if isinstance(msgs, list) else []:
                        if isinstance(m, dict) and isinstance(m.get("content"), str):
                            m["content"], k = sw.swap(m["content"])
                            total += k
                    changed[c], k = (json.dumps(msgs, ensure_ascii=False), total)
                except json.JSONDecodeError:
                    changed[c], k = sw.swap(v)
            else:
                changed[c], k = sw.swap(v)
            n += k
        if not n:
            continue
        swaps += n
        keep.append(i)
        for c in cols:
            new_cols[c].append(changed[c])
        new_ids.append(_cf_id(str(ids[i]), axis))
        try:
            meta = json.loads(metas[i]) if metas[i] else {}
        except json.JSONDecodeError:
            meta = {"meta_raw": metas[i]}
        if not isinstance(meta, dict):
            meta = {"meta_raw": meta}
        meta.update({"counterfactual_of": ids[i], "counterfactual_axis": axis})
        new_meta.append(json.dumps(meta, ensure_ascii=False, sort_keys=True))
    copies = table.take(pa.array(keep, pa.int64()))
    for c in cols:
        copies = copies.set_column(copies.column_names.index(c), c, pa.array(new_cols[c], table.schema.field(c).type))
    copies = copies.set_column(copies.column_names.index("doc_id"), "doc_id", pa.array(new_ids, table.schema.field("doc_id").type))
    if "meta" in table.column_names:
        copies = copies.set_column(copies.column_names.index("meta"), "meta", pa.array(new_meta, table.schema.field("meta").type))
    if "content_hash" in table.column_names:
        hashes = [hashlib.sha256((t or "").encode()).hexdigest() for t in copies.column("text").to_pylist()]
        copies = copies.set_column(copies.column_names.index("content_hash"), "content_hash",
                                   pa.array(hashes, table.schema.field("content_hash").type))
    out = pa.concat_tables([table, copies]) if include_originals else copies
    stats = {"axis": axis, "input_rows": table.num_rows, "swapped_rows": len(keep), "swaps": swaps,
             "output_rows": out.num_rows, "include_originals": include_originals}
    return out, stats


def counterfactual_snapshot(ws: Any, ref: str, axis: str = "gender", name: str | None = None,
                            include_originals: bool = True) -> dict[str, Any]:
    """Create snapshot ``name`` (default ``<source>_cf_<axis>``) from ``ref`` plus its swapped copies."""
    if not hasattr(ws, "create_snapshot_from_table"):
        raise CurateError("this workspace cannot create snapshots from tables (needs Workspace.create_snapshot_from_table)")
    snap = ws.snapshot(ref)
    table, stats = counterfactual_table(snap.table(), axis, include_originals)
    if not stats["swapped_rows"]:
        raise CurateError(f"no row of {snap.ref} contains a {axis} term to swap; nothing to augment")
    new_name = name or f"{snap.manifest.name}_cf_{axis}"
    recipe = {"augment": "counterfactual", "axis": axis, "source": snap.ref, "include_originals": include_originals,
              "swap_pairs": f"curate/augment/swaps/{axis}.tsv", "limits": "lexical swaps; Hindi agreement forms swapped heuristically"}
    manifest = ws.create_snapshot_from_table(new_name, table, parent_ref=snap.ref, recipe=recipe)
    ws.record_lineage("augment", manifest.ref, snap.ref, stats)
    return {**stats, "snapshot": manifest.ref, "parent": snap.ref}
