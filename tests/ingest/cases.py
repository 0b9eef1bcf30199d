"""Checking an ingest against hand-written expectations, line by line (shared by the ingest test files)."""

from curate.ingest.ingest import IngestOptions, ingest_file


def check_cases(ws, path, cases, opts: IngestOptions | None = None) -> None:
    """Ingest ``path`` (its lines are ``cases``' first items, in order) and compare each line with its expectation:
    a string is the quarantine reason, a tuple the stored (text, instruction, input, output, messages, meta)."""
    res = ingest_file(ws, path, opts or IngestOptions())
    docs = {r[-1]: r[:-1] for r in ws.con.execute(
        "SELECT text, instruction, input, output, messages, meta, source_row FROM lake.documents").fetchall()}
    bad = dict(ws.con.execute("SELECT source_row, reason FROM lake.quarantine").fetchall())
    for n, (line, want) in enumerate(cases, 1):
        got = bad.get(n) if isinstance(want, str) else docs.get(n)
        assert got == want, (n, line)
    assert res.rows_read == len(cases) == res.ingested + res.quarantined
