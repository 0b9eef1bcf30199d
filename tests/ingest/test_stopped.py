"""An ingest stopped cleanly (Ctrl-C, SIGTERM, SIGHUP) closes its own ``ingests`` row as ``interrupted``.

It used to stay ``running`` (what a ``kill -9`` leaves) until the next writer repaired it, so ``curate status``
listed a stopped ingest as running.  Counts are hand-computed: 60 rows in chunks of 4 KiB of ~100-byte lines.
"""

from __future__ import annotations

import json
import signal

import pytest

from curate import Workspace
from curate.ingest import ingest as ing
from curate.ingest import readers
from curate.ingest.ingest import IngestOptions, ingest_file


def test_a_stopped_ingest_is_interrupted_at_once_and_its_rerun_completes_it(tmp_path, monkeypatch):
    from curate.cli.main import Terminated

    src = tmp_path / "big.jsonl"
    src.write_text("".join(json.dumps({"text": f"ticket {i:03d} " + "x" * 80}) + "\n" for i in range(60)))
    monkeypatch.setattr(readers, "READ_BYTES", 2048)
    monkeypatch.setattr(readers, "CHUNK_BYTES", 4096)
    real, calls = ing._insert_documents, []

    def stop_on_second_chunk(*a, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise Terminated(signal.SIGTERM)
        return real(*a, **kw)

    ws = Workspace.init(tmp_path / "ws")
    try:
        monkeypatch.setattr(ing, "_insert_documents", stop_on_second_chunk)
        with pytest.raises(Terminated):
            ingest_file(ws, src, IngestOptions(), threads=1)
        monkeypatch.setattr(ing, "_insert_documents", real)
        (left,) = ws.interrupted_ingests()
        first = ws.count("documents")
        assert 0 < first < 60
        assert (left["state"], left["ingested"], left["completed_by"]) == ("interrupted", first, None)
        again = ingest_file(ws, src, IngestOptions(), threads=1)
        assert (again.rows_read, again.ingested, again.duplicates) == (60, 60 - first, first)
        (after,) = ws.summary()["interrupted_ingests"]
        assert (after["ingest_id"], after["state"], after["completed_by"]) == (left["ingest_id"], "interrupted",
                                                                               again.ingest_id)
    finally:
        ws.close()
