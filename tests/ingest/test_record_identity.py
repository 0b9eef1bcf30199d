"""What makes an ingested row "the same" as a stored one: the whole record and the file it came from.

A row whose metadata changed (``status`` open → closed) is an update, never a duplicate, and two exports
that share a base name (``b1/tickets.csv``, ``b3/tickets.csv``) are two sources.  Expected values are
written by hand (the doc_id of the first version is computed here with hashlib from its published recipe:
md5 of source, line and content hash, 20 hex digits).
"""

from __future__ import annotations

import hashlib
import json

from curate.ingest.ingest import IngestOptions, ingest_file, ingest_sources
from tests.ingest.test_cli_ingest import _curate

NOTE = "Customer wants new cheque book"


def _csv(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("cust_id,status,notes\n" + "".join(f"{c},{s},{n}\n" for c, s, n in rows))
    return path


def _counts(res):
    return res.rows_read, res.ingested, res.duplicates, res.quarantined


def _hand_doc_id(source: str, row: int, text: str, salt: str = "") -> str:
    """The workspace's doc_id salt (tests/ingest/test_doc_ids.py) comes first."""
    content_hash = hashlib.md5((text + "\x1f").encode()).hexdigest()   # text, unit separator, no messages
    return hashlib.md5(f"{salt}{source}\x1f{row}\x1f{content_hash}".encode()).hexdigest()[:20]


def test_a_row_whose_metadata_changed_is_a_new_version_not_a_duplicate(ws, tmp_path):
    f = _csv(tmp_path / "same.csv", [("000123", "open", NOTE)])
    opts = IngestOptions(text_field="notes")
    assert _counts(ingest_file(ws, f, opts)) == (1, 1, 0, 0)
    first_id = ws.con.execute("SELECT doc_id FROM lake.documents").fetchone()[0]
    assert first_id == _hand_doc_id("same.csv", 1, NOTE, ws.setting("doc_id_salt"))  # the published recipe
    _csv(f, [("000123", "closed", NOTE)])
    res = ingest_file(ws, f, opts)
    assert _counts(res) == (1, 1, 0, 0) and res.versions == 1
    rows = ws.con.execute("SELECT doc_id, meta FROM lake.documents ORDER BY ingested_at").fetchall()
    assert [json.loads(m)["status"] for _, m in rows] == ["open", "closed"]
    links = ws.con.execute("SELECT doc_id, record_doc_id, previous_doc_id, version "
                           "FROM lake.record_versions").fetchall()
    assert links == [(rows[1][0], first_id, first_id, 2)]
    # The changed file again, and the first file again: exact re-ingests are duplicates.
    assert _counts(ingest_file(ws, f, opts)) == (1, 0, 1, 0)
    _csv(f, [("000123", "open", NOTE)])
    assert _counts(ingest_file(ws, f, opts)) == (1, 0, 1, 0)
    assert ws.count("documents") == 2


def test_files_sharing_a_base_name_are_different_sources(ws, tmp_path):
    b1 = _csv(tmp_path / "b1" / "tickets.csv", [("000123", "open", NOTE)])
    b3 = _csv(tmp_path / "b3" / "tickets.csv", [("000777", "open", NOTE)])
    res = ingest_sources(ws, [b1, b3], IngestOptions(text_field="notes"))
    assert [(r.source, *_counts(r)) for r in res] == [("b1/tickets.csv", 1, 1, 0, 0), ("b3/tickets.csv", 1, 1, 0, 0)]
    metas = ws.con.execute("SELECT source, meta FROM lake.documents ORDER BY source").fetchall()
    assert [(s, json.loads(m)["cust_id"]) for s, m in metas] == [("b1/tickets.csv", "000123"),
                                                                 ("b3/tickets.csv", "000777")]
    # Re-ingesting either keeps its label and adds nothing.
    again = ingest_sources(ws, [b3], IngestOptions(text_field="notes"))
    assert [(r.source, *_counts(r)) for r in again] == [("b3/tickets.csv", 1, 0, 1, 0)]


def test_a_namesake_ingested_later_gets_its_folder_in_its_label(ws, tmp_path):
    b1 = _csv(tmp_path / "b1" / "tickets.csv", [("000123", "open", NOTE)])
    b2 = _csv(tmp_path / "b2" / "tickets.csv", [("000123", "open", "Card blocked at ATM")])
    opts = IngestOptions(text_field="notes", id_field="cust_id")
    assert ingest_file(ws, b1, opts).source == "tickets.csv"      # alone: its name, as before
    r2 = ingest_file(ws, b2, opts)
    assert (r2.source, *_counts(r2)) == ("b2/tickets.csv", 1, 1, 0, 0)   # was: an "id conflict"
    again = ingest_file(ws, b1, opts)
    assert (again.source, *_counts(again)) == ("tickets.csv", 1, 0, 1, 0)
    # The same bytes copied elsewhere are still the same export: duplicates.
    moved = tmp_path / "archive" / "tickets.csv"
    moved.parent.mkdir()
    moved.write_bytes(b1.read_bytes())
    r4 = ingest_file(ws, moved, opts)
    assert (r4.source, *_counts(r4)) == ("tickets.csv", 1, 0, 1, 0)


def test_with_an_id_field_a_metadata_change_is_an_update(ws, tmp_path):
    f = _csv(tmp_path / "crm.csv", [("000123", "open", NOTE)])
    ingest_file(ws, f, IngestOptions(text_field="notes", id_field="cust_id"))
    _csv(f, [("000123", "closed", NOTE)])
    conflict = ingest_file(ws, f, IngestOptions(text_field="notes", id_field="cust_id"))
    assert _counts(conflict) == (1, 0, 0, 1)
    assert list(conflict.reasons) == ["id conflict: cust_id already ingested with different content"]
    version = ingest_file(ws, f, IngestOptions(text_field="notes", id_field="cust_id", on_id_conflict="version"))
    assert _counts(version) == (1, 1, 0, 0) and version.versions == 1
    statuses = [json.loads(m)["status"] for (m,) in ws.con.execute("SELECT meta FROM lake.documents "
                                                                   "ORDER BY ingested_at").fetchall()]
    assert statuses == ["open", "closed"]


def test_cli_reports_the_changed_row_and_both_namesakes(tmp_path):
    ws = tmp_path / "ws11"
    assert _curate("init", ws).returncode == 0
    f = _csv(tmp_path / "same.csv", [("000123", "open", NOTE)])
    assert _curate("ingest", "-w", ws, f, "--text-field", "notes").returncode == 0
    _csv(f, [("000123", "closed", NOTE)])
    proc = _curate("ingest", "-w", ws, f, "--text-field", "notes", "--json")
    assert proc.returncode == 0, proc.stderr
    (r,) = json.loads(proc.stdout)
    assert (r["rows_read"], r["ingested"], r["duplicates"], r["quarantined"], r["versions"]) == (1, 1, 0, 0, 1)
    b1 = _csv(tmp_path / "b1" / "tickets.csv", [("000123", "open", NOTE)])
    b3 = _csv(tmp_path / "b3" / "tickets.csv", [("000999", "open", NOTE)])
    proc = _curate("ingest", "-w", ws, b1, b3, "--text-field", "notes")
    assert proc.returncode == 0, proc.stderr
    assert "b1/tickets.csv" in proc.stdout and "b3/tickets.csv" in proc.stdout
