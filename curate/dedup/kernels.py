"""Compiled loops (numba, ``nogil``): tokens, segments, shingles, signatures, exact checks.

Why compiled: the work is a few operations per byte and per shingle, and numpy needs one
full pass over the data per operation (the previous numpy pipeline made ~30 passes over the
text and 3 x num_perm passes over the shingles).  One compiled pass per step is 10-50 x
less work; ``nogil`` lets two threads sign two batches at once.  Compiled code is cached
next to this file (``cache=True``), so only the first process after an install pays the
~5 s compilation.

Data layout: CSR everywhere.  ``data``/``offsets`` are an Arrow string array's UTF-8 bytes
and offsets; tokens, segments and shingles are flat arrays with per-document offsets.

Hashes are defined on integers only (FNV-1a over folded code points, SplitMix64 finaliser),
so they do not depend on batch boundaries, machines or library versions.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from curate.dedup.fold import BREAK, CLASS_SHIFT, CP_MASK, DIGIT, LETTER, MARK, SPACE, SYMBOL, TABLE_MAX, TERM

_U = nb.uint64
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
DIGIT_TOKEN = np.uint64(0xD161D161D161D161)   # every token holding a digit, in segment keys
EMPTY = np.uint32(0xFFFFFFFF)
_JIT = dict(nogil=True, cache=True)


@nb.njit(**_JIT)
def mix(x):
    """SplitMix64 finaliser: a cheap, well-mixed bijection on uint64."""
    x = x ^ (x >> _U(30))
    x = x * _U(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U(27))
    x = x * _U(0x94D049BB133111EB)
    return x ^ (x >> _U(31))


@nb.njit(**_JIT)
def _decode(data, p, hi):
    """(code point, bytes) of the UTF-8 sequence at ``data[p]``; a sequence cut off at ``hi`` is U+FFFD."""
    b0 = data[p]
    if b0 < 0x80:
        return np.int64(b0), 1
    if b0 < 0xE0:
        w = 2
        cp = ((np.int64(b0) & 0x1F) << 6) | (np.int64(data[p + 1]) & 0x3F) if p + 1 < hi else 0xFFFD
    elif b0 < 0xF0:
        w = 3
        cp = (((np.int64(b0) & 0x0F) << 12) | ((np.int64(data[p + 1]) & 0x3F) << 6)
              | (np.int64(data[p + 2]) & 0x3F)) if p + 2 < hi else 0xFFFD
    else:
        w = 4
        cp = (((np.int64(b0) & 0x07) << 18) | ((np.int64(data[p + 1]) & 0x3F) << 12)
              | ((np.int64(data[p + 2]) & 0x3F) << 6) | (np.int64(data[p + 3]) & 0x3F)) if p + 3 < hi else 0xFFFD
    return np.int64(cp), min(w, hi - p)


@nb.njit(**_JIT)
def tokenize(data, offsets, fone, fstart, flen, fdata, virama, char_mode):
    """Fold, tokenize and segment every document.

    ``fone`` (:func:`curate.dedup.fold.single_table`) holds, per code point below
    ``TABLE_MAX``, its one folded table entry, -1 when it folds to nothing and -2 when it folds to
    several (read from ``fstart``/``flen``/``fdata``); code points at or above are letters.

    Returns ``(tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, doc_seg, has_letter, raw_key)``:
    per token its hash, whether it holds a digit, its segment (global index) and its byte
    range in ``data``; per document its token and segment ranges, whether it has a letter,
    and, for documents without a letter only (0 for the others), a hash of its raw bytes
    (outer ASCII whitespace stripped): their exact key.  ``char_mode`` makes grapheme clusters
    the tokens (a base character with its marks, a virama gluing the next consonant) with one
    space token between words.

    Why it is shaped this way (it is the first pass's main cost, ~35 % of the pipeline): one
    table load per code point (``fone``; the three-table walk only for the few code points that
    fold to several), ASCII bytes skip the UTF-8 decoder, the open token's hash and end stay in
    registers until it closes, and the raw-bytes hash (a serial multiply per byte) is computed only
    for the rare documents that need it.  ``tests/dedup/test_kernels.py`` checks it
    token for token against the straightforward implementation it replaced.
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
    space_hash = mix(FNV_OFFSET ^ _U(32))
    t = 0
    seg = 0
    for d in range(n):
        lo = offsets[d]
        hi = offsets[d + 1]
        in_tok = False      # a token is open (its hash is h, its end cur_hi)
        in_word = False     # a word is open (char mode: tokens are the graphemes of words)
        need_space = False  # char mode: a space token goes before the next word of this segment
        seg_used = False    # the current segment holds a token
        pending = False     # a terminator was seen; a following separator ends the segment
        letter = False
        h = FNV_OFFSET
        cur_hi = lo
        last = -1
        p = lo
        while p < hi:
            b0 = data[p]
            if b0 < 0x80:
                cp = np.int64(b0)
                w = 1
            else:
                cp, w = _decode(data, p, hi)
            if cp < TABLE_MAX:
                f = np.int64(fone[cp])
                if f == -1:         # folds to nothing (format characters, nukta, ...)
                    p += w
                    continue
                if f >= 0:
                    e, e1 = -2, -1
                else:
                    e = np.int64(fstart[cp])
                    e1 = e + flen[cp]
            else:
                f = (LETTER << CLASS_SHIFT) | cp
                e, e1 = -2, -1
            while e < e1:
                entry = f if e < 0 else np.int64(fdata[e])
                e += 1
                cls = entry >> CLASS_SHIFT
                c = entry & CP_MASK
                if cls == LETTER or cls == MARK or cls == DIGIT:
                    pending = False
                    if in_word and cls != DIGIT and c == last:
                        cur_hi = p + w             # elongation: the repeat is folded away
                        continue
                    new_tok = not in_tok
                    if char_mode and in_tok and cls != MARK and not (last >= 0 and last < TABLE_MAX and virama[last]):
                        new_tok = True
                    if new_tok:
                        if in_tok:
                            tok_hash[t - 1] = mix(h)
                            tok_hi[t - 1] = cur_hi
                        if char_mode and need_space and not in_word:
                            tok_hash[t] = space_hash
                            tok_seg[t] = seg
                            tok_lo[t] = p
                            tok_hi[t] = p
                            t += 1
                        need_space = False
                        h = FNV_OFFSET
                        tok_seg[t] = seg
                        tok_lo[t] = p
                        t += 1
                        in_tok = True
                        seg_used = True
                    in_word = True
                    h = (h ^ _U(c)) * FNV_PRIME
                    cur_hi = p + w
                    last = c
                    if cls == DIGIT:
                        tok_digit[t - 1] = True
                    elif cls == LETTER:
                        letter = True
                    continue
                # anything else ends the open token and word
                if in_tok:
                    tok_hash[t - 1] = mix(h)
                    tok_hi[t - 1] = cur_hi
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
                        tok_hash[t] = space_hash
                        tok_seg[t] = seg
                        tok_lo[t] = p
                        tok_hi[t] = p
                        t += 1
                    tok_hash[t] = mix((FNV_OFFSET ^ _U(c)) * FNV_PRIME)
                    tok_seg[t] = seg
                    tok_lo[t] = p
                    tok_hi[t] = p + w
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
            tok_hi[t - 1] = cur_hi
        if seg_used:
            seg += 1
        doc_tok[d + 1] = t
        doc_seg[d + 1] = seg
        has_letter[d] = letter
        if not letter:
            raw_key[d] = _raw_key(data, lo, hi)
    return (tok_hash[:t], tok_digit[:t], tok_seg[:t], tok_lo[:t], tok_hi[:t], doc_tok, doc_seg, has_letter, raw_key)


@nb.njit(**_JIT)
def _raw_key(data, lo, hi):
    """FNV-1a over the bytes ``data[lo:hi]`` without surrounding ASCII whitespace, and their count."""
    a, b = lo, hi
    while a < b and (data[a] == 32 or 9 <= data[a] <= 13):
        a += 1
    while b > a and (data[b - 1] == 32 or 9 <= data[b - 1] <= 13):
        b -= 1
    rh = FNV_OFFSET
    for p in range(a, b):
        rh = (rh ^ _U(data[p])) * FNV_PRIME
    return mix(rh ^ _U(b - a))


@nb.njit(**_JIT)
def segment_keys(tok_hash, tok_digit, tok_seg, n_segs):
    """Key of each segment: the hash of its token sequence with every token holding a digit
    replaced by one placeholder, so a template whose numbers vary ("Your ticket number is 4821")
    has one key in every chat."""
    key = np.full(n_segs, FNV_OFFSET, np.uint64)
    for i in range(len(tok_hash)):
        s = tok_seg[i]
        key[s] = mix(key[s] * GOLDEN ^ (DIGIT_TOKEN if tok_digit[i] else tok_hash[i]))
    return key


@nb.njit(**_JIT)
def exact_keys(tok_hash, doc_tok, has_letter, raw_key):
    """Exact-duplicate key per document: its folded token sequence; texts without a letter
    (emoji, punctuation, digits only) keep their raw text as the key, so only identical ones match."""
    n = len(doc_tok) - 1
    out = np.empty(n, np.uint64)
    for d in range(n):
        if not has_letter[d]:
            out[d] = raw_key[d] ^ _U(0x5A5A5A5A5A5A5A5A)
            continue
        k = FNV_OFFSET
        for i in range(doc_tok[d], doc_tok[d + 1]):
            k = mix(k * GOLDEN ^ tok_hash[i])
        out[d] = mix(k ^ _U(doc_tok[d + 1] - doc_tok[d]))
    return out


@nb.njit(**_JIT)
def _content_tokens(d, doc_tok, tok_seg, boiler, has_letter, buf):
    """Indices of document ``d``'s tokens outside boilerplate segments into ``buf``.

    Returns (count, boilerplate segments set aside).  A document that is all boilerplate keeps
    every token (it is compared on its whole text, e.g. a ticket made only of template
    sentences).  A document without letters has no shingles at all (exact matches only).
    """
    if not has_letter[d]:
        return 0, 0
    m = 0
    excluded = 0
    prev = -1
    for i in range(doc_tok[d], doc_tok[d + 1]):
        s = tok_seg[i]
        if boiler[s]:
            if s != prev:
                excluded += 1
        else:
            buf[m] = i
            m += 1
        prev = s
    if m == 0:
        for i in range(doc_tok[d], doc_tok[d + 1]):
            buf[m] = i
            m += 1
        excluded = 0
    return m, excluded


@nb.njit(**_JIT)
def _grams(idx, m, tok_hash, n, out):
    """Hashes of the n-grams over tokens ``idx[:m]`` into ``out``; fewer than n tokens give one gram."""
    if m == 0:
        return 0
    g = max(1, m - n + 1)
    for s in range(g):
        k = FNV_OFFSET
        for j in range(s, min(m, s + n)):
            k = mix(k * GOLDEN ^ tok_hash[idx[j]])
        out[s] = k
    return g


@nb.njit(**_JIT)
def sign(tok_hash, tok_seg, doc_tok, boiler, has_letter, ngram, k, seed, probe):
    """One-permutation MinHash with optimal densification, per document.

    Every shingle is hashed once (SplitMix64 of the n-gram hash xor the seed); the top 32 bits
    choose one of ``k`` bins (multiply-shift range reduction), the low 32 bits are the value,
    and each bin keeps its minimum (Li, Owen & Zhang 2012).  An empty bin ``j`` copies the
    first non-empty bin along ``probe[j]``, a fixed random order of all bins shared by every
    document (Shrivastava 2017, "optimal densification"): two documents then agree on a bin
    with probability equal to their Jaccard similarity, as with k independent permutations,
    but at 1/k of the hashing work.

    Returns (signatures uint32[n, k], shingles per document, boilerplate segments excluded).
    """
    n = len(doc_tok) - 1
    sig = np.full((n, k), EMPTY, np.uint32)
    count = np.zeros(n, np.int64)
    excluded = np.zeros(n, np.int32)
    longest = 0
    for d in range(n):
        longest = max(longest, doc_tok[d + 1] - doc_tok[d])
    idx = np.empty(longest + 1, np.int64)
    grams = np.empty(longest + 1, np.uint64)
    filled = np.zeros(k, np.bool_)
    kk = _U(k)
    for d in range(n):
        m, ex = _content_tokens(d, doc_tok, tok_seg, boiler, has_letter, idx)
        excluded[d] = ex
        g = _grams(idx, m, tok_hash, ngram, grams)
        count[d] = g
        if g == 0:
            continue
        filled[:] = False
        row = sig[d]
        for s in range(g):
            h = mix(grams[s] ^ seed)
            b = ((h >> _U(32)) * kk) >> _U(32)
            v = np.uint32(h & _U(0xFFFFFFFF))
            if not filled[b] or v < row[b]:
                row[b] = v
                filled[b] = True
        for j in range(k):
            if not filled[j]:
                for q in range(k):
                    src = probe[j, q]
                    if filled[src]:
                        row[j] = row[src]
                        break
    return sig, count, excluded


@nb.njit(**_JIT)
def shingle_sets(docs, tok_hash, tok_seg, doc_tok, boiler, has_letter, ngram):
    """Sorted distinct n-gram hashes of the given documents (CSR): the exact sets MinHash estimates."""
    total = 0
    longest = 0
    for d in docs:
        total += max(1, doc_tok[d + 1] - doc_tok[d])
        longest = max(longest, doc_tok[d + 1] - doc_tok[d])
    keys = np.empty(total, np.uint64)
    off = np.zeros(len(docs) + 1, np.int64)
    idx = np.empty(longest + 1, np.int64)
    grams = np.empty(longest + 1, np.uint64)
    pos = 0
    for r in range(len(docs)):
        d = docs[r]
        m, _ = _content_tokens(d, doc_tok, tok_seg, boiler, has_letter, idx)
        g = _grams(idx, m, tok_hash, ngram, grams)
        u = np.unique(grams[:g])
        keys[pos:pos + len(u)] = u
        pos += len(u)
        off[r + 1] = pos
    return keys[:pos], off


@nb.njit(**_JIT)
def jaccard_pairs(keys, off, a, b):
    """Exact Jaccard similarity of sorted sets ``a[i]`` and ``b[i]`` (rows of the CSR ``keys``/``off``)."""
    out = np.zeros(len(a), np.float64)
    for i in range(len(a)):
        p, pe = off[a[i]], off[a[i] + 1]
        q, qe = off[b[i]], off[b[i] + 1]
        na = pe - p
        nb_ = qe - q
        if na == 0 or nb_ == 0:
            continue
        inter = 0
        while p < pe and q < qe:
            if keys[p] == keys[q]:
                inter += 1
                p += 1
                q += 1
            elif keys[p] < keys[q]:
                p += 1
            else:
                q += 1
        out[i] = inter / (na + nb_ - inter)
    return out


@nb.njit(**_JIT)
def shared_spans(pairs_a, pairs_b, tok_hash, tok_seg, doc_tok, boiler, has_letter, tok_lo, tok_hi, ngram):
    """Byte range in ``a`` of the longest run of its content n-grams that also occur in ``b``.

    Returns (lo, hi) per pair, (-1, -1) when they share no n-gram.
    """
    lo = np.full(len(pairs_a), -1, np.int64)
    hi = np.full(len(pairs_a), -1, np.int64)
    longest = 1
    for d in range(len(doc_tok) - 1):
        longest = max(longest, doc_tok[d + 1] - doc_tok[d] + 1)
    ia = np.empty(longest, np.int64)
    ib = np.empty(longest, np.int64)
    ga = np.empty(longest, np.uint64)
    gb = np.empty(longest, np.uint64)
    for r in range(len(pairs_a)):
        ma, _ = _content_tokens(pairs_a[r], doc_tok, tok_seg, boiler, has_letter, ia)
        mb, _ = _content_tokens(pairs_b[r], doc_tok, tok_seg, boiler, has_letter, ib)
        na = _grams(ia, ma, tok_hash, ngram, ga)
        nbg = _grams(ib, mb, tok_hash, ngram, gb)
        if na == 0 or nbg == 0:
            continue
        setb = np.sort(gb[:nbg])
        best, best_start, run = 0, 0, 0
        for s in range(na):
            j = np.searchsorted(setb, ga[s])
            if j < nbg and setb[j] == ga[s]:
                run += 1
                if run > best:
                    best = run
                    best_start = s - run + 1
            else:
                run = 0
        if best > 0:
            first = ia[best_start]
            last = ia[min(ma - 1, best_start + best - 1 + ngram - 1)]
            lo[r] = tok_lo[first]
            hi[r] = tok_hi[last]
    return lo, hi


@nb.njit(**_JIT)
def distinct_per_doc(keys, doc_seg):
    """Distinct segment keys of each document (sorted, CSR): a document counts once per segment."""
    n = len(doc_seg) - 1
    out = np.empty(len(keys), np.uint64)
    off = np.zeros(n + 1, np.int64)
    pos = 0
    for d in range(n):
        u = np.unique(keys[doc_seg[d]:doc_seg[d + 1]])
        out[pos:pos + len(u)] = u
        pos += len(u)
        off[d + 1] = pos
    return out[:pos], off


@nb.njit(**_JIT)
def greedy(order, eu, ev, ej, n_groups):
    """Keep-or-remove in priority order: a group is removed when it is similar (an edge) to an
    already kept group - the most similar one, ties to the higher priority - and kept otherwise.

    Every removed group is therefore similar to its own keeper (no chains through removed
    members).  Returns (assigned keeper group, similarity to it; 1.0 for kept groups).
    """
    deg = np.zeros(n_groups + 1, np.int64)
    for i in range(len(eu)):
        deg[eu[i] + 1] += 1
        deg[ev[i] + 1] += 1
    for g in range(n_groups):
        deg[g + 1] += deg[g]
    nbr = np.empty(2 * len(eu), np.int64)
    w = np.empty(2 * len(eu), np.float64)
    fill = deg[:-1].copy()
    for i in range(len(eu)):
        nbr[fill[eu[i]]] = ev[i]
        w[fill[eu[i]]] = ej[i]
        fill[eu[i]] += 1
        nbr[fill[ev[i]]] = eu[i]
        w[fill[ev[i]]] = ej[i]
        fill[ev[i]] += 1
    rank = np.empty(n_groups, np.int64)
    for r in range(len(order)):
        rank[order[r]] = r
    kept = np.zeros(n_groups, np.bool_)
    assign = np.arange(n_groups)
    sim = np.ones(n_groups, np.float64)
    for r in range(len(order)):
        g = order[r]
        best = -1
        bestw = -1.0
        for q in range(deg[g], deg[g + 1]):
            h = nbr[q]
            if kept[h] and (w[q] > bestw or (w[q] == bestw and rank[h] < rank[best])):
                best = h
                bestw = w[q]
        if best >= 0:
            assign[g] = best
            sim[g] = bestw
        else:
            kept[g] = True
    return assign, sim


@nb.njit(**_JIT)
def _joins(data, a, b):
    """Whether the bytes ``data[a:b]`` between two digit tokens keep them one identifier: nothing, one
    '.', or up to 3 of ' ', '-', '/' ("3937 6336 7166", "074216-89386", "18/09/2026", "12.07")."""
    if b - a > 3:
        return False
    if b - a == 1 and data[a] == 46:
        return True
    for p in range(a, b):
        c = data[p]
        if c != 32 and c != 45 and c != 47:
            return False
    return True


@nb.njit(**_JIT)
def _zero(data, a, b):
    """Whether the token ``data[a:b]`` is ASCII zeros only ("00", an amount's decimals)."""
    for p in range(a, b):
        if data[p] != 48:
            return False
    return b > a


@nb.njit(**_JIT)
def _address(data, a, b):
    """Whether the bytes between two tokens make them the two sides of an address: an '@' with at
    most one other non-space byte beside it ("priya@okaxis", "divya.@kotak", "rahul_@ybl")."""
    if b - a < 1 or b - a > 2:
        return False
    at = False
    for p in range(a, b):
        c = data[p]
        if c == 64:
            at = True
        elif c == 32 or 9 <= c <= 13:
            return False
    return at


@nb.njit(**_JIT)
def _digits(data, a, b, h, fstart, flen, fdata):
    """FNV-1a of the folded characters of the token ``data[a:b]`` continued from ``h``.

    Returns (hash, characters, digits only?).  Folded, so any script's digits hash as ASCII.
    """
    n = 0
    only = True
    p = a
    while p < b:
        cp, w = _decode(data, p, b)
        p += w
        if cp >= TABLE_MAX:
            only = False
            h = (h ^ _U(cp)) * FNV_PRIME
            n += 1
            continue
        for e in range(fstart[cp], fstart[cp] + flen[cp]):
            entry = np.int64(fdata[e])
            if (entry >> CLASS_SHIFT) != DIGIT:
                only = False
            h = (h ^ _U(entry & CP_MASK)) * FNV_PRIME
            n += 1
    return h, n, only


@nb.njit(**_JIT)
def _digits_nz(data, a, b, h, fstart, flen, fdata):
    """(hash continued from ``h``, characters) of the digits-only token ``data[a:b]``, folded like
    :func:`_digits`; a group of at most 2 digits without its leading zeros (a day or month: "03" as "3",
    so "12/03/2024" = "12-3-2024"), longer groups whole (a phone's "04321" stays)."""
    h0, n0, _ = _digits(data, a, b, h, fstart, flen, fdata)
    if n0 > 2:
        return h0, n0
    n = 0
    lead = True
    p = a
    while p < b:
        cp, w = _decode(data, p, b)
        p += w
        if cp >= TABLE_MAX:
            continue
        for e in range(fstart[cp], fstart[cp] + flen[cp]):
            c = np.int64(fdata[e]) & CP_MASK
            if lead and c == 48:
                continue
            lead = False
            h = (h ^ _U(c)) * FNV_PRIME
            n += 1
    if lead:
        h = (h ^ _U(48)) * FNV_PRIME
        n = 1
    return h, n


@nb.njit(**_JIT)
def id_sets(data, tok_hash, tok_digit, tok_lo, tok_hi, doc_tok, min_chars, fstart, flen, fdata):
    """Sorted distinct hashes of each document's identifiers (CSR).

    An identifier is a token holding a digit with at least ``min_chars`` characters (PAN,
    "ORD123456", "XXXX1234"), a number written in groups joined by :func:`_joins` separators
    with at least ``min_chars`` digits in all (phone, Aadhaar, account numbers; not "3 days",
    "4821", a bare year or a date - d/m/y or y-m-d with '/', '-' or '.': dates are facts, compared
    however written by :func:`fact_sets`), an amount's digit groups after commas
    joined ("94,605" = "94605", "1,00,000") and its decimal zeros dropped ("5000.00" = "5000",
    not the code "500000"), or an address ``x@y`` (e-mail, UPI id: the
    tokens on both sides of an '@').  A number hashes its folded digits, so "3937 6336 7166",
    "3937-6336-7166", "393763367166" and the same number in Devanagari digits are one identifier.
    """
    n = len(doc_tok) - 1
    out = np.empty(2 * len(tok_hash) + 1, np.uint64)
    off = np.zeros(n + 1, np.int64)
    pos = 0
    for d in range(n):
        start = pos
        end = doc_tok[d + 1]
        i = doc_tok[d]
        while i < end:
            if i + 1 < end and _address(data, tok_hi[i], tok_lo[i + 1]):
                out[pos] = mix((tok_hash[i] * GOLDEN) ^ _U(64) ^ mix(tok_hash[i + 1]))
                pos += 1
            if tok_digit[i]:
                h, chars, number = _digits(data, tok_lo[i], tok_hi[i], FNV_OFFSET, fstart, flen, fdata)
                # A number in groups: its short groups without leading zeros ("12/03/2024" = "12-3-2024").
                hz, cz = _digits_nz(data, tok_lo[i], tok_hi[i], FNV_OFFSET, fstart, flen, fdata)
                j = i
                skip = 0
                g1, g2, g3 = chars, 0, 0     # digits per group, for the date shape
                slashes = True               # every separator one '/', '-' or '.'
                while number and j + 1 < end and tok_digit[j + 1]:
                    comma = _between(data, tok_hi[j], tok_lo[j + 1], 44)
                    if not comma and not _joins(data, tok_hi[j], tok_lo[j + 1]):
                        break
                    h2, c2, only = _digits(data, tok_lo[j + 1], tok_hi[j + 1], h, fstart, flen, fdata)
                    if not only or (comma and (c2 < 2 or c2 > 3)):
                        break
                    if _between(data, tok_hi[j], tok_lo[j + 1], 46) and c2 <= 2 and _zero(data, tok_lo[j + 1],
                                                                                        tok_hi[j + 1]):
                        skip = 1   # an amount's decimal zeros ("5000.00" is the amount 5000, not a code)
                        break
                    slashes = slashes and (_between(data, tok_hi[j], tok_lo[j + 1], 47)
                                           or _between(data, tok_hi[j], tok_lo[j + 1], 45)
                                           or _between(data, tok_hi[j], tok_lo[j + 1], 46))
                    if j == i:
                        g2 = c2
                    elif j == i + 1:
                        g3 = c2
                    if comma:   # a thousands group: its zeros are digits of the amount
                        hz, c2, _ = _digits(data, tok_lo[j + 1], tok_hi[j + 1], hz, fstart, flen, fdata)
                    else:
                        hz, c2 = _digits_nz(data, tok_lo[j + 1], tok_hi[j + 1], hz, fstart, flen, fdata)
                    j += 1
                    h = h2
                    if j == i + 1:
                        chars = cz
                    chars += c2
                if j > i:
                    h = hz
                # A date (d/m/y, y-m-d) is a fact, not an identifier: curate.dedup.facts compares it however it is
                # written ("3/11/2026" = "3 November 2026"), so it is not read here.
                date = (j == i + 2 and slashes and ((g1 <= 2 and g2 <= 2 and (g3 == 2 or g3 == 4))
                                                    or (g1 == 4 and g2 <= 2 and g3 <= 2)))
                if chars >= min_chars and not date:
                    out[pos] = mix(h)
                    pos += 1
                i = j + 1 + skip
                continue
            i += 1
        if pos > start:
            u = np.unique(out[start:pos])
            out[start:start + len(u)] = u
            pos = start + len(u)
        off[d + 1] = pos
    return out[:pos], off


@nb.njit(**_JIT)
def disjoint_ids(keys, off, a, b):
    """True where the documents' identifiers have nothing in common: both carry some and share
    none, or only one of them carries any (a re-sent copy keeps the customer's numbers and
    addresses; a template filled in for another customer does not)."""
    out = np.zeros(len(a), np.bool_)
    for i in range(len(a)):
        p, pe = off[a[i]], off[a[i] + 1]
        q, qe = off[b[i]], off[b[i] + 1]
        if p == pe and q == qe:
            continue
        shared = False
        while p < pe and q < qe:
            if keys[p] == keys[q]:
                shared = True
                break
            elif keys[p] < keys[q]:
                p += 1
            else:
                q += 1
        out[i] = not shared
    return out


@nb.njit(**_JIT)
def take_tokens(docs, data, offsets, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, doc_seg, seg_keys):
    """The tokens of documents ``docs`` only, renumbered as if they had been tokenized alone (one copy pass).

    Returns (data, offsets, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, doc_seg, seg_keys).
    """
    m = len(docs)
    new_off = np.zeros(m + 1, np.int64)
    new_tok = np.zeros(m + 1, np.int64)
    new_seg = np.zeros(m + 1, np.int64)
    for r in range(m):
        d = docs[r]
        new_off[r + 1] = new_off[r] + offsets[d + 1] - offsets[d]
        new_tok[r + 1] = new_tok[r] + doc_tok[d + 1] - doc_tok[d]
        new_seg[r + 1] = new_seg[r] + doc_seg[d + 1] - doc_seg[d]
    o_data = np.empty(new_off[m], np.uint8)
    o_hash = np.empty(new_tok[m], np.uint64)
    o_digit = np.empty(new_tok[m], np.bool_)
    o_seg = np.empty(new_tok[m], np.int64)
    o_lo = np.empty(new_tok[m], np.int64)
    o_hi = np.empty(new_tok[m], np.int64)
    o_keys = np.empty(new_seg[m], np.uint64)
    for r in range(m):
        d = docs[r]
        o_data[new_off[r]:new_off[r + 1]] = data[offsets[d]:offsets[d + 1]]
        shift = new_off[r] - offsets[d]
        seg_shift = new_seg[r] - doc_seg[d]
        q = new_tok[r]
        for i in range(doc_tok[d], doc_tok[d + 1]):
            o_hash[q] = tok_hash[i]
            o_digit[q] = tok_digit[i]
            o_seg[q] = tok_seg[i] + seg_shift
            o_lo[q] = tok_lo[i] + shift
            o_hi[q] = tok_hi[i] + shift
            q += 1
        o_keys[new_seg[r]:new_seg[r + 1]] = seg_keys[doc_seg[d]:doc_seg[d + 1]]
    return o_data, new_off, o_hash, o_digit, o_seg, o_lo, o_hi, new_tok, new_seg, o_keys


@nb.njit(**_JIT)
def band_pairs(sig, rows, band, rows_per_band, window, n_docs):
    """Candidate pairs of one LSH band, as sorted distinct codes ``i * n_docs + j`` (i < j).

    The band key is :func:`curate.dedup.minhash.band_keys`' hash of the band's slots; rows
    sharing a key form a bucket (an open-addressing hash table: no sort), members in row order
    (``rows`` must be sorted).  Inside a bucket each member is paired with the first member and with
    the next ``window`` members (:func:`curate.dedup.lsh._pairs_from_buckets`, the DuckDB path, makes
    the same pairs).
    """
    m = len(rows)
    cap = 1
    while cap < 2 * m:
        cap *= 2
    slot_key = np.empty(cap, np.uint64)
    slot_bucket = np.full(cap, -1, np.int32)   # int32: ~40 bytes per row in all (bounded memory per thread)
    head = np.empty(m, np.int32)
    tail = np.empty(m, np.int32)
    size = np.zeros(m, np.int32)
    nxt = np.full(m, -1, np.int32)
    n_buckets = 0
    h0 = _U(band + 1) * GOLDEN
    base = band * rows_per_band
    mask = _U(cap - 1)
    for x in range(m):
        h = h0
        for k in range(rows_per_band):
            h = mix((h * GOLDEN) ^ _U(sig[rows[x], base + k]))
        s = np.int64(h & mask)
        while slot_bucket[s] >= 0 and slot_key[s] != h:
            s = (s + 1) & (cap - 1)
        b = np.int64(slot_bucket[s])
        if b < 0:
            b = n_buckets
            n_buckets += 1
            slot_bucket[s] = b
            slot_key[s] = h
            head[b] = x
        else:
            nxt[tail[b]] = x
        tail[b] = x
        size[b] += 1
    total = 0
    for b in range(n_buckets):
        if size[b] > 1:
            total += size[b] - 1
            for d in range(1, window + 1):
                if size[b] - d <= 0:
                    break
                total += size[b] - d
    codes = np.empty(total, np.int64)
    members = np.empty(m, np.int64)
    q = 0
    for b in range(n_buckets):
        if size[b] < 2:
            continue
        x = np.int64(head[b])
        L = 0
        while x >= 0:
            members[L] = rows[x]
            L += 1
            x = nxt[x]
        for p in range(1, L):
            codes[q] = members[0] * n_docs + members[p]
            q += 1
        for d in range(1, window + 1):
            for p in range(0, L - d):
                codes[q] = members[p] * n_docs + members[p + d]
                q += 1
    return np.unique(codes[:q])


@nb.njit(**_JIT)
def _utf8_strict(data, p, hi):
    """(code point, bytes) of a well-formed UTF-8 sequence at ``data[p]`` (Unicode 15, table 3-7), or (-1, 1)."""
    b0 = np.int64(data[p])
    if b0 < 0x80:
        return b0, 1
    if 0xC2 <= b0 <= 0xDF:
        w, cp, lo2, hi2 = 2, b0 & 0x1F, 0x80, 0xBF
    elif 0xE0 <= b0 <= 0xEF:
        w, cp = 3, b0 & 0x0F
        lo2, hi2 = (0xA0, 0xBF) if b0 == 0xE0 else ((0x80, 0x9F) if b0 == 0xED else (0x80, 0xBF))
    elif 0xF0 <= b0 <= 0xF4:
        w, cp = 4, b0 & 0x07
        lo2, hi2 = (0x90, 0xBF) if b0 == 0xF0 else ((0x80, 0x8F) if b0 == 0xF4 else (0x80, 0xBF))
    else:
        return np.int64(-1), 1
    if p + w > hi:
        return np.int64(-1), 1
    for k in range(1, w):
        c = np.int64(data[p + k])
        if (k == 1 and (c < lo2 or c > hi2)) or (k > 1 and (c < 0x80 or c > 0xBF)):
            return np.int64(-1), 1
        cp = (cp << 6) | (c & 0x3F)
    return cp, w


@nb.njit(**_JIT)
def excerpts(data, lo, hi, width, space_latin1, spaces):
    """Per range ``data[lo[r]:hi[r]]``: its words joined by one space (whitespace: ``space_latin1[cp]`` below
    U+0100, else one of the sorted code points ``spaces``), cut to ``width - 1`` characters plus "…" when longer than ``width`` - Python's
    ``" ".join(s.split())`` and ``s[:width - 1] + "…"``, on UTF-8 bytes.

    Returns (bytes, offsets, bad): ``bad[r]`` when the range is not well-formed UTF-8 (the caller decodes
    those rows itself, with Python's replacement rules).
    """
    n = len(lo)
    cap = 0
    for r in range(n):   # at most width + 1 characters of 4 bytes are copied, plus "…"
        cap += min(max(0, hi[r] - lo[r]), 4 * width + 8) + 3
    out = np.empty(cap, np.uint8)
    off = np.zeros(n + 1, np.int64)
    bad = np.zeros(n, np.bool_)
    pos = 0
    for r in range(n):
        start = pos
        nchar = 0
        cut = -1
        pending = False
        p = lo[r]
        while p < hi[r]:
            cp, w = _utf8_strict(data, p, hi[r])
            if cp < 0:
                bad[r] = True
                break
            if cp < 256:
                is_space = space_latin1[cp]
            elif cp < spaces[0] or cp > spaces[-1]:
                is_space = False
            else:
                i = np.searchsorted(spaces, cp)
                is_space = i < len(spaces) and spaces[i] == cp
            if is_space:
                pending = nchar > 0
                p += w
                continue
            if pending:
                if nchar == width - 1:
                    cut = pos
                out[pos] = 32
                pos += 1
                nchar += 1
                pending = False
            if nchar == width - 1:
                cut = pos
            if nchar >= width:   # a character past the width: the text is cut, the rest is not needed
                nchar += 1
                break
            for k in range(w):
                out[pos + k] = data[p + k]
            pos += w
            nchar += 1
            p += w
        if bad[r]:
            pos = start
        elif nchar > width:
            pos = cut
            out[pos] = 0xE2
            out[pos + 1] = 0x80
            out[pos + 2] = 0xA6
            pos += 3
        off[r + 1] = pos
    return out[:pos], off, bad


# ---------------------------------------------------------------- facts (numbers and negations)

NUM_SEED = np.uint64(0x4E55_4D42_4552_0001)   # number values hash from here (apart from token hashes)


@nb.njit(**_JIT)
def _int_fnv(v):
    """FNV state of a non-negative integer's decimal digits, as :func:`fact_sets` reads a number (before
    :func:`_emit` mixes it)."""
    digits = np.empty(20, np.int64)
    k = 0
    while True:
        digits[k] = v % 10
        v //= 10
        k += 1
        if v == 0:
            break
    h = NUM_SEED
    for r in range(k - 1, -1, -1):
        h = (h ^ _U(48 + digits[r])) * FNV_PRIME
    return h


@nb.njit(**_JIT)
def _emit(out, pos, h):
    if pos >= len(out):
        grown = np.empty(2 * len(out) + 16, np.uint64)
        grown[:pos] = out[:pos]
        out = grown
    out[pos] = mix(h)
    return out, pos + 1


@nb.njit(**_JIT)
def _runs(data, a, b, out, pos, h, lead, fstart, flen, fdata):
    """Read the digit runs of the token ``data[a:b]`` (folded: any script's digits read as ASCII).
    Every run but the last is emitted into ``out``; the last is returned open: (out, pos, hash, leading
    zeros still being skipped, a run is open, digits only, digits in the last run, all of them zeros).
    ``h``/``lead`` continue a run left open by the previous token (a digit group after a comma)."""
    only = True
    open_ = lead >= 0
    if not open_:
        lead = 1
    n_last = 0
    zeros = True
    p = a
    while p < b:
        cp, w = _decode(data, p, b)
        p += w
        digit = -1
        if cp < TABLE_MAX:
            for e in range(fstart[cp], fstart[cp] + flen[cp]):
                entry = np.int64(fdata[e])
                if (entry >> CLASS_SHIFT) == DIGIT and flen[cp] == 1:
                    digit = entry & CP_MASK
        if digit < 0:
            only = False
            if open_:
                if lead:   # the run was all zeros: the value 0
                    h = (h ^ _U(48)) * FNV_PRIME
                out, pos = _emit(out, pos, h)
                open_ = False
            continue
        if not open_:
            h = NUM_SEED
            lead = 1
            open_ = True
            n_last = 0
            zeros = True
        n_last += 1
        if digit != 48:
            zeros = False
        if lead and digit == 48:
            continue
        lead = 0
        h = (h ^ _U(digit)) * FNV_PRIME
    return out, pos, h, lead, open_, only, n_last, zeros


@nb.njit(**_JIT)
def _between(data, a, b, c):
    """Whether the bytes ``data[a:b]`` are exactly the one byte ``c``."""
    return b - a == 1 and data[a] == c


@nb.njit(**_JIT)
def _apostrophe(data, a, b):
    """Whether ``data[a:b]`` is one apostrophe (' or U+2019)."""
    if b - a == 1:
        return data[a] == 39
    return b - a == 3 and data[a] == 0xE2 and data[a + 1] == 0x80 and data[a + 2] == 0x99


@nb.njit(**_JIT)
def _in_sorted(keys, x):
    if len(keys) == 0:
        return False
    k = np.searchsorted(keys, x)
    return k < len(keys) and keys[k] == x


@nb.njit(**_JIT)
def _negation(data, tok_hash, tok_digit, tok_lo, tok_hi, i, lo, hi, neg_keys, no_key, no_skip, t_key, suf_data,
              suf_off):
    """Whether token ``i`` (of the document whose tokens are ``[lo, hi)``) is a negation word (see
    :func:`fact_sets`)."""
    th = tok_hash[i]
    if tok_digit[i]:
        return False
    if th == no_key:
        return not (i + 1 < hi and tok_digit[i + 1]) and not (i > lo and _in_sorted(no_skip, tok_hash[i - 1]))
    if th == t_key:
        return i > lo and _apostrophe(data, tok_hi[i - 1], tok_lo[i]) and (data[tok_hi[i - 1] - 1] | 32) == 110
    if _in_sorted(neg_keys, th):
        return True
    a, b = tok_lo[i], tok_hi[i]
    for s in range(len(suf_off) - 1):
        m = suf_off[s + 1] - suf_off[s]
        if b - a < m or data[b - 1] != suf_data[suf_off[s + 1] - 1]:
            continue
        same = True
        for q in range(m):
            if data[b - m + q] != suf_data[suf_off[s] + q]:
                same = False
                break
        if same:
            return True
    return False


@nb.njit(**_JIT)
def fact_sets(data, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, boiler, code_chars, neg_keys, no_key,
              no_skip, t_key, month_keys, month_vals, suf_data, suf_off, fstart, flen, fdata):
    """Facts of every document: (sorted hashes of the numbers it states, a multiset - the k-th repeat of a
    value hashed apart -, CSR), and its count of negation words.  Read from the tokens Jaccard compares: those outside boilerplate segments
    (``boiler``, per segment), or every token of a document that is all boilerplate.

    A number is a run of digits of any script, folded to ASCII, leading zeros dropped ("03" = "3" =
    "०३"), in tokens of digits or short ones ("3rd", "10am"; a token of letters and digits of
    ``code_chars`` or more characters is a code, left to the identifier rule); digit groups after a comma join ("1,00,000" = "100000"); an all-zero group after a point is
    dropped ("5000.00" = "5000"); dates and times give their parts ("12/03/2024" = {12, 3, 2024}).  A
    month name (``month_keys``, values ``month_vals``) next to a digit token reads as its number
    ("12 March" = {12, 3}).  A negation is a token in ``neg_keys``; "no" (``no_key``) not before a
    digit token nor after a word of ``no_skip`` ("account no 1234"); "t" (``t_key``) after an
    apostrophe that follows an "n" ("didn't"); a token ending in one of the suffixes (``suf_data`` /
    ``suf_off``, UTF-8: fused Dravidian negatives, வரவில்லை).
    """
    n = len(doc_tok) - 1
    out = np.empty(len(tok_hash) // 4 + 16, np.uint64)
    off = np.zeros(n + 1, np.int64)
    neg = np.zeros(n, np.int32)
    pos = 0
    for d in range(n):
        start = pos
        lo, hi = doc_tok[d], doc_tok[d + 1]
        content = _has_content(lo, hi, tok_seg, boiler)
        i = lo
        while i < hi:
            if content and boiler[tok_seg[i]]:
                i += 1
                continue
            if tok_digit[i]:
                _h, chars, pure = _digits(data, tok_lo[i], tok_hi[i], FNV_OFFSET, fstart, flen, fdata)
                if not pure and chars >= code_chars:   # a code (ORD482913, PAN): the identifier rule's
                    i += 1
                    continue
                out, pos, h, lead, open_, only, n_last, zeros = _runs(data, tok_lo[i], tok_hi[i], out, pos, NUM_SEED,
                                                                      -1, fstart, flen, fdata)
                while (open_ and only and i + 1 < hi and tok_digit[i + 1] and (not content or not boiler[tok_seg[i + 1]])
                       and _between(data, tok_hi[i], tok_lo[i + 1], 44)):
                    out2, pos2, h2, lead2, open2, only2, n2, z2 = _runs(data, tok_lo[i + 1], tok_hi[i + 1], out, pos,
                                                                       h, lead, fstart, flen, fdata)
                    if not only2 or n2 < 2 or n2 > 3:
                        break
                    out, pos, h, lead = out2, pos2, h2, lead2
                    i += 1
                if open_:
                    if lead:
                        h = (h ^ _U(48)) * FNV_PRIME
                    out, pos = _emit(out, pos, h)
                if only and i + 1 < hi and tok_digit[i + 1] and _between(data, tok_hi[i], tok_lo[i + 1], 46):
                    _o, _p, _h, _l, _op, only2, _n, z2 = _runs(data, tok_lo[i + 1], tok_hi[i + 1], out, pos, NUM_SEED,
                                                              -1, fstart, flen, fdata)
                    if only2 and z2:
                        i += 1
                i += 1
                continue
            if _negation(data, tok_hash, tok_digit, tok_lo, tok_hi, i, lo, hi, neg_keys, no_key, no_skip, t_key,
                         suf_data, suf_off):
                neg[d] += 1
            else:
                th = tok_hash[i]
                k = np.searchsorted(month_keys, th) if len(month_keys) else 0
                if k < len(month_keys) and month_keys[k] == th:
                    if (i > lo and tok_digit[i - 1]) or (i + 1 < hi and tok_digit[i + 1]):
                        out, pos = _emit(out, pos, _int_fnv(month_vals[k]))
            i += 1
        if pos > start:   # a multiset: a number stated twice ("6/6/2026") is kept twice, as (value, 2nd)
            u = np.sort(out[start:pos])
            k = 0
            prev = _U(0)
            for q in range(len(u)):
                if q > 0 and u[q] == prev:
                    k += 1
                else:
                    k = 0
                    prev = u[q]
                out[start + q] = u[q] if k == 0 else mix(u[q] ^ _U(k))
            out[start:pos] = np.sort(out[start:pos])
        off[d + 1] = pos
    return out[:pos], off, neg


@nb.njit(**_JIT)
def facts_differ(keys, off, neg, a, b):
    """Per pair (a[i], b[i]): 1 where each states a number the other does not (another amount, date,
    time or count; a number only one of them adds - a signature's phone, a date written out - is no
    contradiction), else 2 where their counts of negation words differ (to be checked sentence by
    sentence: :func:`negations_apart`), else 0."""
    out = np.zeros(len(a), np.uint8)
    for i in range(len(a)):
        x, y = a[i], b[i]
        p, pe = off[x], off[x + 1]
        q, qe = off[y], off[y + 1]
        only_a = False
        only_b = False
        while p < pe and q < qe:
            if keys[p] == keys[q]:
                p += 1
                q += 1
            elif keys[p] < keys[q]:
                only_a = True
                p += 1
            else:
                only_b = True
                q += 1
        only_a = only_a or p < pe
        only_b = only_b or q < qe
        if only_a and only_b:
            out[i] = 1
        elif neg[x] != neg[y]:
            out[i] = 2
    return out


@nb.njit(**_JIT)
def _matched_negations(x, y, data, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, boiler, neg_keys, no_key,
                       no_skip, t_key, suf_data, suf_off):
    """Negation words of document ``x`` in its sentences that have a counterpart in document ``y``: a
    segment of ``y`` holding at least half of the sentence's other words (negations and numbers aside).
    Boilerplate segments are left out unless a document is all boilerplate (as for the shingles)."""
    lo, hi = doc_tok[x], doc_tok[x + 1]
    ylo, yhi = doc_tok[y], doc_tok[y + 1]
    cx = False
    for i in range(lo, hi):
        if not boiler[tok_seg[i]]:
            cx = True
            break
    cy = False
    for j in range(ylo, yhi):
        if not boiler[tok_seg[j]]:
            cy = True
            break
    isneg = np.zeros(yhi - ylo, np.bool_)
    for j in range(ylo, yhi):
        isneg[j - ylo] = _negation(data, tok_hash, tok_digit, tok_lo, tok_hi, j, ylo, yhi, neg_keys, no_key, no_skip,
                                   t_key, suf_data, suf_off)
    total = 0
    i = lo
    while i < hi:
        s = tok_seg[i]
        e = i
        while e < hi and tok_seg[e] == s:
            e += 1
        if cx and boiler[s]:
            i = e
            continue
        n_neg = 0
        words = 0
        for k in range(i, e):
            if _negation(data, tok_hash, tok_digit, tok_lo, tok_hi, k, lo, hi, neg_keys, no_key, no_skip, t_key,
                         suf_data, suf_off):
                n_neg += 1
            elif not tok_digit[k]:
                words += 1
        if n_neg > 0:
            best = 0
            j = ylo
            while j < yhi:
                sy = tok_seg[j]
                f = j
                while f < yhi and tok_seg[f] == sy:
                    f += 1
                if not (cy and boiler[sy]):
                    shared = 0
                    for k in range(i, e):
                        if tok_digit[k]:
                            continue
                        for q in range(j, f):
                            if tok_hash[q] == tok_hash[k] and not isneg[q - ylo] and not tok_digit[q]:
                                shared += 1
                                break
                    if shared > best:
                        best = shared
                j = f
            if words > 0 and 2 * best >= words:
                total += n_neg
        i = e
    return total


@nb.njit(**_JIT)
def negations_apart(a, b, data, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, boiler, neg_keys, no_key,
                    no_skip, t_key, suf_data, suf_off):
    """Per pair (a[i], b[i]): whether one states what the other denies - their negation words differ in
    number within the sentences both hold (a sentence with a counterpart, :func:`_matched_negations`).  A
    negation in a sentence only one of them has (an added "Please do not reply" footer) is no
    contradiction."""
    out = np.zeros(len(a), np.bool_)
    for i in range(len(a)):
        nx = _matched_negations(a[i], b[i], data, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, boiler,
                                neg_keys, no_key, no_skip, t_key, suf_data, suf_off)
        ny = _matched_negations(b[i], a[i], data, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, boiler,
                                neg_keys, no_key, no_skip, t_key, suf_data, suf_off)
        out[i] = nx != ny
    return out


@nb.njit(**_JIT)
def _named(data, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, i, lo, kind_keys):
    """Whether token ``i`` (of the document whose tokens start at ``lo``) names something: a word of the kinds
    lexicon (``kind_keys``, sorted: savings / current, debit / credit ...), or, inside a sentence - not its
    first word, nor one after anything but spaces (a comma, quote, bracket, dash: "Dear Sir, Please ...") - a
    word written with a capital A-Z then a small a-z (a name, a city: Rahul, Mumbai) or an acronym of 2-4
    capitals (a channel, an account kind: NEFT, IMPS, NRE); a longer word in capitals is shouting, not a name."""
    if tok_digit[i]:
        return False
    if _in_sorted(kind_keys, tok_hash[i]):
        return True
    a, n = tok_lo[i], tok_hi[i] - tok_lo[i]
    if n < 2 or data[a] < 65 or data[a] > 90:
        return False
    if 97 <= data[a + 1] <= 122:          # Rahul, Mumbai
        pass
    elif n <= 4:                          # NEFT, IMPS, NRE: an acronym, all capitals
        for p in range(a + 1, a + n):
            if data[p] < 65 or data[p] > 90:
                return False
    else:                                 # a shouted word (PLEASE, URGENT) is no name
        return False
    if i == lo or tok_seg[i - 1] != tok_seg[i]:
        return False
    for p in range(tok_hi[i - 1], a):   # only spaces since the previous word: no comma, quote, bracket, dash
        if data[p] != 32 and data[p] != 9:
            return False
    return True


@nb.njit(**_JIT)
def _lower(c):
    return c | 32 if 65 <= c <= 90 else c


@nb.njit(**_JIT)
def _one_edit(data, a, m, b, n):
    """Whether the bytes ``data[a:a+m]`` and ``data[b:b+n]`` (ASCII case aside) are one typo apart: one byte
    inserted, dropped or replaced, or two neighbours swapped (Mumbai / Mumbia / Mumbaai)."""
    if m - n > 1 or n - m > 1:
        return False
    i = 0
    while i < m and i < n and _lower(data[a + i]) == _lower(data[b + i]):
        i += 1
    j = 0
    while j < m - i and j < n - i and _lower(data[a + m - 1 - j]) == _lower(data[b + n - 1 - j]):
        j += 1
    if m + n - 2 * (i + j) <= 2 and (m - i - j <= 1 and n - i - j <= 1):
        return True
    return (m == n and m - i - j == 2 and _lower(data[a + i]) == _lower(data[b + i + 1])
            and _lower(data[a + i + 1]) == _lower(data[b + i]))


@nb.njit(**_JIT)
def _spelled(data, tok_hash, tok_digit, tok_lo, tok_hi, i, ylo, yhi, other):
    """Whether token ``i`` is spelled in the document whose tokens are ``[ylo, yhi)`` (``other``: their hashes,
    sorted): the same folded word, or - for a Latin word of five or more letters - a typo of one of its words."""
    if _in_sorted(other, tok_hash[i]):
        return True
    a, m = tok_lo[i], tok_hi[i] - tok_lo[i]
    if m < 5 or data[a] >= 128:   # Latin letters only: one UTF-8 byte of an Indic letter is no typo (शाम / काम)
        return False
    for j in range(ylo, yhi):
        if not tok_digit[j] and data[tok_lo[j]] < 128 and _one_edit(data, a, m, tok_lo[j], tok_hi[j] - tok_lo[j]):
            return True
    return False


@nb.njit(**_JIT)
def _has_content(lo, hi, tok_seg, boiler):
    """Whether any token ``lo..hi`` lies outside boilerplate segments."""
    for i in range(lo, hi):
        if not boiler[tok_seg[i]]:
            return True
    return False


@nb.njit(**_JIT)
def _names_missing(x, y, data, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, boiler, kind_keys):
    """Whether document ``x`` names something (:func:`_named`, outside boilerplate unless ``x`` is all
    boilerplate) that no token of document ``y`` spells, even with a typo (:func:`_spelled`)."""
    lo, hi = doc_tok[x], doc_tok[x + 1]
    content = _has_content(lo, hi, tok_seg, boiler)
    other = np.sort(tok_hash[doc_tok[y]:doc_tok[y + 1]])
    for i in range(lo, hi):
        if content and boiler[tok_seg[i]]:
            continue
        if _named(data, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, i, lo, kind_keys) and \
                not _spelled(data, tok_hash, tok_digit, tok_lo, tok_hi, i, doc_tok[y], doc_tok[y + 1], other):
            return True
    return False


@nb.njit(**_JIT)
def names_apart(a, b, data, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, boiler, kind_keys):
    """Per pair (a[i], b[i]): whether each names something the other does not spell anywhere (savings /
    current account, Rahul / Priya, Mumbai / Delhi, debit / credit card): a word substituted by another word,
    as in two messages built from one template.  A name only one side adds (a signature, a greeting) is no
    contradiction, nor is a change of case (an all-capitals copy spells every word of the original)."""
    out = np.zeros(len(a), np.bool_)
    for i in range(len(a)):
        out[i] = (_names_missing(a[i], b[i], data, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, boiler,
                                 kind_keys)
                  and _names_missing(b[i], a[i], data, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, boiler,
                                     kind_keys))
    return out
