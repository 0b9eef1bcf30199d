"""doc_ids cannot be inverted by hashing guesses: a newcomer recomputed md5("crm.csv" \\x1f "id:" + mobile) and found
it, as the doc_id of that customer's row, in an anonymized snapshot and an audit report (10-digit phones are
enumerated in seconds). Expected values are computed here with hashlib, independently of curate."""

from __future__ import annotations

import hashlib

from curate.ingest.ingest import IngestOptions, ingest_file
from curate.storage.lake import Lake

PHONES = ["9876543210", "9845012345", "7012345678"]


def _crm(path):
    path.write_text("cust_id,mobile,notes\n" + "".join(f"{i:06d},{p},wants a new cheque book {i}\n"
                                                       for i, p in enumerate(PHONES)), encoding="utf-8")
    return path


def _guesses(source, values):
    return {hashlib.md5(f"{source}\x1fid:{v}".encode()).hexdigest()[:20] for v in values}


def test_doc_ids_are_keyed_and_a_re_ingest_is_still_a_duplicate(ws, tmp_path):
    src = _crm(tmp_path / "crm.csv")
    with ws.writer():
        first = ingest_file(ws, src, IngestOptions(text_field="notes", id_field="mobile"))
    ids = {r[0] for r in ws.con.execute("SELECT doc_id FROM lake.documents").fetchall()}
    assert first.ingested == 3 and len(ids) == 3
    assert not ids & _guesses("crm.csv", PHONES)
    with ws.writer():
        again = ingest_file(ws, src, IngestOptions(text_field="notes", id_field="mobile"))
    assert (again.ingested, again.duplicates) == (0, 3)
    assert ws.summary()["doc_ids"] == "keyed"


def test_a_workspace_with_unkeyed_doc_ids_keeps_them(ws, tmp_path, monkeypatch):
    """Documents ingested before salts existed: their ids stay as they were, so re-ingesting the file is still
    recognised (and status says the ids are unkeyed)."""
    src = _crm(tmp_path / "crm.csv")
    monkeypatch.setattr(Lake, "doc_id_salt", lambda self: "")  # the code before salts
    with ws.writer():
        ingest_file(ws, src, IngestOptions(text_field="notes", id_field="mobile"))
    monkeypatch.undo()
    ids = {r[0] for r in ws.con.execute("SELECT doc_id FROM lake.documents").fetchall()}
    assert ids == _guesses("crm.csv", PHONES)
    with ws.writer():
        again = ingest_file(ws, src, IngestOptions(text_field="notes", id_field="mobile"))
    assert (again.ingested, again.duplicates) == (0, 3)
    assert ws.summary()["doc_ids"].startswith("unkeyed")
