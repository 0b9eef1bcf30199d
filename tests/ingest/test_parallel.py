"""The parallel ingest pipeline: what is stored never depends on the number of worker threads.

Chunks are prepared by worker threads and committed in file order by one writer
(``curate.ingest.ordered``); the oracle for the threaded runs is the one-worker run on the same
file, chunk sizes cut small so that many chunks are in flight at once, on a file mixing every kind
of record the readers and the prepare SQL treat differently.  The ordered map itself is checked
against Python's ``map``.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from curate import Workspace
from curate.ingest import readers
from curate.ingest.ingest import IngestOptions, ingest_file
from curate.ingest.ordered import ordered_map

_DEEP = '{"text": "deep", "x": ' + "[" * 70 + "]" * 70 + "}"
_LINES = ['{"text": "a"}', "", "   ", '{"text": "nul \u0000 here"}', '{"text": "trailing",}', '{"text": "n", "v": NaN}',
          _DEEP, '  {"text": "indented", "n": 1.10, "e": 1E5}', "not json", '{"text": "<b>bold</b> &amp; x"}',
          '{"text": "e\u0301 nfc"}', '{"text": "\u200b"}', '{"text": 12}', '["arr"]',
          '{"instruction": "do", "input": "x", "output": "y", "k": 2}',
          '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}], "m": 1.50}',
          '{"messages": [{"role": "bad", "content": "hi"}]}', '{"text": "dup", "text": "dup2"}',
          '{"text": "esc \\u00e9 \\n"}', '{"text": null}', '{"other": 1}', '{"id": "7", "text": "same"}',
          '{"id": "7", "text": "changed"}', '{"id": 8, "text": "' + "long " * 300 + '"}']


@pytest.fixture(autouse=True)
def _one_salt(monkeypatch):
    """Every workspace here hashes doc_ids with the same salt (a real one derives it from its own key), so the
    workspaces the thread counts fill can be compared row for row, doc_ids included."""
    from curate.ingest import ingest

    monkeypatch.setattr(ingest, "doc_id_salt", lambda ws: "fixed-test-salt")


def _mixed_file(path, copies: int = 6):
    lines = [line.replace('"a"', f'"a {k}"') for k in range(copies) for line in _LINES]
    path.write_bytes(("\r\n".join(lines) + "\n").encode() + b"#\xff\xfe not UTF-8\n" + b'{"text": "after"}\n')
    return path


def _stored(ws) -> dict:
    con = ws.con
    out = {"docs": con.execute("SELECT * EXCLUDE (ingest_id, ingested_at) FROM lake.documents "
                               "ORDER BY source, source_row, doc_id").fetchall(),
           "quarantine": con.execute("SELECT * EXCLUDE (ingest_id, quarantined_at) FROM lake.quarantine "
                                     "ORDER BY source, source_row, reason").fetchall()}
    if "record_versions" in {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                                       "WHERE database_name = 'lake'").fetchall()}:
        out["versions"] = con.execute("SELECT * EXCLUDE (ingest_id, created_at) FROM lake.record_versions "
                                      "ORDER BY doc_id").fetchall()
    return out


def _run(tmp_path, name: str, src, threads: int, **opts) -> tuple[list[dict], dict]:
    ws = Workspace.init(tmp_path / name)
    try:
        results = []
        for _ in range(2):  # the second run: every row a duplicate or already quarantined
            r = ingest_file(ws, src, IngestOptions(**opts), threads=threads).as_dict()
            r.pop("ingest_id")
            results.append(r)
        return results, _stored(ws)
    finally:
        ws.close()


@pytest.mark.parametrize("opts", [{}, {"id_field": "id"}, {"id_field": "id", "on_id_conflict": "version"},
                                  {"text_field": "other"}], ids=["plain", "id", "id-version", "text-field"])
def test_stored_rows_do_not_depend_on_the_thread_count(tmp_path, monkeypatch, opts):
    monkeypatch.setattr(readers, "READ_BYTES", 1024)
    monkeypatch.setattr(readers, "CHUNK_BYTES", 2048)  # ~30 chunks: several in flight with 4 workers
    src = _mixed_file(tmp_path / "mixed.jsonl")
    one, stored_one = _run(tmp_path, "one", src, 1, **opts)
    four, stored_four = _run(tmp_path, "four", src, 4, **opts)
    assert one == four
    assert stored_one == stored_four
    first = one[0]
    assert first["rows_read"] == first["ingested"] + first["duplicates"] + first["quarantined"]
    assert first["rows_read"] == 6 * (len(_LINES) - 2) + 2  # blank lines are not records (counted by hand)
    assert one[1]["ingested"] == 0 and one[1]["rows_read"] == first["rows_read"]


def test_csv_stored_rows_do_not_depend_on_the_thread_count(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "CHUNK_RECORDS", 50)
    src = tmp_path / "t.csv"
    rows = ["id,text,pin"] + [f'{i},"{t}",011001' for i in range(400)
                              for t in ["hello " + str(i), "<i>x</i>", "e\u0301", "multi\nline"][i % 4:i % 4 + 1]]
    src.write_text("\n".join(rows) + '\n9,"bad,row,extra\n10,ok,1\n', encoding="utf-8")
    one, stored_one = _run(tmp_path, "one", src, 1)
    three, stored_three = _run(tmp_path, "three", src, 3)
    assert one == three and stored_one == stored_three
    metas = [json.loads(m) for m in ws_meta(stored_one)]
    assert len(metas) == 401 and all(m["pin"] == "011001" for m in metas if m["id"] != "10")  # leading zero kept


def ws_meta(stored: dict) -> list[str]:
    return [value for row in stored["docs"] for value in row if isinstance(value, str) and value.startswith('{"id"')]


def test_ordered_map_keeps_the_input_order_and_a_bounded_window():
    taken = []
    running = []
    peak = [0]
    lock = threading.Lock()

    def items():
        for i in range(40):
            taken.append(i)
            yield i

    def slow_square(i):
        with lock:
            running.append(i)
            peak[0] = max(peak[0], len(running))
        time.sleep(0.002 * ((i * 7) % 5))  # later items often finish first
        with lock:
            running.remove(i)
        return i * i

    got = []
    for value in ordered_map(slow_square, items(), 3):
        got.append(value)
        assert len(taken) - len(got) <= 3  # at most threads items taken and not yet handed out
    assert got == list(map(lambda i: i * i, range(40)))
    assert peak[0] <= 3


def test_ordered_map_raises_a_workers_error_at_its_turn_and_stops():
    def fn(i):
        if i == 5:
            raise ValueError("bad item 5")
        return i

    got = []
    with pytest.raises(ValueError, match="bad item 5"):
        for v in ordered_map(fn, iter(range(1000)), 2):
            got.append(v)
    assert got == [0, 1, 2, 3, 4]
