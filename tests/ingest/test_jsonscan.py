"""The compiled record scan (the ingest fast path) against outside oracles: Python's json module,
unicodedata's NFC, and hand-written records whose numbers must survive as written."""

from __future__ import annotations

import json
import re
import unicodedata

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.ingest.ingest import IngestOptions, ingest_file
from curate.ingest.jsonscan import scan

FIELDS = ["text", "instruction", "input", "output", "messages", "id"]


def _scan(lines, fields=FIELDS, explicit=False, max_depth=64):
    taken, table = scan(pa.array([ln + "\n" for ln in lines]), None, fields, explicit, max_depth, 10**6)
    return list(taken), table.to_pylist()


def _as_written(text: str):
    """A JSON text parsed with every number kept as its text (the oracle for "numbers as written")."""
    return json.loads(text, parse_float=lambda s: ("num", s), parse_int=lambda s: ("num", s))


# Hand-written records: the numbers in meta and in messages must come back character for character.
_NUMBERS = [
    ('{"text": "a", "price": 1.10, "big": 1E5, "neg": -0.0, "n": 12345678901234567891, "pin": "0042"}',
     '{"price":1.10,"big":1E5,"neg":-0.0,"n":12345678901234567891,"pin":"0042"}'),
    ('{"text": "b", "m": {"v": [1, 2.50, "3.10", 9007199254740993, 1e-7]}}',
     '{"m":{"v":[1,2.50,"3.10",9007199254740993,1e-7]}}'),
    ('{ "text" : "c" , "x" : [ 1.0 , { "y" : 2E+10 } ] }', '{"x":[1.0,{"y":2E+10}]}'),
]


def test_numbers_in_meta_and_messages_are_stored_as_written(ws, tmp_path):
    chat = ('{"messages": [{"role": "user", "content": "score?", "score": 0.90}, '
            '{"role": "assistant", "content": "1.10", "w": [1E5, -0.0, 18446744073709551617]}], "t": 2.000}')
    path = tmp_path / "numbers.jsonl"
    path.write_text("\n".join([line for line, _ in _NUMBERS] + [chat]) + "\n", encoding="utf-8")
    res = ingest_file(ws, path, IngestOptions())
    assert (res.ingested, res.quarantined) == (4, 0)
    rows = ws.con.execute("SELECT source_row, meta, messages FROM lake.documents ORDER BY source_row").fetchall()
    for (row, meta, _), (_, want) in zip(rows, _NUMBERS):
        assert meta == want, row
    assert rows[3][1] == '{"t":2.000}'
    assert rows[3][2] == ('[{"role":"user","content":"score?","score":0.90},'
                          '{"role":"assistant","content":"1.10","w":[1E5,-0.0,18446744073709551617]}]')


def test_nested_values_keep_their_types_and_strings_their_value():
    line = ('{"text": "t", "s": "caf\\u00e9 \\/ \\"q\\" \\\\ \\u0001\\t", "b": [true, false, null], '
            '"o": {"k": "0042"}, "e": {}, "a": []}')
    taken, rows = _scan([line])
    assert taken == [True]
    meta = rows[0]["kmeta"]
    # Strings are written as DuckDB writes them (printable escapes decoded), types never change.
    assert json.loads(meta) == {"s": 'café / "q" \\ \x01\t', "b": [True, False, None], "o": {"k": "0042"},
                                "e": {}, "a": []}
    assert meta == '{"s":"café / \\"q\\" \\\\ \\u0001\\t","b":[true,false,null],"o":{"k":"0042"},"e":{},"a":[]}'


@pytest.mark.parametrize("line", [
    '{"text": "trailing",}', '{"text": "n", "v": NaN}', '{"text": "n", "v": Infinity}', '{"text": "z", "v": 0042}',
    '{"text": "z", "v": 1.}', '{"text": "z", "v": .5}', '{"text": "z", "v": +1}', '{"text": "lone \\ud800"}',
    '{"text": "nul \\u0000"}', '{"text": "raw \x01 control"}', '{"text": "a", "text": "b"}', '{"te\\u0078t": "q"}',
    '{"a": 1, "a": 2, "text": "x"}', '["text"]', '"text"', '', '   ', '{"text": "x"} {}', '{"text": "x"',
    '{"text": \'x\'}', '{text: "x"}', '{"text": "x" "y": 1}', '{"text": tru}', '{"text": "bad \\x escape"}',
])
def test_anything_not_plainly_standard_json_is_left_to_the_per_record_path(line):
    taken, rows = _scan([line])
    assert taken == [False] and rows == []


def test_nesting_beyond_the_limit_is_left_to_the_per_record_path():
    ok = '{"text": "x", "v": ' + "[" * 63 + "]" * 63 + "}"  # 64 levels with the record itself
    deep = '{"text": "x", "v": ' + "[" * 64 + "]" * 64 + "}"
    assert _scan([ok, deep])[0] == [True, False]


def test_shapes_and_types_follow_the_prepare_sql():
    taken, rows = _scan(['{"text": null, "instruction": "i", "output": "o"}',
                         '{"instruction": "i", "input": null, "output": "o", "k": 1}',
                         '{"messages": [{"role": "user", "content": "hi"}], "k": 2}',
                         '{"text": 5, "id": 7}', '{"other": 1}', '{"conversations": [], "prompt": "p"}'])
    # A record in none of the scan's shapes may be ShareGPT or prompt/completion (issue 13): left to the SQL.
    assert taken == [True] * 4 + [False] * 2
    assert (rows[0]["t_text"], rows[0]["t_instr"], rows[0]["kmeta"]) == (5, 0, None)  # null text: no shape
    assert (rows[1]["instr_v"], rows[1]["in_v"], rows[1]["t_in"], rows[1]["kmeta"]) == ("i", None, 5, '{"k":1}')
    assert rows[2]["mv"] == '[{"role":"user","content":"hi"}]' and rows[2]["kmeta"] == '{"k":2}'
    assert (rows[3]["t_text"], rows[3]["text_v"], rows[3]["rec_id"], rows[3]["kmeta"]) == (2, None, "7", '{"id":7}')
    # A named text field: instruction/output are ordinary members then.
    _, rows = _scan(['{"body": "b", "instruction": "i"}'], ["body", None, None, None, None, None], explicit=True)
    assert (rows[0]["text_v"], rows[0]["instr_v"], rows[0]["kmeta"]) == ("b", None, '{"instruction":"i"}')


_scalar = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
_value = st.recursive(_scalar, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                      max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=40).filter(lambda s: "\x00" not in s),
       rest=st.dictionaries(st.text(max_size=8).filter(lambda k: k != "text"), _value, max_size=5),
       ascii_only=st.booleans(), spaced=st.booleans())
def test_scan_agrees_with_pythons_json_module(text, rest, ascii_only, spaced):
    """Records as json.dumps writes them: the text comes back unescaped and meta holds the same
    members with the same values, every number spelled as in the record."""
    record = {"text": text, **rest}
    sep = (", ", ": ") if spaced else (",", ":")
    line = json.dumps(record, ensure_ascii=ascii_only, separators=sep)
    taken, rows = _scan([line], explicit=True, fields=["text", None, None, None, None, None])
    escaped_key = any(json.dumps(k, ensure_ascii=ascii_only)[1:-1] != k for k in record)
    if re.search(r"(?<!\\)(?:\\\\)*\\u0000", line) or escaped_key:  # left to the per-record path, by design
        assert taken == [False]
        return
    assert taken == [True]
    assert rows[0]["text_v"] == text
    want = {k: v for k, v in _as_written(line).items() if k != "text"}
    assert _as_written(rows[0]["kmeta"]) == want


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeक़कनािোো\u0301\u0327\u093c\u094d\u1100\u1161\u11a8\uac00"
                                               "\u0958\u2126e\u0300 ")), max_size=12))
def test_nfc_flag_is_set_whenever_nfc_would_change_the_text(s):
    """The flag may be set needlessly (the slow path then finds nothing to do), never missed."""
    taken, rows = _scan([json.dumps({"text": s})])
    if unicodedata.normalize("NFC", s) != s:
        assert rows[0]["nfc"]
