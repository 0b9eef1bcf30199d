"""The NFC pre-check must never skip a string that NFC would change."""

import random
import re
import unicodedata

from curate.text.nfc import needs_nfc_pattern

POOL = ("aeiou é\u0301\u0300\u0327 क\u093c\u094d\u093e\u0902\u0958 ন\u09bc\u09be\u09c7\u09cd\u09cb "
        "த\u0bbe\u0bc6\u0bca\u0bcd ഒ\u0d3e\u0d46\u0d4a\u0d4d \u1100\u1161\u11a8\u2126\u212b ಕ\u0cbc\u0cc6\u0cd5")


def test_precheck_is_exact_enough():
    pattern = re.compile(re.sub(r"\\x\{([0-9A-F]+)\}", lambda m: chr(int(m.group(1), 16)).replace("\\", "\\\\")
                                if chr(int(m.group(1), 16)) not in "]-^\\[" else "\\" + chr(int(m.group(1), 16)),
                                needs_nfc_pattern()))
    rng = random.Random(0)
    checked = 0
    for _ in range(20000):
        s = "".join(rng.choice(POOL) for _ in range(rng.randint(1, 8)))
        if not pattern.search(s):
            assert unicodedata.normalize("NFC", s) == s, repr(s)
            checked += 1
    assert checked > 1000  # the pre-check lets plenty of ordinary strings skip NFC


def test_duckdb_accepts_the_pattern():
    import duckdb

    con = duckdb.connect()
    rows = con.execute("SELECT regexp_matches(s, ?) FROM (VALUES ('plain text'), ('\u0958'), ('আমার'), "
                       "('নে\u09be'), ('नमस्ते')) t(s)", [needs_nfc_pattern()]).fetchall()
    # Ordinary Bengali with া is already NFC; ে followed by া composes to ো and must be normalised.
    assert [r[0] for r in rows] == [False, True, False, True, False]


def test_nfc_composes_and_keeps_composition_exclusions_decomposed():
    from curate.text.nfc import nfc

    assert nfc("cafe\u0301") == "caf\u00e9"            # e + COMBINING ACUTE ACCENT -> é
    assert nfc("\u0958") == "\u0915\u093c"             # क़ is a composition exclusion: क + nukta
    assert nfc("\u0995\u09c7\u09be") == "\u0995\u09cb"  # Bengali ে + া compose to ো
    text = "already NFC: नमस्ते"
    assert nfc(text) is text
