"""Snapshots: immutable, numbered, hashed, diffable, atomic under SIGKILL."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pyarrow as pa
import pytest

from curate.errors import CurateError
from tests.conftest import source_label, write_jsonl


def _pii_signal(ws, covered=lambda i: True):
    """A stand-in PII signal (the real PII stage is tested in tests/pii) to exercise variant selection."""
    rows = ws.con.execute("SELECT doc_id, text FROM lake.documents ORDER BY doc_id").fetchall()
    ws.write_signal("pii", pa.table({
        "doc_id": [r[0] for r in rows],
        "pii_text": [r[1].replace("9876543210", "<IN_PHONE>") for r in rows],
        "pii_covered": [covered(i) for i in range(len(rows))],
    }))


def test_create_list_show_and_time_travel_after_later_ingest(ws, tickets, tmp_path):
    ws.ingest([tickets])
    m1 = ws.create_snapshot("support", text="raw")
    assert (m1.version, m1.row_count, m1.parent) == (1, 6, None)
    more = write_jsonl(tmp_path / "more.jsonl", [{"text": "call me on 9876543210"}])
    ws.ingest([more])
    m2 = ws.create_snapshot("support", text="raw")
    assert (m2.version, m2.row_count, m2.parent) == (2, 7, "support@1")
    # The first version still holds exactly what it held.
    assert ws.snapshot("support@1").table().num_rows == 6
    assert ws.snapshot("support", 1).manifest.content_hash == m1.content_hash
    assert ws.snapshot("support").manifest.version == 2
    assert [m.ref for m in ws.snapshots()] == ["support@1", "support@2"]
    d = ws.diff("support@1", "support@2")
    assert (d["added"], d["removed"], d["changed"], d["unchanged"]) == (1, 0, 0, 6)


def test_same_inputs_same_content_hash(ws, tickets):
    ws.ingest([tickets])
    a = ws.create_snapshot("a", text="raw")
    b = ws.create_snapshot("b", text="raw")
    assert a.content_hash == b.content_hash
    c = ws.create_snapshot("c", text="raw", where="source_row > 1")
    assert c.content_hash != a.content_hash and c.row_count == 5


def test_anonymized_variant_fails_closed_and_passes_policy(ws, tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [{"text": f"ticket {i} phone 9876543210"} for i in range(4)])
    ws.ingest([path])
    with pytest.raises(CurateError, match="needs the pii stage"):
        ws.create_snapshot("anon")
    _pii_signal(ws, covered=lambda i: i != 0)
    m = ws.create_snapshot("anon")
    assert m.pii_policy_passed and m.held_back == 1 and m.row_count == 3
    texts = ws.snapshot("anon").table().column("text").to_pylist()
    assert all("9876543210" not in t and "<IN_PHONE>" in t for t in texts)
    assert "pii_text" not in ws.snapshot("anon").table().column_names


def test_bad_where_is_a_clear_error(ws, tickets):
    ws.ingest([tickets])
    with pytest.raises(CurateError, match="bad --where"):
        ws.create_snapshot("x", text="raw", where="no_such_column = 1")


def test_labels_signal_drops_rejected_and_applies_edits(ws, tmp_path):
    path = write_jsonl(tmp_path / "sft.jsonl", [{"instruction": f"q{i}", "output": f"a{i}"} for i in range(3)])
    ws.ingest([path])
    ids = [r[0] for r in ws.con.execute("SELECT doc_id FROM lake.documents ORDER BY source_row").fetchall()]
    ws.write_signal("labels", pa.table({"doc_id": ids[:2], "label_status": ["rejected", "corrected"],
                                        "label_response": [None, "better answer"]}))
    m = ws.create_snapshot("reviewed", text="raw")
    rows = {r["doc_id"]: r for r in ws.snapshot("reviewed").table().to_pylist()}
    assert ids[0] not in rows and rows[ids[1]]["output"] == "better answer" and rows[ids[2]]["output"] == "a2"
    assert m.labels_applied == 2


def test_killed_snapshot_creation_leaves_nothing(ws, tickets):
    ws.ingest([tickets])
    path = ws.path
    ws.close()
    child = textwrap.dedent(f'''
        import os
        from curate import Workspace
        ws = Workspace({str(path)!r})
        ws.create_snapshot("doomed", text="raw", pre_commit=lambda m: os.kill(os.getpid(), 9))
    ''')
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    from curate import Workspace

    ws2 = Workspace(path)
    assert ws2.snapshots() == []
    assert not [t for t in ws2.table_names() if t.startswith("snap__")]
    assert ws2.create_snapshot("doomed", text="raw").version == 1
    ws2.close()


# -- the filter is one expression; the policy flags come from the stored rows --------------------------------------

def _uncovered_workspace(ws, tmp_path):
    path = write_jsonl(tmp_path / "p.jsonl", [{"text": f"ticket {i} phone 9876543210"} for i in range(4)])
    ws.ingest([path])
    _pii_signal(ws, covered=lambda i: i != 0)
    return ws


@pytest.mark.parametrize("where", [
    "1=1) OR (1=1",                                   # parenthesis escape around the held-back filter
    "TRUE) OR (pii_covered IS NULL OR NOT pii_covered",
    "1=1; DROP TABLE lake.documents",                 # a second statement
    "TRUE); DROP TABLE lake.documents; SELECT (1",
    "1=1 UNION SELECT * FROM lake.documents",         # set operation
    "1=1 ORDER BY doc_id",
    "doc_id IN (SELECT doc_id FROM lake.documents)",  # subquery (could read files and tables)
    "EXISTS (SELECT * FROM read_text('secrets/pii.key'))",
    "getenv('CURATE_PII_KEY') IS NOT NULL",
    "",
])
def test_where_is_confined_to_one_expression(ws, tmp_path, where):
    _uncovered_workspace(ws, tmp_path)
    before = ws.count("documents")
    with pytest.raises(CurateError, match="bad --where") as err:
        ws.create_snapshot("anon", where=where)
    assert "\n" not in str(err.value)
    assert ws.snapshots() == [] and ws.count("documents") == before  # the raw zone survives


def test_where_with_comments_and_parentheses_still_holds_back_uncovered_rows(ws, tmp_path):
    _uncovered_workspace(ws, tmp_path)
    m = ws.create_snapshot("anon", where="(text LIKE '%)%' OR TRUE) -- comment")
    assert m.row_count == 3 and m.held_back == 1 and m.pii_policy_passed
    assert all(ws.snapshot("anon").table().column("pii_covered").to_pylist())


def test_snapshot_whose_rows_break_the_policy_is_refused(ws, tmp_path, monkeypatch):
    """A selection bug (simulated: the held-back condition dropped) is caught by the check of the stored rows."""
    import curate.snapshots as snapshots

    _uncovered_workspace(ws, tmp_path)
    real = snapshots._select_sql

    def leaky(*args):
        rows_sql, held_sql, matched_sql = real(*args)
        return rows_sql.replace("AND coalesce(pii_covered, FALSE)", ""), held_sql, matched_sql

    monkeypatch.setattr(snapshots, "_select_sql", leaky)
    with pytest.raises(CurateError, match="did not cover") as err:
        ws.create_snapshot("anon")
    assert "nothing was committed" in str(err.value) and ws.snapshots() == []
    assert not any(t.startswith("snap__") for t in ws.table_names())


def test_derived_snapshot_with_uncovered_rows_is_refused(ws, tmp_path):
    _uncovered_workspace(ws, tmp_path)
    ws.create_snapshot("anon")
    rows = ws.snapshot("anon").table()
    bad = rows.set_column(rows.column_names.index("pii_covered"), "pii_covered",
                          pa.array([False] + [True] * (rows.num_rows - 1)))
    with pytest.raises(CurateError, match="did not cover"):
        ws.create_snapshot_from_table("aug", bad, parent_ref="anon")
    assert [m.name for m in ws.snapshots()] == ["anon"]


def test_non_raw_snapshots_carry_no_raw_fingerprints_or_paths(ws, tmp_path):
    import hashlib

    _uncovered_workspace(ws, tmp_path)
    ids = [r[0] for r in ws.con.execute("SELECT doc_id FROM lake.documents").fetchall()]
    ws.write_signal("minhash", pa.table({"doc_id": ids, "dup_text_hash": ["ab" * 8] * len(ids),
                                         "dup_signature": [[1, 2, 3]] * len(ids),
                                         "dup_segments": [[7, 8]] * len(ids)}))
    anon = ws.snapshot(ws.create_snapshot("anon").ref).table().to_pylist()
    for r in anon:
        assert "dup_text_hash" not in r and "dup_signature" not in r and "dup_segments" not in r
        assert r["source_uri"] == source_label(ws, "p.jsonl")  # a file name can be PII: a keyed label
        assert r["content_hash"] == hashlib.md5((r["text"] + "\x1f").encode()).hexdigest()
    raw = ws.snapshot(ws.create_snapshot("raw", text="raw").ref).table()
    assert "dup_signature" in raw.column_names  # the raw variant keeps everything (exports still key it)


def test_no_signal_carries_raw_pii_out_of_the_raw_zone(ws, tmp_path):
    """A newcomer's leak: dedup's shared span (``dup_shared``) quoted the raw text of a near-duplicate pair -
    name, phone and Aadhaar - into an anonymized snapshot and its export.  Every stage runs for real here and
    every column of the snapshot and of an export with every signal is searched for the values written below."""
    import json

    raw_values = ["Rajesh Khanna", "9845012345", "3703 6925 8141"]
    base = ("Customer Rajesh Khanna called from 9845012345 about Aadhaar 3703 6925 8141 linking; the linking "
            "failed {n} at the branch and he wants a callback before Friday evening please{p}")
    src = tmp_path / "pairs.jsonl"
    src.write_text("".join(json.dumps({"text": base.format(n=n, p=p)}) + "\n"
                           for n, p in (("twice", "."), ("two times", "!!"))))
    ws.ingest([src])
    for stage in ("clean", "minhash", "dedup"):
        ws.run_stage(stage, workers=1)
    ws.run_stage("pii", {"nlp": "none"}, workers=1)
    snap = ws.snapshot(ws.create_snapshot("pairs").ref).table()
    assert snap.num_rows == 2
    dumped = json.dumps(snap.to_pylist(), ensure_ascii=False, default=str)
    for value in raw_values:
        assert value not in dumped, value
    out = tmp_path / "export"
    ws.export("pairs", "jsonl", out, contamination="ignore", allow_unapproved=True, with_signals=True)
    exported = "".join(p.read_text() for p in out.glob("*.jsonl"))
    assert exported and all(v not in exported for v in raw_values)
    # the steward still sees the span in the raw zone (the dedup report quotes it)
    assert any(r[0] for r in ws.view().select("dup_shared").fetchall())


def test_a_filter_on_a_signal_refuses_to_drop_documents_that_have_none_yet(ws, tmp_path):
    """A newcomer's `snapshot create s1 --where dup_keep` after a new ingest: the 10 new rows had no dedup signal,
    read NULL, and vanished from s1@2 without a word."""
    import json

    first = tmp_path / "a.jsonl"
    first.write_text("".join(json.dumps({"text": f"first batch ticket {i} about a failed UPI payment"}) + "\n"
                             for i in range(3)))
    ws.ingest([first])
    ws.run_stage("minhash", workers=1)
    ws.run_stage("dedup", workers=1)
    assert ws.snapshot(ws.create_snapshot("s", where="dup_keep", text="raw").ref).manifest.row_count == 3
    second = tmp_path / "b.jsonl"
    second.write_text("".join(json.dumps({"text": f"second batch note {i} on a card replacement"}) + "\n"
                              for i in range(2)))
    ws.ingest([second])
    with pytest.raises(CurateError, match="2 document.* have no dedup signal"):
        ws.create_snapshot("s", where="dup_keep", text="raw")
    assert [m.version for m in ws.snapshots() if m.name == "s"] == [1]  # nothing committed
    # saying what a missing value means is allowed, and so is a filter that keeps them anyway
    assert ws.snapshot(ws.create_snapshot("s", where="dup_keep IS NOT FALSE", text="raw").ref).manifest.row_count == 5
    ws.run_stage("minhash", workers=1)
    ws.run_stage("dedup", workers=1)
    assert ws.snapshot(ws.create_snapshot("s", where="dup_keep", text="raw").ref).manifest.row_count == 5


def test_the_filter_the_refusal_suggests_for_a_text_signal_works(ws, tmp_path):
    """The refusal suggested `lang IS NOT FALSE` for `lang = 'en'`, which fails ('en' is no boolean): the advice
    must fit the column's type, and following it must give the snapshot (2 English rows + 1 new row)."""
    import re

    write_jsonl(tmp_path / "a.jsonl", [{"text": "My debit card was blocked after three wrong PIN attempts yesterday"},
                                       {"text": "Please update the registered mobile number on my savings account"},
                                       {"text": "मेरा डेबिट कार्ड कल से ब्लॉक है, कृपया इसे जल्दी चालू करें"}])
    ws.ingest([tmp_path / "a.jsonl"])
    ws.run_stage("langid", workers=1)
    write_jsonl(tmp_path / "b.jsonl", [{"text": "a new ticket nobody ran langid on"}])
    ws.ingest([tmp_path / "b.jsonl"])
    with pytest.raises(CurateError, match="have no langid signal") as err:
        ws.create_snapshot("z", where="lang = 'en'", text="raw")
    suggested = re.search(r"e\.g\. `([^`]+)` keeps them", str(err.value)).group(1)
    assert suggested == "lang IS NULL OR (lang = 'en')"
    assert ws.snapshot(ws.create_snapshot("z", where=suggested, text="raw").ref).manifest.row_count == 3
