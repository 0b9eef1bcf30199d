"""Text toolkit (issue 18): what the one implementation of each primitive costs against the ones it replaced.

* ingest normalisation of rows *with* HTML markup: the old all-SQL macro (regexes and six entity replaces)
  versus DuckDB calling ``curate.text.html.html_to_text`` as a Python UDF (rows without markup skip both);
* letters per script: the vectorised table lookup (``curate.text.scripts.letter_counts``) versus the PII
  package's old per-character block search;
* LSH (bands, rows): curate's exact Gauss-Legendre objective versus datasketch's scipy quadrature.

Baselines are measured in the same run, results are ratios. Usage: python benchmarks/text_toolkit.py [--rows N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import machine  # noqa: E402

OLD_MACRO = r"""
CREATE OR REPLACE MACRO old_norm(s) AS
  trim(regexp_replace(regexp_replace(
    replace(replace(replace(replace(replace(replace(
      regexp_replace(regexp_replace(regexp_replace(s,
        '<(script|style)[^>]*>[^<]*</(script|style)>', ' ', 'gi'),
        '<br\s*/?>|</p>|</div>|</li>|</tr>|</h[1-6]>', chr(10), 'gi'),
        '<[^>]+>', '', 'g'),
      '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&'),
    '[ \t]+', ' ', 'g'), ' ?\n ?', chr(10), 'g'))
"""
NEW_MACRO = r"""
CREATE OR REPLACE MACRO new_norm(s) AS
  trim(regexp_replace(regexp_replace(curate_html_to_text(s), '[ \t]+', ' ', 'g'), ' ?\n ?', chr(10), 'g'))
"""

# The PII package's block table before issue 18 (for the baseline only).
_OLD_BLOCKS = [
    (0x0041, 0x024F, "Latn"), (0x0600, 0x06FF, "Arab"), (0x0900, 0x097F, "Deva"), (0x0980, 0x09FF, "Beng"),
    (0x0A00, 0x0A7F, "Guru"), (0x0A80, 0x0AFF, "Gujr"), (0x0B00, 0x0B7F, "Orya"), (0x0B80, 0x0BFF, "Taml"),
    (0x0C00, 0x0C7F, "Telu"), (0x0C80, 0x0CFF, "Knda"), (0x0D00, 0x0D7F, "Mlym"), (0x1C50, 0x1C7F, "Olck"),
    (0xABC0, 0xABFF, "Mtei"),
]


def _old_counts(text: str) -> Counter:
    counts: Counter = Counter()
    for ch in text:
        if ch.isascii():
            if ch.isalpha():
                counts["Latn"] += 1
            continue
        if ch.isdigit() or ch.isspace():
            continue
        for lo, hi, name in _OLD_BLOCKS:
            if lo <= ord(ch) <= hi:
                counts[name] += 1
                break
    return counts


def _texts(n: int) -> list[str]:
    rng = random.Random(7)
    words = ["मेरा", "खाता", "बंद", "है", "আমার", "কার্ড", "என்", "கணக்கு", "payment", "fail", "UPI", "kyc", "ᱟᱢᱟᱜ",
             "ꯑꯩꯒꯤ", "میرا", "فون"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(8, 60))) for _ in range(n)]


def _html(texts: list[str]) -> list[str]:
    return [f"<div><p>{t[:40]}</p><br>{t[40:]} &amp; more&nbsp;<b>bold</b></div>" for t in texts]


def _time(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20_000)
    args = ap.parse_args()

    import duckdb
    import pyarrow as pa
    from datasketch.lsh import _optimal_param  # the baseline only

    from curate.dedup.minhash import lsh_params
    from curate.ingest.ingest import _register_html_to_text
    from curate.text.scripts import letter_counts

    texts = _texts(args.rows)
    con = duckdb.connect()
    _register_html_to_text(con)
    con.execute(OLD_MACRO)
    con.execute(NEW_MACRO)
    con.register("t", pa.table({"s": _html(texts)}))
    old = _time(lambda: con.execute("SELECT count(old_norm(s)) FROM t").fetchone())
    new = _time(lambda: con.execute("SELECT count(new_norm(s)) FROM t").fetchone())

    sample = texts[:5000]
    old_sc = _time(lambda: [_old_counts(t) for t in sample])
    new_sc = _time(lambda: [letter_counts(t) for t in sample])

    grid = [(t, p) for t in (0.42, 0.48, 0.54) for p in (64, 128)]
    old_lsh = _time(lambda: [_optimal_param(t, p, 0.5, 0.5) for t, p in grid], repeat=1)
    lsh_params.cache_clear()
    new_lsh = _time(lambda: [lsh_params(t, p) for t, p in grid], repeat=1)

    print(f"machine: {machine()}")
    print("| step | baseline | curate.text | ratio (baseline / new) |\n|---|---|---|---|")
    print(f"| HTML rows normalised at ingest ({args.rows:,} rows with markup) | {old:.2f} s (SQL macro) | "
          f"{new:.2f} s (Python UDF) | {old / new:.2f}x |")
    print(f"| letters per script, 5,000 texts | {old_sc:.2f} s (block search) | {new_sc:.2f} s (table) | "
          f"{old_sc / new_sc:.2f}x |")
    print(f"| LSH bands/rows, {len(grid)} (threshold, num_perm) | {old_lsh:.2f} s (scipy quad) | "
          f"{new_lsh:.2f} s (Gauss-Legendre) | {old_lsh / new_lsh:.1f}x |")


if __name__ == "__main__":
    main()
