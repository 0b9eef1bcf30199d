"""Representation skips what the PII stage inserted: a pseudonym's surname is not a caste mention.

Rows and their ``pii_inserted`` spans are written by hand (offsets counted here, digests with hashlib:
the stage's span digest is the first 12 hex digits of SHA-256 of the inserted string).
"""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa

from curate.audit import AuditPolicy, audit_table


def _span(text: str, inserted: str) -> dict:
    a = text.index(inserted)
    return {"field": "text", "start": a, "end": a + len(inserted), "type": "PERSON",
            "h": hashlib.sha256(inserted.encode()).hexdigest()[:12]}


def _rows():
    fake = [f"Customer Jaspreet Thakur says: card {i} was blocked" for i in range(18)]
    rows = [{"doc_id": f"p{i}", "text": t, "pii_inserted": json.dumps([_span(t, "Jaspreet Thakur")])}
            for i, t in enumerate(fake)]
    # A real mention (nothing inserted there) still counts, in a row that also holds a pseudonym.
    real = "Customer Aman Verma says: the Thakur community hall branch is closed"
    rows.append({"doc_id": "r0", "text": real, "pii_inserted": json.dumps([_span(real, "Aman Verma")])})
    rows.append({"doc_id": "r1", "text": "No names here, only a Brahmin priest's loan", "pii_inserted": "[]"})
    return rows


def test_pseudonym_surnames_are_not_caste_mentions():
    m = audit_table(pa.Table.from_pylist(_rows()), AuditPolicy()).metrics
    caste = m["representation"]["axes"]["caste"]
    assert {g: v["rows"] for g, v in caste["groups"].items()} == {"kshatriya": 1, "brahmin": 1}
    assert caste["rows_mentioning"] == 2
    skipped = m["representation"]["skipped_inserted"]
    assert skipped == {"rows": 19, "spans": 19, "mentions": {"caste": 18}}


def test_a_span_whose_text_no_longer_matches_its_digest_is_not_skipped():
    # fail closed: a span that no longer holds what the stage inserted is read like any other text
    t = "Customer Jaspreet Thakur says: card blocked"
    span = _span(t, "Jaspreet Thakur")
    span["h"] = "000000000000"
    rows = [{"doc_id": "x", "text": t, "pii_inserted": json.dumps([span])}]
    m = audit_table(pa.Table.from_pylist(rows), AuditPolicy()).metrics
    assert m["representation"]["axes"]["caste"]["groups"] == {"kshatriya": {"rows": 1, "share": 1.0}}
    assert m["representation"]["skipped_inserted"]["spans"] == 0


def test_report_says_how_many_mentions_were_skipped(tmp_path):
    from curate.audit.render import render_markdown

    m = audit_table(pa.Table.from_pylist(_rows()), AuditPolicy()).metrics
    assert "- not counted: 19 span(s) the PII stage inserted in 19 row(s) (18 caste mention(s))" in render_markdown(m)


def test_length_histogram_label_says_log_only_when_the_axis_is_log():
    """The report's "Length distribution" said "words per row (log)" over a linear axis (bins up to 20 words)."""
    from curate.audit.charts import histogram_figure

    ax = histogram_figure([1, 2, 3, 5, 8, 13], [4, 3, 2, 1, 1], "Length distribution", "words per row").axes[0]
    assert (ax.get_xscale(), ax.get_xlabel()) == ("linear", "words per row")
    ax = histogram_figure([1, 3, 10, 40, 200], [1, 5, 9, 2], "Length distribution", "words per row").axes[0]
    assert (ax.get_xscale(), ax.get_xlabel()) == ("log", "words per row (log scale)")
