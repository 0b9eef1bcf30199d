"""Identifiers read for the veto: numbers written in groups or in any script's digits are one
identifier, e-mail / UPI addresses are identifiers, small numbers and bare years are not."""

import pyarrow as pa

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
    assert len(c) == 3                                  # PAN, order code, the date as one number
    assert d == set()                                   # a year, small counts and a 4-digit number
    assert len(e) == 2


def test_words_with_digits_do_not_run_together_into_one_identifier():
    one, two = _ids(["w12345 w23456 w34567", "w12345 w99999"])
    assert len(one) == 3 and len(one & two) == 1
