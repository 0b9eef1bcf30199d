"""doc_ids cannot be inverted by hashing guesses: a newcomer recomputed md5("crm.csv" \\x1f "id:" + mobile) and found
it, as the doc_id of that customer's row, in an anonymized snapshot and an audit report (10-digit phones are
enumerated in seconds). Expected values are computed here with hashlib, independently of curate."""

from __future__ import annotations

import hashlib

from curate.ingest import ingest as ingest_mod
from curate.ingest.ingest import IngestOptions, ingest_file

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
    monkeypatch.setattr(ingest_mod, "doc_id_salt", lambda ws: "")  # the code before salts
    with ws.writer():
        ingest_file(ws, src, IngestOptions(text_field="notes", id_field="mobile"))
    monkeypatch.undo()
    ids = {r[0] for r in ws.con.execute("SELECT doc_id FROM lake.documents").fetchall()}
    assert ids == _guesses("crm.csv", PHONES)
    with ws.writer():
        again = ingest_file(ws, src, IngestOptions(text_field="notes", id_field="mobile"))
    assert (again.ingested, again.duplicates) == (0, 3)
    assert ws.summary()["doc_ids"].startswith("unkeyed")


def test_two_workspaces_sharing_the_key_give_a_file_the_same_doc_ids(tmp_path):
    """The salt comes from the workspace key: stewards sharing it (or a local and a Ray workspace) agree on ids;
    a workspace with another key does not."""
    import os
    import shutil

    from curate import Workspace

    src = _crm(tmp_path / "crm.csv")
    ids = {}
    for name in ("a", "b", "c"):
        w = Workspace.init(tmp_path / name)
        if name == "b":
            shutil.copy2(tmp_path / "a" / "secrets" / "pii.key", w.secrets_dir / "pii.key")
            os.chmod(w.secrets_dir / "pii.key", 0o600)
        with w.writer():
            ingest_file(w, src, IngestOptions(text_field="notes", id_field="mobile"))
        ids[name] = sorted(r[0] for r in w.con.execute("SELECT doc_id FROM lake.documents").fetchall())
        w.close()
    assert ids["a"] == ids["b"] != ids["c"]
