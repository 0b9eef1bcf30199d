"""Identifiers read for the veto: numbers written in groups or in any script's digits are one
identifier, e-mail / UPI addresses are identifiers, small numbers and bare years are not."""

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.dedup import kernels as K
from curate.dedup.config import MinHashConfig
from curate.dedup.core import ID_CHARS, tokenize
from curate.dedup.fold import tables


def _ids(texts):
    t = tokenize(pa.array(texts, pa.string()), MinHashConfig())
    keys, off = K.id_sets(t.data, t.tok_hash, t.tok_digit, t.tok_lo, t.tok_hi, t.doc_tok, ID_CHARS, *tables())
    return [set(keys[off[d]:off[d + 1]].tolist()) for d in range(len(texts))]


def test_a_number_is_one_identifier_however_it_is_grouped_or_written():
    forms = ["Aadhaar 3937 6336 7166 please", "Aadhaar 3937-6336-7166 please", "Aadhaar 393763367166 please",
             "आधार ३९३७ ६३३६ ७१६६ कृपया", "আধার ৩৯৩৭ ৬৩৩৬ ৭১৬৬", "ஆதார் ௩௯௩௭ ௬௩௩௬ ௭௧௬௬"]
    ids = _ids(forms)
    assert all(len(s) == 1 for s in ids) and all(s == ids[0] for s in ids)
    other = _ids(["Aadhaar 3937 6336 7167 please"])[0]
    assert other and other.isdisjoint(ids[0])


def test_addresses_codes_and_dates_are_identifiers_small_numbers_and_years_are_not():
    a, b, c, d, e = _ids(["write to priya.k@okaxis today", "write to PRIYA.K@OKAXIS today",
                          "PAN ABCDE1234F, order ORD482913, paid on 18/09/2026",
                          "in 2026 it took 3 days and 45 minutes, ticket 4821",
                          "divya.@kotak and rahul_@ybl"])
    assert len(a) == 1 and a == b                       # case-folded address
    assert len(c) == 2                                  # PAN, order code (the date is a fact: test_facts.py)
    assert d == set()                                   # a year, small counts and a 4-digit number
    assert len(e) == 2


def test_amounts_are_one_identifier_however_grouped_and_dates_are_none():
    # 94,605 = 94605; 1,00,000 = 100000; decimal zeros are not digits of a code; a date in any separator is no
    # identifier (the facts rule compares dates); a phone's inner group keeps its zero
    a, b, c, d, e, f, g = _ids(["Rs 94,605 paid", "Rs 94605.00 paid", "Rs 1,00,000 paid", "Rs 100000 paid",
                                "on 12/03/2024 and 2024-03-12 and 12.3.24", "call 98765 04321", "call 9876504321"])
    assert len(a) == 1 and a == b and len(c) == 1 and c == d and a != c
    assert e == set()
    assert len(f) == 1 and f == g


def test_words_with_digits_do_not_run_together_into_one_identifier():
    one, two = _ids(["w12345 w23456 w34567", "w12345 w99999"])
    assert len(one) == 3 and len(one & two) == 1


# The fast tokenizer against the straightforward loop it replaced (tests/dedup/reference_tokenizer.py): the
# oracle here is the previous implementation, whose own behaviour the other tests check against outside
# oracles (folding: test_core / test_minhash; identifiers: above).  Same tokens means same shingles, signatures
# and clusters.

VARIED = [
    "", " ", "\n\n", "   \t ",
    "नमस्ते, मेरा खाता नंबर ४५६७८९०१२३ है। कृपया मदद करें!!",            # Devanagari, its digits
    "आपका ऑर्डर ज़रूर पहुँचेगा… धन्यवाद।।", "জিজ্ঞাসা করুন, আমার ৪৫৬ টাকা ফেরত দিন।",   # nukta, candrabindu; Bengali
    "ਸਤ ਸ੍ਰੀ ਅਕਾਲ, ਮੇਰਾ ਪੈਸਾ ੧੨੩ ਵਾਪਸ ਕਰੋ", "મારું ખાતું બંધ કરો ૧૨૩૪૫",               # Gurmukhi, Gujarati
    "ମୋ ଟଙ୍କା ଫେରାଇ ଦିଅ ୧୨", "என் கணக்கு எண் ௧௨௩௪௫ ஆகும்.", "నా ఖాతా నంబర్ ౧౨౩౪౫",      # Odia, Tamil, Telugu
    "ನನ್ನ ಖಾತೆ ೧೨೩೪೫", "എന്റെ അക്കൗണ്ട് ൧൨൩൪൫ ആണ്", "මගේ ගිණුම", "ᱚᱞ ᱪᱤᱠᱤ ᱑᱒᱓",           # Kannada, Malayalam, Sinhala, Ol Chiki
    "ꯃꯩꯇꯩ ꯃꯌꯦꯛ ꯱꯲꯳", "𑒧𑒻𑒟𑒱𑒪𑒲", "ام کا اکاؤنٹ ۱۲۳ ٹھیک ہے؟",                          # Meetei Mayek, Tirhuta, Urdu
    "Mera account block ho gaya hai yaar, pleaseeee help karo!!! Order ORD482913 abhi tak nahi aaya",  # Hinglish
    "👍", "?", "ok 👍", "ok 👎", "👨‍👩‍👧‍👦 family 👋🏽 hi 🇮🇳 ❤️‍🔥",                           # emoji, ZWJ, tones, flags
    "Ｏｒｄｅｒ １２３４５ ｉｓ ｌａｔｅ", "ﬁnance ﬂow ﬃ ① ㎏ ℌ 𝐁𝐨𝐥𝐝", "Straße STRASSE ǅ İstanbul",  # NFKC, case
    "priya.k@okaxis paid ₹1,299.50 on 18/09/2026; PAN ABCDE1234F, call +91 98765-43210",          # identifiers
    "a\u200db\u200cc\u00add\ufeffe\u200ef", "x\u0301\u0301 e\u0308 Ω Å", "line one\r\nline two\u2028three\u2029four",
    "\x00\x01\x7f ctrl", "𠀀𠀁 𪜀 ext-B", "١٢٣ ۴۵۶ ߁߂ ๑๒", "Ⅻ ⅷ ½ ²³ ¹",  # CJK ext (>= TABLE_MAX), digits
    "aaaa bbbb 1000 ooo!!! ... ?? \u0964\u0965 end.", "क्ष त्र ज्ञ श्र — ददददद", "¿¡ «» „“ 、。",
]


def _both(data, offsets, char_mode):
    from curate.dedup.fold import single_table, virama_table
    from tests.dedup.reference_tokenizer import reference_tokenize

    fast = K.tokenize(data, offsets, single_table(), *tables(), virama_table(), char_mode)
    ref = reference_tokenize(data, offsets, *tables(), virama_table(), char_mode)
    names = ("tok_hash", "tok_digit", "tok_seg", "tok_lo", "tok_hi", "doc_tok", "doc_seg", "has_letter")
    for name, a, b in zip(names, fast, ref):
        assert np.array_equal(a, b), name
    no_letter = ~ref[7]
    assert np.array_equal(fast[8][no_letter], ref[8][no_letter])     # raw keys: only where they are the key
    assert np.array_equal(K.exact_keys(fast[0], fast[5], fast[7], fast[8]),
                          K.exact_keys(ref[0], ref[5], ref[7], ref[8]))


def _arrow_buffers(texts):
    from curate.dedup.core import _buffers

    arr = pa.array(["pad"] + texts, pa.string()).slice(1)     # a sliced array: offsets that do not start at 0
    return _buffers(arr)


@pytest.mark.parametrize("char_mode", [False, True])
def test_fast_tokenizer_matches_the_reference_on_every_script_emoji_and_folding_case(char_mode):
    _both(*_arrow_buffers(VARIED), char_mode)
    for t in VARIED:                                           # each alone too: no state leaks between documents
        _both(*_arrow_buffers([t]), char_mode)


@pytest.mark.parametrize("char_mode", [False, True])
def test_fast_tokenizer_matches_the_reference_on_random_code_points_and_broken_utf8(char_mode):
    rng = np.random.default_rng(17)
    blocks = [(0x20, 0x7F), (0xA0, 0x250), (0x900, 0xDFF), (0x1C50, 0x1C7F), (0x2000, 0x206F), (0x2460, 0x24FF),
              (0xFB00, 0xFB4F), (0xFE00, 0xFE0F), (0xFF00, 0xFFEF), (0x1D400, 0x1D7FF), (0x1F300, 0x1FAFF),
              (0x20000, 0x2A6DF), (0xE0100, 0xE01EF)]
    texts = []
    for _ in range(400):
        n = int(rng.integers(0, 80))
        picks = rng.integers(0, len(blocks), n)
        cps = [int(rng.integers(*blocks[b])) for b in picks]
        texts.append("".join(chr(c) for c in cps if not 0xD800 <= c < 0xE000))
    _both(*_arrow_buffers(texts), char_mode)
    # Raw bytes that are not UTF-8 (sequences cut at a document's end, stray continuation bytes): both decode alike.
    data = rng.integers(0, 256, 20_000).astype(np.uint8)
    offsets = np.unique(np.concatenate([[0, len(data)], rng.integers(0, len(data), 300)])).astype(np.int64)
    _both(data, offsets, char_mode)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=8), st.booleans())
def test_fast_tokenizer_matches_the_reference_on_any_text(texts, char_mode):
    _both(*_arrow_buffers(texts), char_mode)


def test_folding_tables_from_the_disk_cache_equal_freshly_built_ones_and_a_bad_file_is_rebuilt(tmp_path, monkeypatch):
    from curate.dedup import fold

    fresh = fold.build_tables()
    path = tmp_path / "fold-tables-x.npz"
    monkeypatch.setattr(fold, "_cache_path", lambda: path)
    for bad in (b"not an npz file", b"PK\x03\x04truncated"):   # damaged files are rebuilt
        path.write_bytes(bad)
        for _ in range(2):                                         # built and saved, then loaded from the file
            got = fold._load_or_build()
            assert all(np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(got, fresh))
        assert path.stat().st_size > 100_000


def test_excerpt_whitespace_is_what_str_split_splits_on():
    from curate.dedup.core import _spaces

    low, high = _spaces()
    assert low.tolist() == [chr(c).isspace() for c in range(256)]
    assert high.tolist() == [c for c in range(256, 0x110000) if chr(c).isspace()]
