"""The tokenizer as it was before the fast path (issue 17): the straightforward loop, kept only as
the equivalence oracle of :func:`curate.dedup.kernels.tokenize` (same tokens, hashes, segments,
byte ranges and exact keys on any text).  Not used by the library."""

import numba as nb
import numpy as np

from curate.dedup.fold import (
    BREAK,
    CLASS_SHIFT,
    CP_MASK,
    DIGIT,
    LETTER,
    MARK,
    SPACE,
    SYMBOL,
    TABLE_MAX,
    TERM,
)
from curate.dedup.kernels import FNV_OFFSET, FNV_PRIME, _decode, mix

_U = nb.uint64


@nb.njit(cache=False)
def reference_tokenize(data, offsets, fstart, flen, fdata, virama, char_mode):
    """Fold, tokenize and segment every document.

    Returns ``(tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, doc_seg, has_letter, raw_key)``:
    per token its hash, whether it holds a digit, its segment (global index) and its byte
    range in ``data``; per document its token and segment ranges, whether it has a letter,
    and a hash of its raw bytes (outer ASCII whitespace stripped), the exact key of texts
    without letters.  ``char_mode`` makes grapheme clusters the tokens (a base character with
    its marks, a virama gluing the next consonant) with one space token between words.
    """
    n = len(offsets) - 1
    nbytes = offsets[n] - offsets[0]
    cap = (5 if char_mode else 2) * nbytes + n + 1
    tok_hash = np.empty(cap, np.uint64)
    tok_digit = np.zeros(cap, np.bool_)
    tok_seg = np.empty(cap, np.int64)
    tok_lo = np.empty(cap, np.int64)
    tok_hi = np.empty(cap, np.int64)
    doc_tok = np.zeros(n + 1, np.int64)
    doc_seg = np.zeros(n + 1, np.int64)
    has_letter = np.zeros(n, np.bool_)
    raw_key = np.zeros(n, np.uint64)
    t = 0
    seg = 0
    for d in range(n):
        lo = offsets[d]
        hi = offsets[d + 1]
        # raw key: FNV-1a over the bytes without surrounding ASCII whitespace
        a, b = lo, hi
        while a < b and (data[a] == 32 or 9 <= data[a] <= 13):
            a += 1
        while b > a and (data[b - 1] == 32 or 9 <= data[b - 1] <= 13):
            b -= 1
        rh = FNV_OFFSET
        for p in range(a, b):
            rh = (rh ^ _U(data[p])) * FNV_PRIME
        raw_key[d] = mix(rh ^ _U(b - a))

        in_tok = False      # a token is open
        in_word = False     # a word is open (char mode: tokens are the graphemes of words)
        need_space = False  # char mode: a space token goes before the next word of this segment
        seg_used = False    # the current segment holds a token
        pending = False     # a terminator was seen; a following separator ends the segment
        h = FNV_OFFSET
        last = -1
        p = lo
        while p < hi:
            cp, w = _decode(data, p, hi)
            if cp < TABLE_MAX:
                e0 = fstart[cp]
                e1 = e0 + flen[cp]
            else:
                e0 = -1
                e1 = 0
            e = e0
            while e < e1:
                entry = (LETTER << CLASS_SHIFT) | cp if e0 < 0 else np.int64(fdata[e])
                e += 1
                cls = entry >> CLASS_SHIFT
                c = entry & CP_MASK
                if cls == LETTER or cls == MARK or cls == DIGIT:
                    pending = False
                    if in_word and cls != DIGIT and c == last:
                        tok_hi[t - 1] = p + w      # elongation: the repeat is folded away
                        continue
                    new_tok = not in_tok
                    if char_mode and in_tok and cls != MARK and not (last >= 0 and last < TABLE_MAX and virama[last]):
                        new_tok = True
                    if new_tok:
                        if in_tok:
                            tok_hash[t - 1] = mix(h)
                        if char_mode and need_space and not in_word:
                            tok_hash[t] = mix(FNV_OFFSET ^ _U(32))
                            tok_seg[t] = seg
                            tok_lo[t] = p
                            tok_hi[t] = p
                            t += 1
                        need_space = False
                        h = FNV_OFFSET
                        tok_seg[t] = seg
                        tok_lo[t] = p
                        tok_hi[t] = p + w
                        tok_digit[t] = False
                        t += 1
                        in_tok = True
                        seg_used = True
                    in_word = True
                    h = (h ^ _U(c)) * FNV_PRIME
                    tok_hi[t - 1] = p + w
                    last = c
                    if cls == DIGIT:
                        tok_digit[t - 1] = True
                    elif cls == LETTER:
                        has_letter[d] = True
                    continue
                # anything else ends the open token and word
                if in_tok:
                    tok_hash[t - 1] = mix(h)
                    in_tok = False
                if in_word:
                    in_word = False
                    need_space = char_mode
                last = -1
                if cls == SYMBOL:
                    if pending and seg_used:
                        seg += 1
                        seg_used = False
                        need_space = False
                    pending = False
                    if char_mode and need_space:
                        tok_hash[t] = mix(FNV_OFFSET ^ _U(32))
                        tok_seg[t] = seg
                        tok_lo[t] = p
                        tok_hi[t] = p
                        t += 1
                    tok_hash[t] = mix((FNV_OFFSET ^ _U(c)) * FNV_PRIME)
                    tok_seg[t] = seg
                    tok_lo[t] = p
                    tok_hi[t] = p + w
                    tok_digit[t] = False
                    t += 1
                    seg_used = True
                    need_space = char_mode
                elif cls == TERM:
                    pending = True
                elif cls == BREAK or (cls == SPACE and pending):
                    pending = False
                    if seg_used:
                        seg += 1
                        seg_used = False
                    need_space = False
            p += w
        if in_tok:
            tok_hash[t - 1] = mix(h)
        if seg_used:
            seg += 1
        doc_tok[d + 1] = t
        doc_seg[d + 1] = seg
    return (tok_hash[:t], tok_digit[:t], tok_seg[:t], tok_lo[:t], tok_hi[:t], doc_tok, doc_seg, has_letter, raw_key)
