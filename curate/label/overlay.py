"""The label overlay: annotators' corrections applied to snapshot rows (registered with :mod:`curate.snapshots`).

Reads the ``labels`` signal (``label_status``, ``label_response``, ``label_response_pii``,
``label_response_covered``, ``label_pii_spans``, ``label_lang``; written by ``curate label pull``):

* rejected rows are left out;
* an edited response replaces ``output`` and the SFT rendering of ``text``; in an anonymized snapshot
  its PII-scanned form (``label_response_pii``) is used, and an unscanned or uncovered edit holds the
  row back (fail closed); the raw edit never travels as a column of an anonymized snapshot;
* annotator-corrected PII spans redact the main text and every other field the marked strings occur in
  (SFT fields, chat messages, metadata);
* a corrected language replaces ``lang``.
"""

from __future__ import annotations

from typing import Any

import duckdb

from curate.snapshots import OverlaySelect, SnapshotOverlay, register_overlay
from curate.storage import ident

# Columns whose non-null value marks an annotator's correction of the row's text.
_CORRECTIONS = ("label_response", "label_pii_spans")


def select(sel: OverlaySelect) -> None:
    """Rewrite the snapshot SELECT with the labels (see the module docstring)."""
    cols, text, replace = sel.columns, sel.text, sel.replace
    if "label_status" not in cols:
        return
    sel.keep += " AND label_status IS DISTINCT FROM 'rejected'"
    if "label_response" in cols:
        response = "label_response"
        if text == "anonymized":
            # An annotator's edited response is raw text: the anonymized variant uses its PII-scanned form
            # (label_response_pii, written when labels are pulled); one that was not scanned, or is in a
            # script nothing covers, holds the row back (fail closed).
            if "label_response_pii" in cols and "label_response_covered" in cols:
                response = "label_response_pii"
                sel.keep += " AND (label_response IS NULL OR coalesce(label_response_covered, FALSE))"
            else:
                sel.keep += " AND label_response IS NULL"
            # The raw edit never travels as a column of an anonymized snapshot either.
            replace["label_response"] = ("label_response_pii" if response != "label_response"
                                         else "CAST(NULL AS VARCHAR)")
        out_expr = f"coalesce({response}, {replace.get('output', 'output')})"
        replace["output"] = out_expr
        # An edited response changes the SFT rendering of the text too.
        replace["text"] = (f"CASE WHEN {response} IS NOT NULL AND instruction IS NOT NULL THEN concat_ws("
                           f"chr(10) || chr(10), {replace.get('instruction', 'instruction')}, "
                           f"nullif({replace.get('input', 'input')}, ''), {out_expr}) "
                           f"ELSE {replace.get('text', 'text')} END")
    if "label_pii_spans" in cols and text == "anonymized":
        # Annotator-corrected spans override the predicted ones: redact the raw text with them.
        from curate.spans import register

        register(sel.con)
        # The corrected spans were marked on the main text; what they mark is the same person's data wherever
        # else it occurs (SFT fields, chat messages, metadata), so those fields are redacted too.
        for f in ("instruction", "input", "output", "messages", "meta"):
            if f in cols:
                base = replace.get(f, ident(f))
                is_json = "TRUE" if f in ("messages", "meta") else "FALSE"
                replace[f] = (f"CASE WHEN label_pii_spans IS NOT NULL THEN label_redact_in({base}, text, "
                              f"label_pii_spans, {is_json}) ELSE {base} END")
        replace["text"] = (f"CASE WHEN label_pii_spans IS NOT NULL THEN label_redact_in(label_redact(text, "
                           f"label_pii_spans), text, label_pii_spans, FALSE) ELSE {replace['text']} END")
    if "label_lang" in cols and "lang" in cols:
        replace["lang"] = "coalesce(label_lang, lang)"


def exempt(field: str, columns: set[str]) -> list[str]:
    """Corrections that let ``field`` differ from its text variant: corrected PII spans are redacted in every
    field the marked string occurs in; an edited response replaces ``text`` and ``output``."""
    return [c for c in _CORRECTIONS if c in columns
            and (c == "label_pii_spans" or field == "text" or (field == "output" and c == "label_response"))]


def manifest_fields(con: duckdb.DuckDBPyConnection, columns: list[str]) -> dict[str, Any]:
    """``labels_applied``: rows of the labels signal when the snapshot applied it."""
    if "label_status" not in columns:
        return {}
    return {"labels_applied": con.execute("SELECT count(*) FROM lake.signal_labels").fetchone()[0]}


register_overlay(SnapshotOverlay(name="labels", select=select, exempt=exempt, manifest_fields=manifest_fields))
