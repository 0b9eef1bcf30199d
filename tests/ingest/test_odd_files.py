"""Odd files never stop an ingest: each becomes quarantined rows with a reason or a one-line error.

Every test checks the row accounting ``rows_read = ingested + duplicates + quarantined`` and that the
workspace still answers a query afterwards (a NUL byte used to break DuckLake's own metadata queries).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curate.errors import CurateError
from curate.ingest.ingest import IngestOptions, ingest_file, ingest_sources


def _accounted(res):
    assert res.rows_read == res.ingested + res.duplicates + res.quarantined
    return res


def _quarantine(ws):
    return dict(ws.con.execute("SELECT source_row, reason FROM lake.quarantine").fetchall())


def _texts(ws):
    return [r[0] for r in ws.con.execute("SELECT text FROM lake.documents ORDER BY source_row").fetchall()]


def test_nul_and_binary_bytes_quarantine_the_line_and_keep_the_good_rows(ws, tmp_path):
    path = tmp_path / "bin.jsonl"
    path.write_bytes(b'{"text": "good one"}\n'
                     b'{"text": "nul \x00 in a malformed line"\n'       # issue 19: NUL in a malformed line
                     b'{"text": "raw nul \x00 inside"}\n'
                     b'{"text": "escaped \\u0000 nul"}\n'
                     b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\n'             # a binary blob pasted in
                     b'{"text": "good two"}\n')
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert res.ingested == 2
    assert _texts(ws) == ["good one", "good two"]
    q = _quarantine(ws)
    assert q[2].startswith("binary data") and q[3].startswith("binary data") and q[4].startswith("binary data")
    # No NUL reached the lake: the raw sample shows it escaped, and filtered queries still work.
    raws = [r[0] for r in ws.con.execute("SELECT raw FROM lake.quarantine").fetchall()]
    assert not any("\x00" in r for r in raws) and any("\\x00" in r for r in raws)
    again = _accounted(ingest_file(ws, path, IngestOptions()))
    assert again.ingested == 0 and ws.count("quarantine") == res.quarantined


def test_cr_only_line_ends_split_records(ws, tmp_path):
    path = tmp_path / "mac.jsonl"
    path.write_bytes(b'{"text":"a"}\r{"text":"b"}\r{"text":"c"}\r\r{"text":"d"}\r\n{"text":"e"}\n{"text":"f"}')
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert (res.rows_read, res.ingested) == (6, 6)
    rows = ws.con.execute("SELECT source_row, text FROM lake.documents ORDER BY source_row").fetchall()
    assert rows == [(1, "a"), (2, "b"), (3, "c"), (5, "d"), (6, "e"), (7, "f")]  # line 4 is blank


@pytest.mark.parametrize("invisible", [
    "\u200b\u200c\u200d",        # zero-width space, non-joiner, joiner
    "\ufeff\u2060\u00ad",        # BOM, word joiner, soft hyphen
    " \u3000\u00a0\t",           # ideographic and no-break spaces
    "\u200e\u200f\u202a\u202c",  # bidi marks and embeddings
    "\u3164\u2800\ufe0f",        # Hangul filler, braille blank, variation selector
])
def test_text_made_only_of_invisible_characters_is_empty(ws, tmp_path, invisible):
    path = tmp_path / "zw.jsonl"
    path.write_text(json.dumps({"text": invisible}) + "\n" + json.dumps({"text": "\u200bvisible"}) + "\n")
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert res.ingested == 1 and _quarantine(ws) == {1: "empty text"}


def test_unterminated_csv_quote_does_not_swallow_the_rest(ws, tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('city,text\nPune,hello\nDelhi,"never closed\nGoa,third row\nAgra,fourth\n')
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert res.rows_read == 4 and res.ingested == 3 and res.quarantined == 1
    assert set(_texts(ws)) == {"hello", "third row", "fourth"}
    q = _quarantine(ws)
    assert list(q) == [3] and q[3].startswith("unterminated quote")
    # In a middle column the parser sees too few fields; same outcome.
    path2 = tmp_path / "q2.csv"
    path2.write_text('text,city\nhello,Pune\n"never closed,Delhi\nthird row,Goa\nfourth,Agra\n')
    res2 = _accounted(ingest_file(ws, path2, IngestOptions()))
    assert (res2.ingested, res2.quarantined) == (3, 1)


def test_malformed_csv_rows_carry_their_physical_line(ws, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text('text,city\n"two\nlines",Pune\nok,Goa\nbroken,row,extra\nfine,Agra\n')
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert (res.ingested, res.quarantined) == (3, 1)
    assert _quarantine(ws) == {5: "malformed CSV row: expected 2 columns, got 3"}


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_invalid_utf8_in_one_csv_row_quarantines_that_row_only(ws, tmp_path, gz):
    """Issue 13: invalid UTF-8 becomes quarantined rows with a reason. One row of a UTF-8 CSV with stray bytes refused
    the whole file ("In CSV column #1: CSV conversion error to string", nothing ingested)."""
    body = (b"id,text\r\n0042,good one\r\n0043,bad \xff\xfe bytes\r\n0044,\"multi\nline\"\r\n"
            + b"".join(b"%04d,row %d\r\n" % (i, i) for i in range(100)))
    path = tmp_path / ("u.csv.gz" if gz else "u.csv")
    path.write_bytes(gzip.compress(body) if gz else body)
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert (res.rows_read, res.ingested, res.quarantined) == (103, 102, 1)
    bad = ws.con.execute("SELECT source_row, reason, raw FROM lake.quarantine").fetchall()
    assert [(r, why) for r, why, _ in bad] == [(2, "undecodable bytes: not valid UTF-8 in column 'text'")]
    assert json.loads(bad[0][2]) == {"id": "0043", "text": "bad \\xff\\xfe bytes"}
    docs = ws.con.execute("SELECT source_row, text, meta FROM lake.documents ORDER BY source_row LIMIT 2").fetchall()
    assert docs == [(1, "good one", '{"id":"0042"}'), (3, "multi\nline", '{"id":"0044"}')]


def test_csv_values_stay_as_written(ws, tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("text,id,pin,amount,flag\nhello,0042,011001,1.50,TRUE\nbye,7,110001,2,false\n")
    _accounted(ingest_file(ws, path, IngestOptions()))
    metas = [json.loads(r[0]) for r in ws.con.execute("SELECT meta FROM lake.documents ORDER BY source_row").fetchall()]
    assert metas[0] == {"id": "0042", "pin": "011001", "amount": "1.50", "flag": "TRUE"}
    assert metas[1] == {"id": "7", "pin": "110001", "amount": "2", "flag": "false"}


def test_csv_with_duplicate_header_names_is_a_one_line_error(ws, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("text,text,id\na,b,1\n")
    with pytest.raises(CurateError, match="'text' more than once"):
        ingest_file(ws, path, IngestOptions())
    assert ws.count("documents") == 0


@pytest.mark.parametrize("crlf", [False, True])
def test_excel_trailing_empty_columns_are_read_not_refused(ws, tmp_path, crlf):
    # Excel writes columns it once held as empty header cells ("id,text,,"): the file is read, the empty names
    # are column_<position>, and a value under one is kept; a malformed row is still quarantined with its line.
    nl = "\r\n" if crlf else "\n"
    path = tmp_path / "crm.csv"
    path.write_bytes(nl.join(["id,text,,", "0042,first customer note,,", "7,second note,,call back",
                              "8,too,many,fields,here,x", ""]).encode())
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert (res.rows_read, res.ingested, res.quarantined) == (3, 2, 1)
    metas = [json.loads(r[0]) for r in ws.con.execute("SELECT meta FROM lake.documents ORDER BY source_row").fetchall()]
    assert metas == [{"id": "0042", "column_3": "", "column_4": ""}, {"id": "7", "column_3": "", "column_4": "call back"}]
    assert [r[0] for r in ws.con.execute("SELECT reason FROM lake.quarantine").fetchall()] == [
        "malformed CSV row: expected 4 columns, got 6"]


def test_a_header_name_given_twice_after_renaming_is_still_refused(ws, tmp_path):
    path = tmp_path / "dup2.csv"
    path.write_text("column_3,text,\n1,a,b\n")   # the empty third name would be column_3 too
    with pytest.raises(CurateError, match="'column_3' more than once"):
        ingest_file(ws, path, IngestOptions())


@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_damaged_parquet_is_a_one_line_error(ws, tmp_path, damage):
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"text": [f"row {i} " + "x" * 50 for i in range(3000)]}), good, row_group_size=500)
    data = bytearray(good.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data[100:len(data) // 2] = b"A" * (len(data) // 2 - 100)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(bytes(data))
    with pytest.raises(CurateError, match="Parquet"):
        ingest_file(ws, bad, IngestOptions())
    assert ws.con.execute("SELECT count(*) FROM lake.documents").fetchone()[0] >= 0  # workspace still answers


def test_gzipped_jsonl_is_read_transparently(ws, tmp_path):
    rows = [{"text": f"compressed {i}"} for i in range(5)]
    for name in ("t.jsonl.gz", "t2.jsonl"):  # by extension, and by magic bytes under a plain name
        with gzip.open(tmp_path / name, "wt", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in rows)
    a = _accounted(ingest_file(ws, tmp_path / "t.jsonl.gz", IngestOptions()))
    b = _accounted(ingest_file(ws, tmp_path / "t2.jsonl", IngestOptions(source_name="t.jsonl.gz")))
    assert (a.format, a.ingested, b.ingested, b.duplicates) == ("jsonl", 5, 0, 5)


def test_deep_nesting_is_quarantined_with_its_depth(ws, tmp_path):
    path = tmp_path / "deep.jsonl"
    deep = '{"text": "poison", "meta": ' + "[" * 1100 + "]" * 1100 + "}"
    ok_depth = '{"text": "fine", "meta": ' + '{"a": ' * 60 + "1" + "}" * 60 + "}"
    brackets_in_strings = json.dumps({"text": "[" * 500 + " only text"})
    path.write_text("\n".join([deep, ok_depth, brackets_in_strings]) + "\n")
    res = _accounted(ingest_file(ws, path, IngestOptions(max_depth=64)))
    assert res.ingested == 2
    assert _quarantine(ws) == {1: "nesting too deep: 1101 levels > limit 64"}


def test_huge_line_is_quarantined_as_oversize_with_a_short_sample(ws, tmp_path, monkeypatch):
    from curate.ingest import readers

    monkeypatch.setattr(readers, "READ_BYTES", 4096)  # the huge line spans many read blocks
    monkeypatch.setattr(readers, "CHUNK_BYTES", 8192)
    path = tmp_path / "big.jsonl"
    big = json.dumps({"text": "y" * 50_000})
    path.write_text(json.dumps({"text": "before"}) + "\n" + big + "\r\n" + json.dumps({"text": "after"}) + "\n")
    res = _accounted(ingest_file(ws, path, IngestOptions(max_record_bytes=10_000)))
    assert res.ingested == 2 and _texts(ws) == ["before", "after"]
    assert ws.con.execute("SELECT source_row FROM lake.documents WHERE text = 'after'").fetchone()[0] == 3
    reason, raw = ws.con.execute("SELECT reason, raw FROM lake.quarantine").fetchone()
    assert reason == f"oversize record: {len(big)} bytes > limit 10000" and len(raw) < 3000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_devices_are_refused_before_the_lock(tmp_path):
    from curate import Workspace

    Workspace.init(tmp_path / "w").close()
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    for src in (str(fifo), "/dev/zero"):
        proc = subprocess.run([sys.executable, "-m", "curate.cli.main", "ingest", src, "-w", str(tmp_path / "w")],
                              capture_output=True, text=True, timeout=60, env=env)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert proc.stderr.startswith("error: ") and "only regular files and folders" in proc.stderr
    # Through the API, the check runs before any source is read.
    with Workspace(tmp_path / "w") as ws:
        with pytest.raises(CurateError, match="FIFO"):
            ingest_sources(ws, [fifo])


def test_json_the_standard_rejects_is_malformed(ws, tmp_path):
    path = tmp_path / "lax.jsonl"
    path.write_text('{"text": "trailing comma",}\n{"text": "nan", "score": NaN}\n{"text": "list", "x": [1,]}\n'
                    '{"text": "a comma, } inside a string is fine"}\n{"text": "Infinity and NaN as words"}\n')
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert res.ingested == 2
    assert _quarantine(ws) == {1: "malformed JSON", 2: "malformed JSON", 3: "malformed JSON"}


@pytest.mark.slow
def test_a_64_mb_line_is_quarantined_in_bounded_memory(ws, tmp_path):
    """Issue 20: the oversize line is detected while reading, never held whole.

    Python's allocation peak while reading is measured with tracemalloc (deterministic, unlike RSS,
    which glibc's arenas make vary by tens of MB between identical runs): it must stay well under the
    line's own 64 MB.  The whole ingest then accounts for every row.
    """
    import tracemalloc
    from pathlib import Path

    from curate.ingest.readers import flag_records, read_jsonl

    path = tmp_path / "huge.jsonl"
    with open(path, "w") as fh:
        fh.write(json.dumps({"text": "before"}) + "\n" + '{"text": "' + "z" * (64 << 20) + '"}\n'
                 + json.dumps({"text": "after"}) + "\n")
    tracemalloc.start()
    try:
        chunks = [flag_records(c, 64) for c in read_jsonl(Path(path), max_bytes=1_000_000)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 << 20, f"reading held {peak / 2**20:.0f} MiB"
    assert sum(c.num_rows for c in chunks) == 3
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert (res.rows_read, res.ingested, res.quarantined) == (3, 2, 1)
    reason, raw = ws.con.execute("SELECT reason, raw FROM lake.quarantine").fetchone()
    assert reason == f"oversize record: {(64 << 20) + 12} bytes > limit 1000000" and len(raw) < 2100


def test_a_few_undecodable_bytes_are_not_read_as_utf16(ws, tmp_path):
    """Found by the fuzz: charset-normalizer called a tiny NUL-free file UTF-16 and two lines became one row."""
    from curate.ingest.readers import detect_encoding

    assert detect_encoding(b"#\n#\x01\xf9\n") in ("cp1252", "latin-1")
    assert detect_encoding("नमस्ते\n".encode("utf-16")) == "utf-16"  # with a BOM: still UTF-16
    path = tmp_path / "tiny.jsonl"
    path.write_bytes(b"#\n#\x01\xf9\n")
    res = ws.ingest([path])[0]
    assert res.rows_read == 2 and res.rows_read == res.ingested + res.duplicates + res.quarantined


def test_fast_path_sees_the_same_records_as_the_per_line_reader(tmp_path, monkeypatch):
    """The JSONL fast path (lines split by numpy, checked in DuckDB) against the per-line reader
    (Python/Arrow, the path non-UTF-8 files take): same line numbers, raw text and reasons."""
    import duckdb

    from curate.ingest import readers
    from curate.ingest.ingest import _chunks, _register_chunk, _unregister_chunk
    from curate.ingest.readers import flag_records, read_jsonl

    monkeypatch.setattr(readers, "READ_BYTES", 512)  # many blocks: numbering across block ends
    monkeypatch.setattr(readers, "CHUNK_BYTES", 1024)
    deep = '{"text": "deep", "x": ' + "[" * 70 + "]" * 70 + "}"
    lines = ['{"text": "a"}', "", "   ", "\t", '{"text": "nul \u0000 here"}', '{"text": "trailing",}',
             '{"text": "NaN in words is fine"}', '{"text": "n", "v": NaN}', deep, '  {"text": "indented"}',
             '{"text": "comma, ] in a string"}', '{"text": "' + "long " * 300 + '"}', "not json", '{"text": "last"}']
    path = tmp_path / "mix.jsonl"
    path.write_bytes(("\r\n".join(lines * 5) + "\n\u3000\n" + '{"text": "end"}').encode())
    opts = IngestOptions(max_depth=64)
    con = duckdb.connect()
    fast = []
    for chunk in _chunks(path, "jsonl", opts):
        n = _register_chunk(con, chunk, opts.max_depth)
        got = con.execute("SELECT source_row, raw, error FROM _chunk ORDER BY source_row").fetchall()
        assert len(got) == n
        fast += got
        _unregister_chunk(con)
    slow = []
    for c in read_jsonl(path):
        slow += list(zip(*flag_records(c, 64, strict_json=True).to_pydict().values()))
    assert fast == sorted(slow)
    reasons = {r[0]: r[2] for r in fast if r[2]}
    assert reasons[5] == "binary data: NUL byte in record" and reasons[6] == "malformed JSON"
    assert reasons[9] == "nesting too deep: 71 levels > limit 64" and 7 not in reasons
    assert len(fast) == 5 * 11 + 1  # blank and whitespace-only lines are not records


# Peak RSS from VmHWM, the high-water mark of this process's own memory map: ru_maxrss would also count
# the pages of the (large) pytest process it was forked from, which Linux carries across exec.
_PEAK_RSS_CHILD = r"""
import json, resource, sys
from curate import Workspace
with Workspace.init(sys.argv[1]) as ws:
    r = ws.ingest([sys.argv[2]])[0]
try:
    peak = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM:")) / 1024
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({**r.as_dict(), "peak_mib": peak}))
"""


def _peak_ingest(tmp_path, name, line_bytes):
    path = tmp_path / f"{name}.jsonl"
    with open(path, "w") as fh:
        fh.write(json.dumps({"text": "before"}) + "\n" + '{"text": "' + "z" * line_bytes + '"}\n'
                 + json.dumps({"text": "after"}) + "\n")
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.run([sys.executable, "-c", _PEAK_RSS_CHILD, str(tmp_path / f"w-{name}"), str(path)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.mark.slow
def test_a_64_mb_line_costs_under_100_mb_more_peak_rss_than_a_small_file(tmp_path):
    """Issue 20: the whole ingest (imports, DuckDB, DuckLake commit included) in a fresh process
    with a 64 MB line in the file peaks under 100 MiB above the same ingest of a small file; it used
    to need about 1.6 GB. Relative to a baseline measured in the same run, because the absolute
    figure depends on the machine (DuckDB sizes per-thread buffers by core count: 219 MiB here on
    2 cores, 305 MiB on the CI machine)."""
    small = _peak_ingest(tmp_path, "small", 10)
    huge = _peak_ingest(tmp_path, "huge", 64 << 20)
    assert (small["rows_read"], small["ingested"], small["quarantined"]) == (3, 3, 0)
    assert (huge["rows_read"], huge["ingested"], huge["quarantined"]) == (3, 2, 1)
    extra = huge["peak_mib"] - small["peak_mib"]
    assert extra < 100, f"peak RSS {huge['peak_mib']:.0f} MiB vs {small['peak_mib']:.0f} MiB for a small file"


def test_mixed_types_in_a_field_are_kept_as_written_in_workspace_mode(ws, tmp_path):
    """Issue 13: a field that is a string here and a number or object there neither stops the ingest nor
    changes type in ``meta``; a text field that is not a string quarantines that row alone."""
    rows = ['{"text": "a", "pin": "011001", "n": 7}', '{"text": "b", "pin": 11001, "n": "seven"}',
            '{"text": "c", "pin": {"code": "0042"}, "n": [1, "2"]}', '{"text": 12345, "pin": "x"}',
            '{"text": "d", "acct": 123456789012345678901234567890, "ok": true, "none": null}']
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(rows) + "\n")
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert (res.ingested, res.quarantined) == (4, 1)
    assert _quarantine(ws) == {4: "schema violation: field 'text' is a number, expected a string"}
    metas = [json.loads(m) for (m,) in ws.con.execute("SELECT meta FROM lake.documents ORDER BY source_row").fetchall()]
    assert metas[:3] == [{"pin": "011001", "n": 7}, {"pin": 11001, "n": "seven"}, {"pin": {"code": "0042"}, "n": [1, "2"]}]
    # Integers of any size are kept digit for digit (parsed here with Python's exact ints).
    assert metas[3] == {"acct": 123456789012345678901234567890, "ok": True, "none": None}


_CLEAN_DELIMITED = {
    "bom_crlf.csv": '\ufeffid,text,amount,empty\r\n0042,"hello, ""world""",1.50,\r\n\r\n011001,"two\nlines",2,x\r\n',
    "quoted.csv": 'a,b,c\n"  spaced  ","",3\n"x\r\ny",नमस्ते,"4,5"\n,,\n',
    "multiline_last.csv": 'a,b\n1,"ends\nhere"\n',
    "tabs.tsv": "id\ttext\n007\tउदाहरण \"quoted\"\n\n8\t\n",
}


@pytest.mark.parametrize("name", sorted(_CLEAN_DELIMITED))
def test_csv_fast_path_reads_what_the_arrow_reader_reads(tmp_path, monkeypatch, name):
    """DuckDB's read_csv(all_varchar) path against the Arrow reader (the path malformed files take):
    same record numbers and the same values, as written."""
    from curate.ingest import readers

    path = tmp_path / name
    path.write_bytes(_CLEAN_DELIMITED[name].encode("utf-8"))
    delimiter = "\t" if name.endswith(".tsv") else ","
    taken = []
    real = readers._duckdb_delimited_chunks
    monkeypatch.setattr(readers, "_duckdb_delimited_chunks", lambda *a: taken.append(real(*a)) or taken[-1])
    fast = [r for c in readers.read_delimited(path, delimiter) for r in c.to_pylist()]
    assert taken and taken[0] is not None  # the clean file took the fast path
    slow = [r for c in readers.read_delimited(path, delimiter, fast=False) for r in c.to_pylist()]
    assert fast == slow and fast and all(r["error"] is None for r in fast)
    if name == "bom_crlf.csv":
        assert [json.loads(r["raw"]) for r in fast] == [
            {"id": "0042", "text": 'hello, "world"', "amount": "1.50", "empty": ""},
            {"id": "011001", "text": "two\nlines", "amount": "2", "empty": "x"}]


@pytest.mark.parametrize("body", ['a,b\n1,2\n3\n', 'a,b\n1,2\n3,"open\n4,5\n', 'a,b\n1,2,3\n'])
def test_csv_with_a_bad_row_leaves_the_fast_path(tmp_path, body):
    from curate.ingest import readers

    path = tmp_path / "bad.csv"
    path.write_text(body)
    assert readers._duckdb_delimited_chunks(path, ",", ["a", "b"]) is None


def test_csv_over_the_fast_path_bound_takes_the_bounded_arrow_reader(tmp_path, monkeypatch):
    """Past CSV_FAST_MAX_BYTES the Arrow reader (bounded memory) reads the file, gathered into big chunks."""
    from curate.ingest import readers

    path = tmp_path / "big.csv"
    path.write_text("id,text\n" + "".join(f"{i:04d},row {i}\n" for i in range(300)))
    monkeypatch.setattr(readers, "CSV_FAST_MAX_BYTES", 100)
    monkeypatch.setattr(readers, "_duckdb_delimited_chunks", lambda *a: pytest.fail("fast path taken"))
    monkeypatch.setattr(readers, "CHUNK_RECORDS", 128)
    chunks = list(readers.read_delimited(path, ","))
    rows = [r for c in chunks for r in c.to_pylist()]
    assert [r["source_row"] for r in rows] == list(range(1, 301))
    assert json.loads(rows[41]["raw"]) == {"id": "0041", "text": "row 41"}


def test_csv_errors_and_quarantine_reasons_quote_no_values(ws, tmp_path):
    path = tmp_path / "pii.csv"
    path.write_text("id,phone,text\n0001,9876543210,hello\n0002,9876543211,\"extra\",ABCPK1234F Ravi Kumar\n")
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert (res.ingested, res.quarantined) == (1, 1)
    reason, raw = ws.con.execute("SELECT reason, raw FROM lake.quarantine").fetchone()
    assert reason == "malformed CSV row: expected 3 columns, got 4"
    assert "ABCPK1234F" in raw  # the quarantine keeps the row itself; only the message must not quote it


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_arrow_csv_reader_gets_a_native_stream(ws, tmp_path, monkeypatch, gz):
    """The Arrow CSV reader (a file with a malformed row leaves DuckDB's fast path) holds no Python file object: Arrow
    may free its input on a worker thread, which then needs the GIL, and at interpreter exit that aborted file mode's
    CSV reading (exit 134; see tests/test_filemode.py)."""
    import pyarrow.csv as pacsv

    seen = []
    real = pacsv.open_csv

    def spy(source, *args, **kwargs):
        seen.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(pacsv, "open_csv", spy)
    body = b"id,text\n0042,hello\n0043,a,b\n0044,bye\n"
    path = tmp_path / ("m.csv.gz" if gz else "m.csv")
    path.write_bytes(gzip.compress(body) if gz else body)
    res = _accounted(ingest_file(ws, path, IngestOptions()))
    assert (res.ingested, res.quarantined) == (2, 1)
    assert seen and all(isinstance(s, pa.NativeFile) and not isinstance(s, pa.PythonFile) for s in seen), seen


@pytest.mark.parametrize("body", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"], ids=["empty", "bom-only", "blank-lines"])
def test_an_empty_csv_holds_no_rows_like_an_empty_jsonl(ws, tmp_path, body):
    """An empty CSV was a read error ("cannot read as CSV: Empty CSV file", exit 2, and an ``interrupted`` ingest
    left in ``curate status``) where an empty JSONL file reads 0 rows."""
    for name in ("e.csv", "e.jsonl"):
        path = tmp_path / name
        path.write_bytes(body)
        res = _accounted(ingest_file(ws, path, IngestOptions()))
        assert res.rows_read == 0, name
    states = [r[0] for r in ws.con.execute("SELECT state FROM lake.ingests").fetchall()]
    assert states == ["done", "done"]


def test_an_excel_cp1252_csv_keeps_its_accents(ws, tmp_path):
    """A Windows-1252 CSV ("CSV" from Excel on Western Windows) tied with cp1250 in charset detection and was read as
    cp1250: "Crème brûlée" was stored as "Crčme brűlée". A real cp1250 file stays cp1250."""
    from curate.ingest.readers import detect_encoding

    path = tmp_path / "excel.csv"
    path.write_bytes('Customer ID,Name,text\r\n0042,José Müller,"The café charged €5 for the coffee, and the receipt '
                     'said naïve prices"\r\n0043,Zoë,Crème brûlée was très bon\r\n'.encode("cp1252"))
    _accounted(ingest_file(ws, path, IngestOptions()))
    assert ws.con.execute("SELECT text, meta FROM lake.documents ORDER BY source_row").fetchall() == [
        ("The café charged €5 for the coffee, and the receipt said naïve prices",
         '{"Customer ID":"0042","Name":"José Müller"}'),
        ("Crème brûlée was très bon", '{"Customer ID":"0043","Name":"Zoë"}')]
    czech = "id,text\n1,Příliš žluťoučký kůň úpěl ďábelské ódy\n2,Zażółć gęślą jaźń, šťastný kůň\n".encode("cp1250")
    assert detect_encoding(czech) == "cp1250"
