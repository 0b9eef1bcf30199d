"""Which delimiter a CSV/TSV file uses: ``,`` ``;`` tab or ``|``, read off the file's head.

Why: European spreadsheet exports write ``;`` (``,`` is their decimal mark), and many ``.csv`` files are
really tab-separated; read with ``,`` they come out as one column and every row is quarantined.

Rule (deterministic, no guessing from value statistics): each candidate splits the head's records with
Python's ``csv`` module (quotes respected, so a delimiter inside a quoted value does not count); a
candidate qualifies when the header has at least two fields and at least 90 % of the other records have
as many (ragged rows are quarantined later, they must not flip the choice). The qualifying candidate
with the most header fields wins; a tie goes to the extension's delimiter (``,`` for .csv, tab for
.tsv), then to the order ``, ; tab |``. When none qualifies (a one-column file) the extension's
delimiter is used.
"""

from __future__ import annotations

import csv
import io

DELIMITERS = (",", ";", "\t", "|")
NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
HEAD_BYTES = 1 << 16
_MIN_AGREEING = 0.9


def default_delimiter(fmt: str) -> str:
    """The delimiter a format's extension implies: tab for ``tsv``, else comma."""
    return "\t" if fmt == "tsv" else ","


def sniff_delimiter_text(text: str, preferred: str = ",", complete: bool = True) -> str:
    """The delimiter of CSV/TSV text (a file's head: ``complete`` False when the file goes on, so its
    last line may be cut short), one of :data:`DELIMITERS`, by the rule above."""
    text = text.lstrip("\ufeff")
    if not complete:
        text = text[: text.rfind("\n") + 1] or text
    order = [preferred, *(d for d in DELIMITERS if d != preferred)]
    best, best_n = preferred, 1
    for delim in order:
        try:
            rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim) if r]
        except csv.Error:
            continue
        if not rows:
            continue
        n = len(rows[0])
        body = rows[1:]
        agreeing = sum(len(r) == n for r in body)
        if n > best_n and (not body or agreeing >= _MIN_AGREEING * len(body)):
            best, best_n = delim, n
    return best
