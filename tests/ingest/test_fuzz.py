"""A bounded fuzz run: generated JSONL (nested, oversized, malformed, binary) never stops an ingest.

Every generated line ends in data or quarantine (counted independently of the code under test: the
generator knows how many records it wrote), and no exception escapes.
"""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.ingest.ingest import IngestOptions, ingest_file

MAX_BYTES = 3000
_names = itertools.count()

# Text with the characters that have broken ingests: NUL and other controls, zero-width and bidi
# marks, BOMs, surrogate-free astral characters, Indic letters with nukta and combining marks.
_text = st.text(alphabet=st.one_of(
    st.sampled_from(list("\x00\x01\x7f\u200b\u200c\u200d\ufeff\u202e\u0928\u093c\u0915\u0301 <>&;\"\\'")),
    st.characters(blacklist_categories=("Cs",)),
), max_size=40)


def _nested(depth: int) -> object:
    value: object = "leaf"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


_record = st.one_of(
    st.builds(lambda t: {"text": t}, _text),
    st.builds(lambda t, d: {"text": t, "meta": _nested(d)}, _text, st.integers(0, 120)),
    st.builds(lambda t: {"text": t * 200}, _text),  # often oversize
    st.builds(lambda i, o: {"instruction": i, "output": o}, _text, _text),
    st.builds(lambda c: {"messages": [{"role": "user", "content": c}]}, _text),
    st.builds(lambda v: {"text": v}, st.one_of(st.integers(), st.none(), st.lists(st.integers(), max_size=3))),
)


def _line(kind_and_value) -> bytes:
    kind, value = kind_and_value
    if kind == "json":
        return json.dumps(value, ensure_ascii=bool(len(str(value)) % 2)).encode("utf-8")
    if kind == "binary":  # arbitrary bytes, but never a line end: the generator must know the line count
        return b"#" + value.replace(b"\n", b"").replace(b"\r", b"")
    return value  # malformed JSON text


_lines = st.lists(st.one_of(
    st.tuples(st.just("json"), _record),
    st.tuples(st.just("binary"), st.binary(max_size=60)),
    st.tuples(st.just("malformed"), st.sampled_from([b"{", b'{"text": "a",}', b'{"text": "x\x00', b"[1, 2",
                                                     b'{"text": "\xff\xfe"}', b"null", b'"just a string"'])),
), min_size=1, max_size=25)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(lines=_lines, eol=st.sampled_from([b"\n", b"\r\n", b"\r"]))
def test_generated_jsonl_every_row_ends_in_data_or_quarantine(ws, tmp_path, lines, eol):
    name = f"fuzz{next(_names)}.jsonl"
    path = tmp_path / name
    path.write_bytes(eol.join(_line(x) for x in lines) + eol)
    res = ingest_file(ws, path, IngestOptions(max_record_bytes=MAX_BYTES, max_depth=64))
    assert res.rows_read == len(lines)
    assert res.rows_read == res.ingested + res.duplicates + res.quarantined
    docs = ws.con.execute("SELECT count(*) FROM lake.documents WHERE source = ?", [name]).fetchone()[0]
    quarantined = ws.con.execute("SELECT count(*), count(*) FILTER (WHERE raw LIKE '%' || chr(0) || '%') "
                                 "FROM lake.quarantine WHERE source = ?", [name]).fetchone()
    assert docs == res.ingested and quarantined[0] == res.quarantined and quarantined[1] == 0
    # Nothing the later stages cannot hold: no NUL in text, no meta deeper than the bound.
    for text, meta in ws.con.execute("SELECT text, meta FROM lake.documents WHERE source = ?", [name]).fetchall():
        assert "\x00" not in text and text.strip()
        json.loads(meta)  # would raise RecursionError near 1,000 levels
