"""Exact + near-duplicate clustering, and the file-mode entry points.

Pipeline:

1. **Sketch** every document (:func:`sketch`, per batch, compiled): the compared text of its
   shape (:mod:`curate.dedup.views`) is folded and tokenized (:mod:`curate.dedup.fold`), cut
   into segments (sentences/lines/turns), and gives an exact-duplicate key, its distinct
   segment keys and a one-permutation MinHash signature of its word n-grams.
2. **Boilerplate**: a segment whose key occurs in at least ``boilerplate_share`` of the
   distinct documents (and ``boilerplate_min_docs`` of them) is boilerplate - canned replies,
   shared instructions, signatures.  Documents holding boilerplate are signed again without it.
3. **Exact groups**: same folded token sequence (texts without letters: same raw text).
   One representative per group goes on.
4. **Candidates**: LSH band keys grouped in DuckDB (:mod:`curate.dedup.lsh`), pre-filtered on
   the estimated Jaccard, then **verified on the exact Jaccard** of the shingle sets.
5. **Keepers** (:func:`curate.dedup.kernels.greedy`): groups in keep-policy order; a group is
   removed when it is similar to an already kept group, kept otherwise.  So every removed row
   is itself similar to its keeper: no chains of A~B~C dragging in an unrelated C.
6. **Explanations** for every removed row: keeper, estimated and exact Jaccard, the longest
   shared span of text, and how many boilerplate segments were set aside.

Determinism: documents come in a canonical order (input row order in file mode, doc_id order
in the workspace); every step depends only on that order and on the texts.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curate.dedup import kernels as K
from curate.dedup.cluster import choose_keepers
from curate.dedup.config import DedupConfig, DedupTableConfig, MinHashConfig
from curate.dedup.facts import fact_sets, names_apart, negations_apart
from curate.dedup.fold import single_table, tables, virama_table
from curate.dedup.lsh import candidate_pairs_local
from curate.dedup.parallel import _pool, parallel_section, pieces, pmap, release_memory, threads
from curate.dedup.minhash import EMPTY, estimated_jaccard, lsh_params, probe_table, seed_key
from curate.dedup.views import id_text, match_and_id_text, match_text, shape_columns, target_text
from curate.errors import CurateError, validation_message

OUTPUTS = {"dup_cluster": pa.string(), "dup_keep": pa.bool_(), "dup_reason": pa.string(),
           "dup_similarity": pa.float64(), "dup_jaccard": pa.float64(), "dup_shared": pa.string(),
           "dup_boilerplate": pa.int32()}
# Candidates whose *estimated* Jaccard is this far below the threshold are still checked exactly:
# ~3 standard errors of a 128-bin estimate near 0.5, so estimate noise costs (almost) no recall.
ESTIMATE_MARGIN = 0.15
SHARED_CHARS = 240
# LSH bands are tuned for 0.6 x threshold: tuned at the threshold itself, a pair at exactly the threshold
# becomes a candidate only ~55 % of the time (25 bands x 5 rows at 0.5).  At 0.6 x threshold (37 x 3 for
# 0.5) a pair at the threshold is a candidate 99.3 % of the time; exact verification removes the extra
# candidates, so LSH errs on the side of recall.
LSH_FACTOR = 0.6
# An identifier: digit-holding tokens run together with at least this many characters (order/account/phone/
# Aadhaar/PAN numbers, dates in digits; not "3 working days", not a bare year shared by every ticket of 2026),
# or an e-mail / UPI address (see kernels.id_sets).
ID_CHARS = 5
# In-memory tables (dedup_table) keep their first-pass tokens up to this many bytes (~40 per token: ~6 M
# tokens, ~60 MB of Indic text), so verification does not tokenize candidates again; beyond it (and in the
# streaming file mode, whose memory bound matters more) candidates are re-read and tokenized.
KEEP_TOKEN_BYTES = 256 << 20
# Documents (or pairs) per piece of a parallel compiled step: pieces are cut by this size alone, never by the
# thread count, and joined in order, so results do not depend on how many threads ran them.
PIECE = 1024
# Exact key of a row with no text to compare (null, missing, empty or whitespace-only compared text): such a
# row is never a duplicate candidate (two empty rows say nothing about each other), it is kept in no cluster
# with dup_reason NO_TEXT.  A reserved value; a real key equals it with probability 2^-64.
BLANK = np.uint64(0xB1A4_0000_0000_0001)
NO_TEXT = "no_text"
# Near duplicates need at least this many word tokens (boilerplate set aside) on both sides: below it one
# edit ("not", "1" -> "2") changes a large share of the few shingles, so Jaccard cannot tell a re-send from
# a different statement ("blocked" / "not blocked").  Shorter texts are exact-duplicate candidates only
# (same text after match folding).  Chosen on the labelled benchmark (benchmarks/dedup.py, BENCHMARKS.md).
MIN_NEAR_TOKENS = 16
# ... unless both sides carry the same *strong* identifier, written by the customer: an e-mail / UPI address, or
# a number or code of at least this many characters (phone, account, Aadhaar, card, PAN, GSTIN; not a date such
# as 14-12-2025, an amount or a short order number).  A short template ticket re-sent with one word changed
# keeps its customer's numbers; two customers' tickets from one template do not share them.  Chosen on the demo
# generator's tickets inside its whole mix and the labelled benchmark (BENCHMARKS.md, issue 17 seventh round).
STRONG_ID_CHARS = 9
# What a chat or SFT row trains the model to write (its assistant turns / output, views.target_text) decides
# whether two such rows are one example: a near pair whose targets differ in content is never a duplicate
# ("The account is blocked ..." / "... unblocked ...", सुबह / शाम: the prompts are near, the facts taught are not).
# Targets are compared as their sequences of segment keys (sentences/lines, folded, every number masked: a
# re-sent chat's reply carries a fresh ticket number) with boilerplate segments (canned replies, shared labels)
# set aside.  Per document: NO_TARGET for rows that are neither chats nor SFT pairs (the rule does not apply),
# NO_CONTENT when every segment of the target is boilerplate or it is empty, else the order-sensitive key.
NO_TARGET = np.uint64(0)
NO_CONTENT = np.uint64(0x7A26_E700_0000_0001)
# Why a verified pair is not a near duplicate (Verifier.pairs, per pair): SAME - nothing against it; APART -
# identifiers disagree, a side too short, or training targets differ; FACTS - only its facts differ (numbers or
# negations, curate.dedup.facts): such rows are kept with dup_reason DISTINCT_FACTS when their Jaccard reached the
# threshold.
SAME, APART, FACTS = np.uint8(0), np.uint8(1), np.uint8(2)
DISTINCT_FACTS = "distinct_facts"


@lru_cache(maxsize=1)
def _spaces() -> tuple[np.ndarray, np.ndarray]:
    """What str.split() splits on (str.isspace), for the compiled excerpts: below U+0100 as a lookup table, the
    rest as sorted code points.  Computed on first use, by numpy's isspace over every code point at once (the
    same predicate, Py_UNICODE_ISSPACE; ~8 ms, a Python loop took ~50 ms)."""
    cps = np.arange(0x110000, dtype=np.uint32)
    space = np.char.isspace(cps.view("<U1"))
    return space[:256].copy(), cps[256:][space[256:]].astype(np.int64)


@dataclass
class Tokens:
    """Tokenizer output for a batch (see :func:`curate.dedup.kernels.tokenize`)."""

    data: np.ndarray
    offsets: np.ndarray
    tok_hash: np.ndarray
    tok_digit: np.ndarray
    tok_seg: np.ndarray
    tok_lo: np.ndarray
    tok_hi: np.ndarray
    doc_tok: np.ndarray
    doc_seg: np.ndarray
    has_letter: np.ndarray
    raw_key: np.ndarray       # raw-bytes key of documents without a letter (0 for the others)
    seg_keys: np.ndarray = field(default=None)

    def boiler_mask(self, boiler_keys: np.ndarray | None) -> np.ndarray:
        """Per segment: whether it is boilerplate (its key is one of ``boiler_keys``)."""
        if boiler_keys is None or len(boiler_keys) == 0:
            return np.zeros(len(self.seg_keys), np.bool_)
        return np.isin(self.seg_keys, boiler_keys)

    def excerpt(self, d: int, lo: int | None = None, hi: int | None = None, width: int = SHARED_CHARS) -> str:
        lo = int(self.offsets[d]) if lo is None else lo
        hi = int(self.offsets[d + 1]) if hi is None else hi
        t = " ".join(self.data[lo:hi].tobytes().decode("utf-8", "replace").split())
        return t if len(t) <= width else t[: width - 1] + "…"

    def excerpts(self, lo: np.ndarray, hi: np.ndarray, width: int = SHARED_CHARS, threads: int | None = None
                 ) -> list[str]:
        """:meth:`excerpt` of many byte ranges at once (compiled, in pieces on ``threads``; same strings)."""
        lo, hi = np.asarray(lo, np.int64), np.asarray(hi, np.int64)

        def piece(p: tuple[int, int]) -> list[str]:
            data, off, bad = K.excerpts(self.data, lo[p[0]:p[1]], hi[p[0]:p[1]], width, *_spaces())
            out = pa.StringArray.from_buffers(p[1] - p[0], pa.py_buffer(off.astype(np.int32)),
                                              pa.py_buffer(data)).to_pylist()
            for r in np.flatnonzero(bad):   # not well-formed UTF-8: Python's replacement rules
                out[r] = self.excerpt(0, int(lo[p[0] + r]), int(hi[p[0] + r]), width)
            return out

        return [x for part in pmap(piece, pieces(len(lo), PIECE), threads) for x in part]

    @property
    def nbytes(self) -> int:
        """Bytes held (text and token arrays)."""
        return sum(int(a.nbytes) for a in (self.data, self.offsets, self.tok_hash, self.tok_digit, self.tok_seg,
                                           self.tok_lo, self.tok_hi, self.doc_tok, self.doc_seg, self.seg_keys))

    def view(self) -> pa.Array:
        """The tokenized texts again, as a string array (no copy of the text)."""
        return pa.LargeStringArray.from_buffers(len(self.offsets) - 1, pa.py_buffer(np.ascontiguousarray(self.offsets)),
                                                pa.py_buffer(np.ascontiguousarray(self.data))).cast(pa.string())

    def take(self, docs: np.ndarray) -> Tokens:
        """The documents at rows ``docs`` only, as if they had been tokenized alone."""
        docs = np.asarray(docs, np.int64)
        (data, offsets, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, doc_seg,
         seg_keys) = K.take_tokens(docs, self.data, self.offsets, self.tok_hash, self.tok_digit, self.tok_seg,
                                   self.tok_lo, self.tok_hi, self.doc_tok, self.doc_seg, self.seg_keys)
        return Tokens(data, offsets, tok_hash, tok_digit, tok_seg, tok_lo, tok_hi, doc_tok, doc_seg,
                      self.has_letter[docs], self.raw_key[docs], seg_keys)

    @staticmethod
    def concat(parts: list["Tokens"]) -> Tokens:
        """Documents of ``parts`` one after the other, as if tokenized together."""
        if len(parts) == 1:
            return parts[0]
        shift = np.cumsum([0] + [len(p.data) for p in parts[:-1]])
        segs = np.cumsum([0] + [int(p.doc_seg[-1]) for p in parts[:-1]])
        toks = np.cumsum([0] + [int(p.doc_tok[-1]) for p in parts[:-1]])

        def cat(name, add=None, offsets=False):
            arrays = [getattr(p, name) for p in parts]
            if add is not None:
                arrays = [a + k for a, k in zip(arrays, add)]
            if offsets:
                arrays = arrays[:1] + [a[1:] for a in arrays[1:]]
            return np.concatenate(arrays)

        return Tokens(cat("data"), cat("offsets", shift, True), cat("tok_hash"), cat("tok_digit"),
                      cat("tok_seg", segs), cat("tok_lo", shift), cat("tok_hi", shift), cat("doc_tok", toks, True),
                      cat("doc_seg", segs, True), cat("has_letter"), cat("raw_key"), cat("seg_keys"))


def _buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(bytes, offsets[len+1]) of a string array, offsets rebased to the bytes (no copy of the text)."""
    arr = arr.cast(pa.string())
    offsets = np.frombuffer(arr.buffers()[1], np.int32)[arr.offset:arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(arr.buffers()[2], np.uint8) if arr.buffers()[2] is not None else np.zeros(0, np.uint8)
    lo = int(offsets[0]) if len(offsets) else 0
    return data[lo:int(offsets[-1]) if len(offsets) else 0], offsets - lo


def tokenize(view: pa.Array, cfg: MinHashConfig) -> Tokens:
    """Fold, tokenize and segment compared texts (one compiled pass)."""
    if isinstance(view, pa.ChunkedArray):
        view = view.combine_chunks() if view.num_chunks else pa.array([], pa.string())
    view = pc.fill_null(view.cast(pa.string()), "")
    data, offsets = _buffers(view)
    out = K.tokenize(data, offsets, single_table(), *tables(), _VIRAMA, cfg.shingle == "char")
    t = Tokens(data, offsets, *out)
    t.seg_keys = K.segment_keys(t.tok_hash, t.tok_digit, t.tok_seg, int(t.doc_seg[-1]))
    return t


_VIRAMA = virama_table()


@dataclass
class Sketches:
    """Per-document sketches (canonical order): everything clustering needs but the texts."""

    sig: np.ndarray          # (n, num_perm) uint32, boilerplate not yet set aside
    exact: np.ndarray        # uint64 exact-duplicate keys
    seg_keys: np.ndarray     # distinct segment keys, flat (CSR with seg_off)
    seg_off: np.ndarray
    length: np.ndarray       # characters of the compared text (the 'longest' policy)


def sketch(view: pa.Array, cfg: MinHashConfig, tokens: list | None = None
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(signatures, exact keys, distinct segment keys, their offsets) for a batch of compared texts.

    ``tokens``: a list that receives the batch's :class:`Tokens` (kept for verification)."""
    t = tokenize(view, cfg)
    sig, _, _ = K.sign(t.tok_hash, t.tok_seg, t.doc_tok, t.boiler_mask(None), t.has_letter,
                       cfg.ngram, cfg.num_perm, seed_key(cfg.seed), probe_table(cfg.num_perm, cfg.seed))
    exact = K.exact_keys(t.tok_hash, t.doc_tok, t.has_letter, t.raw_key)
    exact[blank_rows(view)] = BLANK
    seg, seg_off = K.distinct_per_doc(t.seg_keys, t.doc_seg)
    if tokens is not None:
        tokens.append(t)
    return sig, exact, seg, seg_off


def blank_rows(view: pa.Array) -> np.ndarray:
    """Per compared text: whether it is null or only whitespace (Unicode, ``str.isspace``): nothing to compare."""
    if isinstance(view, pa.ChunkedArray):
        view = view.combine_chunks() if view.num_chunks else pa.array([], pa.string())
    trimmed = pc.utf8_length(pc.utf8_trim_whitespace(view.cast(pa.string())))
    return np.asarray(pc.fill_null(pc.equal(trimmed, 0), True).to_numpy(zero_copy_only=False), bool)


class KeptTokens:
    """First-pass tokens of every document, by canonical position: verification and the boilerplate
    re-signing take them from here instead of fetching and tokenizing the texts again."""

    def __init__(self, parts: dict[int, Tokens], threads: int | None = None):
        self.starts = np.array(sorted(parts), np.int64)
        self.parts = [parts[int(a)] for a in self.starts]
        self.threads = threads

    def take(self, idx: np.ndarray) -> Tokens:
        """Tokens of the documents at sorted positions ``idx``, as if tokenized together (batches copied on
        several threads, joined in order)."""
        cut = np.searchsorted(idx, self.starts)
        cut = np.append(cut, len(idx))
        todo = [(part, idx[a:b] - start) for part, start, a, b in zip(self.parts, self.starts, cut[:-1], cut[1:])
                if b > a]
        out = pmap(lambda job: job[0].take(job[1]), todo, self.threads)
        return Tokens.concat(out) if out else tokenize(pa.array([], pa.string()), MinHashConfig())


def _lengths(view: pa.Array) -> np.ndarray:
    out = pc.fill_null(pc.utf8_length(view), 0)
    return np.asarray(out.to_numpy(zero_copy_only=False), np.int64)


class Sketcher:
    """Collects :class:`Sketches` batch by batch into preallocated arrays (no concatenation copies).

    Batches are signed on several threads at once (all cores by default: the compiled loops release
    the GIL).  With ``keep_bytes`` the batches' tokens are kept too (:meth:`kept`) while they take at most
    that many bytes in all (text and token arrays, ~40 bytes per token); past it they are dropped and
    clustering re-reads the texts it needs.  Results are the same either way.
    """

    def __init__(self, n: int, cfg: MinHashConfig, keep_bytes: int = 0):
        self.cfg = cfg
        self.sig = np.empty((n, cfg.num_perm), np.uint32)
        self.exact = np.empty(n, np.uint64)
        self.length = np.empty(n, np.int64)
        self.seg_parts: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.keep_bytes = keep_bytes
        self._tokens: dict[int, Tokens] | None = {} if keep_bytes > 0 else None
        self._kept_bytes = 0
        self._lock = threading.Lock()
        self.threads: int | None = None
        self.id_parts: dict[int, pa.Array] = {}

    def id_texts(self) -> pa.Array | None:
        """The customer-written text (:func:`curate.dedup.views.id_text`) of every row, when :meth:`add` was
        given tables; else None."""
        if not self.id_parts or sum(len(a) for a in self.id_parts.values()) != len(self.exact):
            return None
        return pa.concat_arrays([self.id_parts[k] for k in sorted(self.id_parts)])

    def add(self, view: pa.Array | pa.Table, offset: int, batch_size: int = 2048, workers: int | None = None,
            progress: Callable[[int], None] | None = None) -> None:
        """Sketch the compared texts ``view`` (rows ``offset`` on).  Given the rows themselves (a table) each
        batch computes its compared and customer-written texts on its own thread (DuckDB's JSON decoding
        included); :meth:`id_texts` returns the latter."""
        rows = view if isinstance(view, pa.Table) else None

        def one(start: int) -> int:
            if rows is not None:
                part, ids = match_and_id_text(rows.slice(start, batch_size), self.cfg)
                self.id_parts[offset + start] = ids
            else:
                part = view.slice(start, batch_size)
            toks: list | None = [] if self._tokens is not None else None
            sig, exact, seg, seg_off = sketch(part, self.cfg, toks)
            at = offset + start
            self.sig[at:at + len(exact)] = sig
            self.exact[at:at + len(exact)] = exact
            self.length[at:at + len(exact)] = _lengths(part)
            self.seg_parts[at] = (seg, seg_off)
            if toks:
                self._keep(at, toks[0])
            return len(exact)

        workers = self.threads = threads(workers)
        with parallel_section():
            for done in _pool(workers).map(one, range(0, len(view) if rows is None else rows.num_rows, batch_size)):
                if progress:
                    progress(done)
        release_memory()

    def _keep(self, at: int, t: Tokens) -> None:
        with self._lock:
            if self._tokens is None:
                return
            self._kept_bytes += t.nbytes
            if self._kept_bytes > self.keep_bytes:
                self._tokens = None          # over budget: drop them all, clustering re-reads the texts
            else:
                self._tokens[at] = t

    def kept(self) -> KeptTokens | None:
        """The first-pass tokens of every document, or None when they were not (all) kept."""
        if not self._tokens or sum(len(t.offsets) - 1 for t in self._tokens.values()) != len(self.exact):
            return None
        return KeptTokens(self._tokens, self.threads)

    def result(self) -> Sketches:
        segs, offs, base = [], [np.zeros(1, np.int64)], 0
        for at in sorted(self.seg_parts):
            seg, off = self.seg_parts[at]
            segs.append(seg)
            offs.append(off[1:] + base)
            base += len(seg)
        seg_keys = np.concatenate(segs) if segs else np.zeros(0, np.uint64)
        return Sketches(self.sig, self.exact, seg_keys, np.concatenate(offs), self.length)


class TextSource:
    """The shape columns of documents by canonical position, fetched on demand (only candidates
    are re-read)."""

    def __init__(self, take: Callable[[np.ndarray], pa.Table], ids: pa.Array | None = None):
        self._take = take
        self.ids = ids   # id_text of every document, when computed with the compared texts (in-memory tables)

    def take(self, idx: np.ndarray) -> pa.Table:
        """Shape columns (text, messages, instruction, input, output) of the documents at sorted positions ``idx``."""
        return self._take(np.asarray(idx, np.int64))

    @classmethod
    def of(cls, table: pa.Table, ids: pa.Array | None = None) -> "TextSource":
        return cls(lambda idx: table.take(pa.array(idx)), ids)


@dataclass
class Clusters:
    """Per document: keeper index, reason, similarities, shared span, boilerplate set aside."""

    keeper: np.ndarray        # int64
    size: np.ndarray          # members in the document's cluster (1 = unique)
    exact: np.ndarray         # bool: same folded text as the keeper
    similarity: np.ndarray    # estimated Jaccard with the keeper
    jaccard: np.ndarray       # exact Jaccard of the shingle sets with the keeper
    shared: list              # excerpt of the longest shared span (removed near duplicates), else None
    boilerplate: np.ndarray   # boilerplate segments set aside, int32
    boilerplate_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    candidate_pairs: int = 0
    verified_pairs: int = 0
    bands: int = 0
    rows: int = 0
    blank: np.ndarray | None = None   # bool: no text to compare (kept, in no cluster, dup_reason no_text)
    facts_apart: np.ndarray | None = None   # bool: near another row by Jaccard, kept apart for differing facts


def boilerplate_keys(sk: Sketches, reps: np.ndarray, cfg: DedupConfig) -> np.ndarray:
    """Sorted segment keys found in at least max(min_docs, share x distinct documents) distinct documents."""
    cut = boilerplate_cut(cfg, len(reps))
    if cut is None:
        return np.zeros(0, np.uint64)
    is_rep = np.zeros(len(sk.seg_off) - 1, bool)
    is_rep[reps] = True
    keys, counts = rep_segment_counts(sk.seg_keys, sk.seg_off, is_rep)
    return keys[counts >= cut]


def boilerplate_cut(cfg, n_reps: int) -> int | None:
    """Distinct documents a segment must be found in to be boilerplate; ``None`` when the detector is off."""
    if cfg.boilerplate_share >= 1.0 or n_reps == 0:
        return None
    return max(cfg.boilerplate_min_docs, math.ceil(cfg.boilerplate_share * n_reps))


def rep_segment_counts(seg_keys: np.ndarray, seg_off: np.ndarray, is_rep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted segment keys, distinct documents holding each) over the documents where ``is_rep``."""
    doc_of_key = np.repeat(is_rep, np.diff(seg_off))   # each document's keys are distinct already
    return np.unique(seg_keys[doc_of_key], return_counts=True)


def boilerplate_holders(seg_keys: np.ndarray, seg_off: np.ndarray, boiler: np.ndarray) -> np.ndarray:
    """Per document: whether any of its segment keys is boilerplate."""
    n = len(seg_off) - 1
    holds = np.zeros(n, bool)
    if len(boiler) == 0:
        return holds
    has = np.isin(seg_keys, boiler)
    nz = np.flatnonzero(np.diff(seg_off) > 0)
    holds[nz] = np.add.reduceat(has, seg_off[:-1][nz]) > 0
    return holds


def resign(sig: np.ndarray, idx: np.ndarray, source: TextSource, cfg, boiler: np.ndarray,
           excluded: np.ndarray, tokens: KeptTokens | None = None) -> None:
    """Sign the documents at positions ``idx`` again with the boilerplate segments set aside: ``sig[idx]`` and
    ``excluded[idx]`` (segments set aside) are updated in place, 4,096 documents at a time.  ``tokens``: the
    first pass's (:meth:`Sketcher.kept`), so the texts are not fetched and tokenized again."""
    num_perm = sig.shape[1]

    def one(piece: tuple[int, int]) -> None:
        part = idx[piece[0]:piece[1]]
        t, mask = _prepared(source, part, cfg, boiler, kept=tokens)
        new, _, ex = K.sign(t.tok_hash, t.tok_seg, t.doc_tok, mask, t.has_letter, cfg.ngram,
                            num_perm, seed_key(cfg.seed), probe_table(num_perm, cfg.seed))
        sig[part] = new
        excluded[part] = ex

    # Pieces touch disjoint rows of sig/excluded.  Only kept tokens are read on several threads: a TextSource
    # (a Parquet file re-read, a DuckDB query) is asked one piece at a time.
    pmap(one, pieces(len(idx), PIECE), tokens.threads if tokens is not None else 1)


def _csr_concat(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """One CSR (values, offsets) from several, rows in order."""
    vals = np.concatenate([v[o[0]:o[-1]] for v, o in parts])
    offs, base = [np.zeros(1, np.int64)], 0
    for _, o in parts:
        offs.append(o[1:] - o[0] + base)
        base += int(o[-1] - o[0])
    return vals, np.concatenate(offs)


def _csr_pick(use_b: np.ndarray, a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]):
    """Per row, row r of CSR ``a`` or (where ``use_b[r]``) the next row of CSR ``b`` (one row per True)."""
    (va, oa), (vb, ob) = a, b
    cnt_b = np.zeros(len(use_b), np.int64)
    cnt_b[use_b] = np.diff(ob)
    start_b = np.zeros(len(use_b), np.int64)
    start_b[use_b] = ob[:-1] + len(va)
    cnt = np.where(use_b, cnt_b, np.diff(oa))
    start = np.where(use_b, start_b, oa[:-1])
    off = np.concatenate([[0], np.cumsum(cnt)]).astype(np.int64)
    idx = np.repeat(start - off[:-1], cnt) + np.arange(off[-1])
    return np.concatenate([va, vb])[idx], off


def _prepared(source: TextSource, idx: np.ndarray, cfg, boiler: np.ndarray, ids: bool = False,
              kept: KeptTokens | None = None, threads: int | None = None):
    """Tokens and boilerplate mask (and with ``ids`` the identifier sets and the strong identifier sets, CSR:
    :data:`ID_CHARS`, :data:`STRONG_ID_CHARS`, then the training-target keys, :func:`_target_keys`, then the
    facts, :func:`curate.dedup.facts.fact_sets`: numbers CSR and negation counts) of the documents at ``idx``:
    from ``kept`` when given, else fetched from ``source`` and tokenized."""
    if kept is not None:
        t = kept.take(idx)
        if not ids:
            return t, t.boiler_mask(boiler)
        view = t.view()
        rows = source.take(idx)
        id_view = source.ids.take(pa.array(idx)) if source.ids is not None else id_text(rows, cfg)
    else:
        rows = source.take(idx)
        view = match_text(rows, cfg)
        t = tokenize(view, cfg)
        if not ids:
            return t, t.boiler_mask(boiler)
        id_view = id_text(rows, cfg)
    target = _target_keys(target_text(rows, cfg), cfg, boiler, len(view), _sft_rows(rows))
    # Identifiers are read from word tokens whatever the shingle mode (a number is one word), from what the
    # customer wrote (id_text).  Where that is the compared text itself (plain-text rows) its tokens serve both;
    # only the other rows (chats, SFT pairs) are tokenized again.
    ids_view = pc.fill_null(id_view.cast(pa.string()), "")
    if cfg.shingle == "word":
        differs = ~np.asarray(pc.equal(ids_view, pc.fill_null(view.cast(pa.string()), "")).to_numpy(
            zero_copy_only=False), bool)
    else:
        differs = np.ones(len(view), bool)
    none = (np.zeros(0, np.uint64), np.zeros(len(view) + 1, np.int64))
    mask = t.boiler_mask(boiler)
    own = [_id_sets(t, threads, c) if not differs.all() else none for c in (ID_CHARS, STRONG_ID_CHARS)]
    # Facts, like identifiers, from what the customer wrote, outside boilerplate (as the shingles are).
    own_facts = _fact_sets(t, mask, threads) if not differs.all() else (*none, np.zeros(len(view), np.int32))
    if not differs.any():
        return t, mask, *own, target, own_facts
    u = tokenize(ids_view.filter(pa.array(differs)), cfg.model_copy(update={"shingle": "word"}))
    u_facts = _fact_sets(u, u.boiler_mask(boiler), threads)
    neg = own_facts[2].copy()
    neg[differs] = u_facts[2]
    facts = (*_csr_pick(differs, own_facts[:2], u_facts[:2]), neg)
    return (t, mask,
            *(_csr_pick(differs, o, _id_sets(u, threads, c)) for o, c in zip(own, (ID_CHARS, STRONG_ID_CHARS))),
            target, facts)


def _sft_rows(rows: pa.Table) -> np.ndarray | None:
    """Per row: an SFT pair (an ``output`` and no chat), whose target is a label or an answer of its own."""
    if "output" not in rows.column_names:
        return None
    sft = ~np.asarray(rows.column("output").is_null().to_numpy(zero_copy_only=False), bool)
    if "messages" in rows.column_names:
        sft &= np.asarray(rows.column("messages").is_null().to_numpy(zero_copy_only=False), bool)
    return sft


def _target_keys(view: pa.Array | None, cfg, boiler: np.ndarray, n: int, sft: np.ndarray | None = None) -> np.ndarray:
    """Per document (uint64): :data:`NO_TARGET` where ``view`` (:func:`curate.dedup.views.target_text`) is null
    or None, :data:`NO_CONTENT` where every segment of the target is boilerplate or has no word, else an
    order-sensitive hash of its other segments' keys (folded words, numbers masked: ``kernels.segment_keys``).

    ``sft`` (per document): for SFT pairs a target that is all boilerplate is still keyed, by all its segments —
    a frequent output is a *label* ("positive" / "negative"), and the same input with two labels is a conflict
    to keep and see, not a copy to remove. (Chats keep NO_CONTENT: a canned reply naming another bank is the same
    reply.)"""
    out = np.full(n, NO_TARGET, np.uint64)
    if view is None:
        return out
    has = ~np.asarray(view.is_null().to_numpy(zero_copy_only=False), bool)
    if not has.any():
        return out
    # Tokenized like the compared text, so segment keys are those the boilerplate keys were counted on.
    t = tokenize(view.filter(pa.array(has)), cfg)
    n_seg = len(t.seg_keys)
    content = ~t.boiler_mask(boiler) & (np.bincount(t.tok_seg, minlength=n_seg)[:n_seg] > 0)
    doc = np.repeat(np.arange(len(t.doc_seg) - 1), np.diff(t.doc_seg))
    # position among the document's content segments, so an inserted boilerplate line changes nothing
    run = np.cumsum(content) - 1
    start = np.concatenate([[0], np.cumsum(content)])[t.doc_seg[:-1]]
    pos = (run - start[doc] + 1).astype(np.uint64)
    with np.errstate(over="ignore"):
        h = (t.seg_keys ^ (pos * np.uint64(0x9E37_79B9_7F4A_7C15))) * np.uint64(0xBF58_476D_1CE4_E5B9)
        h ^= h >> np.uint64(31)
        h = np.where(content, h, np.uint64(0))
        total = np.concatenate([[np.uint64(0)], np.cumsum(h, dtype=np.uint64)])
        key = total[t.doc_seg[1:]] - total[t.doc_seg[:-1]]
    n_content = np.concatenate([[0], np.cumsum(content)])
    empty = (n_content[t.doc_seg[1:]] - n_content[t.doc_seg[:-1]]) == 0
    if sft is not None and (empty & sft[has]).any():
        words = np.bincount(t.tok_seg, minlength=n_seg)[:n_seg] > 0
        with np.errstate(over="ignore"):
            h_all = np.where(words, t.seg_keys * np.uint64(0xBF58_476D_1CE4_E5B9), np.uint64(0))
            total_all = np.concatenate([[np.uint64(0)], np.cumsum(h_all, dtype=np.uint64)])
            key_all = total_all[t.doc_seg[1:]] - total_all[t.doc_seg[:-1]]
        labelled = empty & sft[has] & (key_all != NO_TARGET)
        key = np.where(labelled, key_all, key)
        empty = empty & ~labelled
    key = np.where(empty, NO_CONTENT, key)
    key = np.where((key == NO_TARGET) & ~empty, np.uint64(1), key)   # a real key never reads as "no target"
    out[has] = key
    return out


def _words(view: pa.Array) -> Tokens:
    """Word tokens of ``view`` under the default settings: how the facts lexicon (negators, months) is hashed."""
    return tokenize(view, MinHashConfig())


def _fact_sets(t: Tokens, mask: np.ndarray, threads: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`curate.dedup.facts.fact_sets` of every document of ``t``, in pieces (numbers CSR, negation counts)."""
    n = len(t.doc_tok) - 1
    if n == 0:
        return np.zeros(0, np.uint64), np.zeros(1, np.int64), np.zeros(0, np.int32)
    parts = pmap(lambda p: fact_sets(t, mask, _words, t.doc_tok[p[0]:p[1] + 1], ID_CHARS), pieces(n, PIECE), threads)
    keys, off = _csr_concat([(k, o) for k, o, _ in parts])
    return keys, off, np.concatenate([g for _, _, g in parts])


def _id_sets(t: Tokens, threads: int | None, min_chars: int = ID_CHARS) -> tuple[np.ndarray, np.ndarray]:
    """Identifier sets (``min_chars`` or more characters) of every document of ``t`` (CSR;
    :func:`curate.dedup.kernels.id_sets`), in pieces."""
    n = len(t.doc_tok) - 1
    if n == 0:
        return np.zeros(0, np.uint64), np.zeros(1, np.int64)
    return _csr_concat(pmap(lambda p: K.id_sets(t.data, t.tok_hash, t.tok_digit, t.tok_lo, t.tok_hi,
                                                t.doc_tok[p[0]:p[1] + 1], min_chars, *tables()),
                            pieces(n, PIECE), threads))


@dataclass
class _Prepared:
    """Tokens, boilerplate mask, identifier sets and shingle sets of some documents (rows in ``docs`` order)."""

    docs: np.ndarray
    t: Tokens
    mask: np.ndarray
    ids: tuple[np.ndarray, np.ndarray]
    keys: tuple[np.ndarray, np.ndarray]
    short: np.ndarray    # bool: too few content tokens for a near duplicate (MIN_NEAR_TOKENS)
    strong: tuple[np.ndarray, np.ndarray]   # identifiers of STRONG_ID_CHARS+ characters (CSR)
    target: np.ndarray   # uint64 key of the training target (NO_TARGET, NO_CONTENT or a content key)
    facts: tuple[np.ndarray, np.ndarray]   # numbers stated (CSR of hashes, curate.dedup.facts)
    neg: np.ndarray      # int32 negation words

    def __post_init__(self):
        self._order = np.argsort(self.docs, kind="stable")
        self._sorted = self.docs[self._order]

    def rows(self, q: np.ndarray) -> np.ndarray | None:
        """Row of each document of ``q``; None when one of them is not here."""
        at = np.searchsorted(self._sorted, q)
        if not len(q):
            return self._order[at]
        if (at >= len(self._sorted)).any() or (self._sorted[np.minimum(at, len(self._sorted) - 1)] != q).any():
            return None
        return self._order[at]

    def __add__(self, other: _Prepared) -> _Prepared:
        a, b = self.t, other.t
        shift, segs, toks = len(a.data), int(a.doc_seg[-1]), int(a.doc_tok[-1])
        t = Tokens(np.concatenate([a.data, b.data]), np.concatenate([a.offsets, b.offsets[1:] + shift]),
                   np.concatenate([a.tok_hash, b.tok_hash]), np.concatenate([a.tok_digit, b.tok_digit]),
                   np.concatenate([a.tok_seg, b.tok_seg + segs]), np.concatenate([a.tok_lo, b.tok_lo + shift]),
                   np.concatenate([a.tok_hi, b.tok_hi + shift]), np.concatenate([a.doc_tok, b.doc_tok[1:] + toks]),
                   np.concatenate([a.doc_seg, b.doc_seg[1:] + segs]), np.concatenate([a.has_letter, b.has_letter]),
                   np.concatenate([a.raw_key, b.raw_key]), np.concatenate([a.seg_keys, b.seg_keys]))
        return _Prepared(np.concatenate([self.docs, other.docs]), t, np.concatenate([self.mask, other.mask]),
                         _csr_concat([self.ids, other.ids]), _csr_concat([self.keys, other.keys]),
                         np.concatenate([self.short, other.short]), _csr_concat([self.strong, other.strong]),
                         np.concatenate([self.target, other.target]), _csr_concat([self.facts, other.facts]),
                         np.concatenate([self.neg, other.neg]))


class Verifier:
    """Exact Jaccard, identifier agreement and shared spans for pairs of documents.

    Texts are fetched and tokenized block by block (at most ``block_docs`` documents at a time),
    so memory stays bounded however many candidates a corpus has.  While every document asked
    for fits in one block (the usual case) the prepared documents are kept, and a later call
    (chain checks, shared spans) prepares only the documents it adds: each document is
    tokenized once.  With ``tokens`` (the first pass's, :meth:`Sketcher.kept`) the compared texts
    are not tokenized again at all; only chats' user turns and SFT prompts are, for identifiers.
    """

    def __init__(self, source: TextSource, cfg, boiler: np.ndarray, block_docs: int = 16_384,
                 tokens: KeptTokens | None = None, threads: int | None = None):
        self.source, self.cfg, self.boiler, self.block = source, cfg, boiler, max(2, block_docs)
        self.tokens, self.threads = tokens, threads
        self._kept: _Prepared | None = None

    def _prepare(self, docs: np.ndarray) -> _Prepared:
        t, mask, ids, strong, target, facts = _prepared(self.source, docs, self.cfg, self.boiler, ids=True,
                                                 kept=self.tokens, threads=self.threads)
        keys = _csr_concat(pmap(lambda p: K.shingle_sets(np.arange(*p), t.tok_hash, t.tok_seg, t.doc_tok, mask,
                                                         t.has_letter, self.cfg.ngram),
                                pieces(len(docs), PIECE), self.threads)) if len(docs) else \
            (np.zeros(0, np.uint64), np.zeros(1, np.int64))
        return _Prepared(docs, t, mask, ids, keys, _short(t, mask, self.cfg), strong, target, facts[:2], facts[2])

    def _blocks(self, a: np.ndarray, b: np.ndarray):
        """(pair indices, rows of a / b in the block, the block) per block of prepared documents."""
        every = np.unique(np.concatenate([a, b]))
        kept = self._kept
        if kept is not None:
            missing = np.setdiff1d(every, kept.docs)
            if len(missing) and len(kept.docs) + len(missing) <= self.block:
                kept = self._kept = kept + self._prepare(missing)
            if kept.rows(every) is not None:
                yield np.arange(len(a)), kept.rows(a), kept.rows(b), kept
                return
        if len(every) <= self.block:
            self._kept = self._prepare(every)
            yield np.arange(len(a)), self._kept.rows(a), self._kept.rows(b), self._kept
            return
        order = np.argsort(a, kind="stable")
        step = self.block // 2
        for s in range(0, len(order), step):
            sel = order[s:s + step]
            block = self._prepare(np.unique(np.concatenate([a[sel], b[sel]])))
            yield sel, block.rows(a[sel]), block.rows(b[sel]), block
            del block   # one block in memory at a time (the caller drops its references before asking on)

    def pairs(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(exact Jaccard of the shingle sets, why the pair is no near duplicate: :data:`SAME` / :data:`APART` /
        :data:`FACTS`, uint8) for each pair (a[i], b[i])."""
        jac = np.zeros(len(a))
        disjoint = np.zeros(len(a), np.uint8)
        for sel, ra, rb, block in self._blocks(a, b):
            parts = pmap(partial(_pair_piece, block, ra, rb, words=self.cfg.shingle == "word"),
                         pieces(len(ra), 4 * PIECE), self.threads)
            if parts:
                jac[sel] = np.concatenate([j for j, _ in parts])
                disjoint[sel] = np.concatenate([d for _, d in parts])
            del block, parts
            release_memory()
        return jac, disjoint

    def span_list(self, a: np.ndarray, b: np.ndarray) -> list:
        """Per pair: excerpt of the longest run of n-grams ``a[i]`` shares with ``b[i]`` (``None``: nothing shared)."""
        out: list = [None] * len(a)
        for sel, ra, rb, block in self._blocks(a, b):
            t = block.t
            parts = pmap(partial(_span_piece, block, ra, rb, self.cfg.ngram), pieces(len(ra), PIECE), self.threads)
            lo = np.concatenate([x for x, _ in parts]) if parts else np.zeros(0, np.int64)
            hi = np.concatenate([y for _, y in parts]) if parts else np.zeros(0, np.int64)
            found = np.flatnonzero(lo >= 0)
            for k, text in zip(found, t.excerpts(lo[found], hi[found], threads=self.threads)):
                out[int(sel[k])] = text
            del block, t, parts
            release_memory()
        return out

    def checked(self, sig: np.ndarray, a: np.ndarray, b: np.ndarray,
                min_estimate: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`pairs` for the pairs whose estimated Jaccard (rows of ``sig``) reaches ``min_estimate``;
        the others get Jaccard -1 (not verified)."""
        jac = np.full(len(a), -1.0)
        disjoint = np.zeros(len(a), np.uint8)
        ok = np.ones(len(a), bool)
        if min_estimate is not None:   # by chunks: no float per candidate pair (8M candidates at 1M documents)
            for s in range(0, len(a), 1 << 20):
                ok[s:s + (1 << 20)] = estimated_jaccard(sig, a[s:s + (1 << 20)], b[s:s + (1 << 20)]) >= min_estimate
        if ok.any():
            jac[ok], disjoint[ok] = self.pairs(a[ok], b[ok])
        return jac, disjoint


def _short(t: Tokens, mask: np.ndarray, cfg) -> np.ndarray:
    """Per document of ``t``: fewer than :data:`MIN_NEAR_TOKENS` word tokens outside boilerplate (all of them
    when everything is boilerplate, as in the shingles).  Grapheme shingles (char mode) are not counted in
    words: there nothing is short."""
    n = len(t.doc_tok) - 1
    if cfg.shingle != "word" or n == 0:
        return np.zeros(n, bool)
    total = np.diff(t.doc_tok)
    # Tokens are in document order: content tokens per document are differences of one running count
    # (np.add.at over every token of a block cost ~10 ms per 100k tokens).
    running = np.concatenate([[0], np.cumsum(~mask[t.tok_seg], dtype=np.int64)])
    content = running[t.doc_tok[1:]] - running[t.doc_tok[:-1]]
    content = np.where(content == 0, total, content)
    return content < MIN_NEAR_TOKENS


def _pair_piece(block: _Prepared, ra: np.ndarray, rb: np.ndarray, piece: tuple[int, int], words: bool = True):
    """(exact Jaccard, why never near duplicates) of the pairs ``piece`` of rows (ra, rb) of ``block``.
    :data:`APART`: identifiers disagree, or one side is too short to compare by Jaccard (:data:`MIN_NEAR_TOKENS`)
    and the two do not share a strong identifier (:data:`STRONG_ID_CHARS`), or both are chats / SFT pairs whose
    training targets differ in content (:data:`NO_TARGET`); else :data:`FACTS`: their facts differ (numbers,
    negations, or - word tokens, ``words`` - a named kind, name or place swapped: :mod:`curate.dedup.facts`);
    else :data:`SAME`."""
    a, b = ra[piece[0]:piece[1]], rb[piece[0]:piece[1]]
    short = block.short[a] | block.short[b]
    if short.any():
        has = np.diff(block.strong[1]) > 0
        short &= ~(has[a] & has[b] & ~K.disjoint_ids(*block.strong, a, b))
    ta, tb = block.target[a], block.target[b]
    taught = (ta != NO_TARGET) & (tb != NO_TARGET) & (ta != tb)
    apart = K.disjoint_ids(*block.ids, a, b) | short | taught
    facts = K.facts_differ(*block.facts, block.neg, a, b)
    negated = np.flatnonzero((facts == 2) & ~apart)
    if len(negated):   # negation counts differ: only within sentences both hold (an added footer is no denial)
        facts[negated] = np.where(negations_apart(block.t, block.mask, a[negated], b[negated], _words), 1, 0)
    if words:   # a word swapped for another (savings / current, Rahul / Priya, Mumbai / Delhi): two requests
        same = np.flatnonzero((facts == 0) & ~apart)
        if len(same):
            facts[same] = names_apart(block.t, block.mask, a[same], b[same], _words)
    why = np.where(apart, APART, np.where(facts > 0, FACTS, SAME))
    return K.jaccard_pairs(*block.keys, a, b), why.astype(np.uint8)


def _span_piece(block: _Prepared, ra: np.ndarray, rb: np.ndarray, ngram: int, piece: tuple[int, int]):
    """Byte range of the longest shared run for the pairs ``piece`` (:func:`curate.dedup.kernels.shared_spans`)."""
    t = block.t
    return K.shared_spans(ra[piece[0]:piece[1]], rb[piece[0]:piece[1]], t.tok_hash, t.tok_seg, t.doc_tok, block.mask,
                          t.has_letter, t.tok_lo, t.tok_hi, ngram)


def spread_spans(a: np.ndarray, spans: list, n: int) -> list:
    """Per document (list of ``n``): the span of the pair whose first document it is."""
    out: list = [None] * n
    for k, text in enumerate(spans):
        if text is not None:
            out[int(a[k])] = text
    return out


class LocalDocs:
    """Sketches in this process's memory, texts from a :class:`TextSource`: what :func:`cluster_docs` asks of
    the documents, answered on the driver (local engine, file mode). ``grouping(sig, rows, bands,
    rows_per_band, window) -> (i, j)``: where LSH buckets are grouped (default: DuckDB on ``con``);
    ``tokens``: the first pass's (:meth:`Sketcher.kept`, in-memory tables), used for re-signing and
    verification instead of fetching and tokenizing the texts again.

    The Ray engine's counterpart (:class:`curate.dedup.ray_dedup.RayDocs`) answers the same questions on the
    workers, so the driver never holds the signatures or texts.
    """

    def __init__(self, sk: Sketches, source: TextSource, cfg, grouping: Callable | None = None,
                 tokens: KeptTokens | None = None, threads: int | None = None):
        self.sk, self.source, self.cfg, self.grouping = sk, source, cfg, grouping
        self.tokens, self.threads = tokens, threads
        self.verifier: Verifier | None = None
        self.length = np.asarray(sk.length, np.int64)
        self.num_perm = sk.sig.shape[1]

    def boilerplate(self, reps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(boilerplate keys, segments set aside per document); the representatives holding boilerplate
        are signed again without it."""
        sk = self.sk
        boiler = boilerplate_keys(sk, reps, self.cfg)
        excluded = np.zeros(len(sk.exact), np.int32)
        if len(boiler):
            todo = reps[boilerplate_holders(sk.seg_keys, sk.seg_off, boiler)[reps]]
            resign(sk.sig, todo, self.source, self.cfg, boiler, excluded, self.tokens)
        self.verifier = Verifier(self.source, self.cfg, boiler, tokens=self.tokens, threads=self.threads)
        return boiler, excluded

    def candidates(self, reps: np.ndarray, bands: int, rows: int, window: int) -> tuple[np.ndarray, np.ndarray]:
        """LSH candidate pairs among the representatives that have shingles."""
        sig = self.sk.sig
        signed = reps[_has_shingles(sig, reps)]
        if self.grouping is not None:
            return self.grouping(sig, signed, bands, rows, window)
        return candidate_pairs_local(sig, signed, bands, rows, window, threads=self.threads)

    def pairs(self, a: np.ndarray, b: np.ndarray, min_estimate: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(exact Jaccard, why no near duplicate: :data:`SAME` / :data:`APART` / :data:`FACTS`) per pair; see
        :meth:`Verifier.checked`."""
        return self.verifier.checked(self.sk.sig, a, b, min_estimate)

    def estimated(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return estimated_jaccard(self.sk.sig, a, b)

    def spans(self, a: np.ndarray, b: np.ndarray) -> list:
        return self.verifier.span_list(a, b)


def _has_shingles(sig: np.ndarray, rows: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
    """Per row of ``rows``: whether its signature holds any shingle (chunked: no copy of all signatures)."""
    out = np.zeros(len(rows), bool)
    for s in range(0, len(rows), chunk):
        out[s:s + chunk] = ~(sig[rows[s:s + chunk]] == EMPTY).all(axis=1)
    return out


def _group_ids(keys) -> np.ndarray:
    if isinstance(keys, pa.ChunkedArray):
        keys = keys.combine_chunks()
    if isinstance(keys, pa.Array):
        return pc.dictionary_encode(keys).indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return np.unique(np.asarray(keys), return_inverse=True)[1].astype(np.int64).ravel()


def cluster(sk: Sketches, source: TextSource, cfg, earliest: np.ndarray | None = None,
            quality: list[np.ndarray] | None = None, candidates: Callable | None = None,
            tokens: KeptTokens | None = None, threads: int | None = None) -> Clusters:
    """Cluster documents given in canonical order (``cfg`` holds both the MinHash and the dedup settings).

    ``earliest``: ingest-order rank (default: position); ``quality``: sort keys, best first,
    for the ``best_quality`` policy.  ``sk.sig`` rows of documents holding boilerplate are
    replaced by their signatures without it.  ``candidates(sig, rows, bands, rows_per_band,
    window) -> (i, j)``: where LSH buckets are grouped (default: compiled, bands on ``threads`` threads,
    :func:`curate.dedup.lsh.candidate_pairs_local`; :func:`curate.dedup.ray_lsh.candidate_pairs_ray`
    returns the same pairs from a Ray cluster).  ``tokens``: the first pass's tokens
    (:meth:`Sketcher.kept`), so that no compared text is tokenized twice.  ``threads``: for the compiled
    steps (default all cores, :func:`curate.dedup.parallel.threads`); results do not depend on it.
    """
    return cluster_docs(LocalDocs(sk, source, cfg, candidates, tokens, threads), sk.exact, cfg, earliest, quality)


def cluster_docs(docs, exact, cfg, earliest: np.ndarray | None = None,
                 quality: list[np.ndarray] | None = None) -> Clusters:
    """Cluster documents in canonical order from ``exact`` (per document: exact-duplicate key, numpy or Arrow)
    and ``docs``, which answers every question about signatures and texts (:class:`LocalDocs` here,
    :class:`curate.dedup.ray_dedup.RayDocs` on Ray workers): boilerplate, candidates, verification,
    similarities and shared spans. Here only per-document numbers and pairs are held.
    """
    gid = _group_ids(exact) if len(exact) else np.zeros(0, np.int64)
    n = len(gid)
    blank = _is_blank(exact)
    if blank.any():   # each row without text is a group of its own (it has no shingles: no candidates either)
        gid[blank] = gid.max() + 1 + np.arange(int(blank.sum()))
        gid = np.unique(gid, return_inverse=True)[1].astype(np.int64).ravel()
    pos = np.arange(n, dtype=np.int64)
    n_groups = int(gid.max()) + 1 if n else 0
    first_of_group = np.full(n_groups, n, np.int64)
    np.minimum.at(first_of_group, gid, pos)
    reps = np.sort(first_of_group)

    # Boilerplate: counted over distinct documents; their holders are signed again without it.
    boiler, excluded = docs.boilerplate(reps)
    excluded_of_group = np.zeros(n_groups, np.int32)
    excluded_of_group[gid[reps]] = excluded[reps]
    boilerplate = excluded_of_group[gid]
    del excluded

    # Near-duplicate candidates among group representatives that have shingles.
    num_perm = docs.num_perm
    if cfg.bands is not None:
        bands, rows = cfg.bands, cfg.rows
        if bands * rows > num_perm:
            raise CurateError(f"dedup: bands x rows = {bands * rows} exceeds the signature length {num_perm}")
    else:
        bands, rows = lsh_params(round(LSH_FACTOR * cfg.threshold, 4), num_perm, cfg.false_positive_weight,
                                 cfg.false_negative_weight)
    ci, cj = docs.candidates(reps, bands, rows, cfg.bucket_window)
    n_candidates = len(ci)

    # Estimated Jaccard first, then exact verification on the shingle sets (boilerplate set aside).
    # Different identifiers (order, account, phone numbers the customer wrote) mean different cases,
    # however alike the template around them.
    # Numbers or negations that differ (curate.dedup.facts) mean two examples: such rows are kept and say so.
    jac = np.zeros(0)
    facts_apart = np.zeros(n, bool)
    if len(ci):
        jac, why = docs.pairs(ci, cj, cfg.threshold - ESTIMATE_MARGIN)
        near = jac >= cfg.threshold - 1e-12
        held = near & (why == FACTS)
        if held.any():
            by_group = np.zeros(n_groups, bool)
            by_group[gid[ci[held]]] = True
            by_group[gid[cj[held]]] = True
            facts_apart = by_group[gid]
        ok = near & (why == SAME)
        ci, cj, jac = ci[ok], cj[ok], jac[ok]

    # Keepers: groups in policy order; each group's best member keeps the group.
    earliest = pos if earliest is None else np.asarray(earliest)
    length = np.asarray(docs.length, np.int64)
    if cfg.keep == "earliest":
        keys_ = [earliest, pos]
    elif cfg.keep == "longest":
        keys_ = [-length, earliest, pos]
    else:
        keys_ = [*(quality or []), -length, earliest, pos]
    best_of = choose_keepers(gid, keys_)                 # per doc: best member of its exact group
    order = np.lexsort(list(reversed(keys_)))           # documents, best first
    group_order = gid[order][best_of[order] == order]   # groups in the order of their best members
    assign, gsim = K.greedy(group_order, gid[ci], gid[cj], jac, n_groups)
    if len(ci) and cfg.chain_cut < 1.0:
        _second_hop(assign, gsim, gid, ci, cj, docs, first_of_group, group_order, cfg)
    best_member = np.empty(n_groups, np.int64)
    best_member[gid] = best_of
    keeper = best_member[assign[gid]]
    exact_ = gid == gid[keeper]
    jaccard = np.where(exact_, 1.0, gsim[gid])
    similarity = np.ones(n)
    near = np.flatnonzero(~exact_)
    if len(near):
        similarity[near] = docs.estimated(near, keeper[near])
    size = np.bincount(keeper, minlength=n)[keeper]
    shared = spread_spans(near, docs.spans(near, keeper[near]), n) if len(near) else [None] * n
    return Clusters(keeper, size, exact_, similarity, jaccard, shared, boilerplate, boiler, n_candidates,
                    len(ci), bands, rows, blank, facts_apart)


def _is_blank(exact) -> np.ndarray:
    """Per document: whether its exact key is :data:`BLANK` (no text to compare)."""
    if isinstance(exact, (pa.Array, pa.ChunkedArray)):
        return np.asarray(pc.equal(exact, pa.scalar(int(BLANK), exact.type)).to_numpy(zero_copy_only=False), bool)
    return np.asarray(exact) == BLANK


def _second_hop(assign, gsim, gid, ci, cj, docs, first_of_group, group_order, cfg) -> None:
    """Variants of one original are each similar to it but less to each other, so the greedy pass
    can keep two variants of one original apart, each with members of its own.  Two kept groups
    ``x`` and ``k``, where ``x`` is similar to a removed member of ``k``, merge when ``x`` and
    every member of the group that moves have an exact Jaccard of at least ``chain_cut`` x
    threshold with the other keeper and identifiers that agree with it: every removed row stays
    close to its own keeper.  The group later in keep-policy order moves into the earlier one.
    Updates ``assign`` / ``gsim`` in place.
    """
    n_groups = len(assign)
    rank = np.empty(n_groups, np.int64)
    rank[group_order] = np.arange(len(group_order))
    removed = assign != np.arange(n_groups)
    eu, ev = gid[ci], gid[cj]
    fwd, bwd = ~removed[eu] & removed[ev], ~removed[ev] & removed[eu]
    x = np.concatenate([eu[fwd], ev[bwd]])
    k = np.concatenate([assign[ev[fwd]], assign[eu[bwd]]])
    ok = k != x
    if not ok.any():
        return
    pairs = np.unique(np.stack([np.minimum(x[ok], k[ok]), np.maximum(x[ok], k[ok])], axis=1), axis=0)
    cut = cfg.chain_cut * cfg.threshold - 1e-12

    def close(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        j, why = docs.pairs(first_of_group[a], first_of_group[b])
        return j, (j >= cut) & (why == SAME)

    j, good = close(pairs[:, 0], pairs[:, 1])
    pairs, j = pairs[good], j[good]
    if not len(j):
        return
    mem = np.flatnonzero(removed)
    mem = mem[np.argsort(assign[mem], kind="stable")]
    owner = assign[mem]

    def moves(src: np.ndarray, dest: np.ndarray):
        """Per move src -> dest: whether every member of src is close to dest; members and their Jaccard."""
        lo, hi = np.searchsorted(owner, src, "left"), np.searchsorted(owner, src, "right")
        cnt = hi - lo
        move_of = np.repeat(np.arange(len(src)), cnt)
        m = mem[np.repeat(lo, cnt) + np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)]
        mj, mgood = close(m, dest[move_of])
        allowed = np.ones(len(src), bool)
        np.logical_and.at(allowed, move_of, mgood)
        return allowed, m, mj, np.cumsum(cnt) - cnt, cnt

    a, b = pairs[:, 0], pairs[:, 1]
    first_a = rank[a] < rank[b]
    # The later group (keep-policy order) joins the earlier one, never the other way round: the policy's
    # choice of keeper stands.
    src = np.where(first_a, b, a)
    dest = np.where(first_a, a, b)
    allowed, m, mj, s0, cnt = moves(src, dest)
    order = np.lexsort([rank[dest], -j])
    order = order[allowed[order]]
    locked = np.zeros(n_groups, bool)    # received members: its own member list is no longer current
    for q in order:
        g, d = int(src[q]), int(dest[q])
        if assign[g] != g or assign[d] != d or locked[g]:
            continue
        assign[g] = d
        gsim[g] = j[q]
        assign[m[s0[q]:s0[q] + cnt[q]]] = d
        gsim[m[s0[q]:s0[q] + cnt[q]]] = mj[s0[q]:s0[q] + cnt[q]]
        locked[d] = True


def clusters_to_arrow(c: Clusters, doc_ids) -> dict[str, pa.Array]:
    """The signal columns; ``dup_cluster`` is the keeper's doc_id (null for unique documents).

    Built with Arrow kernels (take / if_else), not Python objects: a million rows stay cheap.
    """
    ids = doc_ids if isinstance(doc_ids, pa.Array) else pa.array(doc_ids, pa.string())
    n = len(ids)
    if n == 0:
        return {k: pa.array([], t) for k, t in OUTPUTS.items()}
    in_cluster = c.size > 1
    is_keeper = c.keeper == np.arange(n)
    removed = in_cluster & ~is_keeper
    null_str = pa.nulls(n, pa.string())
    cluster_ = pc.if_else(pa.array(in_cluster), ids.take(pa.array(c.keeper)), null_str)
    reason = pc.if_else(pa.array(removed), pc.if_else(pa.array(c.exact), "exact", "near"), null_str)
    if c.blank is not None and c.blank.any():
        reason = pc.if_else(pa.array(c.blank), NO_TEXT, reason)
    if c.facts_apart is not None and c.facts_apart.any():   # kept rows only: a removed row says why it went
        reason = pc.if_else(pa.array(c.facts_apart & ~removed), DISTINCT_FACTS, reason)
    return {
        "dup_cluster": cluster_,
        "dup_keep": pa.array(is_keeper),
        "dup_reason": reason,
        "dup_similarity": pa.array(np.round(c.similarity, 4), pa.float64(), mask=~in_cluster),
        "dup_jaccard": pa.array(np.round(c.jaccard, 4), pa.float64(), mask=~in_cluster),
        "dup_shared": pa.array(c.shared, pa.string()),
        "dup_boilerplate": pa.array(c.boilerplate, pa.int32()),
    }


def row_ids(n: int) -> pa.Array:
    """File-mode ids: 1-based row numbers, "row:1" ... (vectorised)."""
    return pc.binary_join_element_wise("row:", pa.array(np.arange(1, n + 1)).cast(pa.string()), "")


def _config(cfg) -> DedupTableConfig:
    if cfg is None:
        return DedupTableConfig()
    if isinstance(cfg, dict):
        from pydantic import ValidationError

        try:
            return DedupTableConfig(**cfg)
        except ValidationError as exc:
            raise CurateError(f"dedup: bad parameter {validation_message(exc)}") from None
    return cfg


def _with_outputs(table: pa.Table, cols: dict[str, pa.Array]) -> pa.Table:
    out = table
    for name, arr in cols.items():
        if name in out.column_names:
            out = out.set_column(out.column_names.index(name), name, arr)
        else:
            out = out.append_column(name, arr)
    return out


def dedup_table(table: pa.Table, cfg: DedupTableConfig | dict | None = None, batch_size: int = 2048,
                progress=None, workers: int | None = None, stats: dict | None = None) -> pa.Table:
    """Add the dup_* columns to a table (rows and columns kept).

    Columns added: ``dup_cluster`` (keeper's id, null when unique), ``dup_keep``, ``dup_reason``
    (exact / near for removed rows; ``no_text`` for kept rows with no text to compare; ``distinct_facts`` for
    kept rows near another row by Jaccard but stating other numbers or negations, :mod:`curate.dedup.facts`;
    else null),
    ``dup_similarity`` (estimated Jaccard with the keeper),
    ``dup_jaccard`` (exact Jaccard of the shingle sets), ``dup_shared`` (longest shared span,
    removed near duplicates only) and ``dup_boilerplate`` (boilerplate segments set aside).
    Cluster ids are 1-based row numbers of the keeper ("row:17"); the earliest policy keeps
    the first row.  ``stats``, when given, receives counts and the boilerplate keys.  ``workers``: threads
    of the compiled steps (default: every core, or ``$CURATE_DEDUP_THREADS``); the columns do not depend on it.
    Raises :class:`CurateError` for a missing or non-text column or a bad parameter.
    """
    cfg = _config(cfg)
    shape = table.select(shape_columns(table.column_names, cfg))
    n = table.num_rows
    if n == 0:
        match_text(shape, cfg)   # a missing or non-text column fails even without rows (else in the batches)
    sk = Sketcher(n, cfg, keep_bytes=KEEP_TOKEN_BYTES)
    # Each batch's compared texts come from its own query, on its own thread; the customer-written text
    # (identifiers) from the same query: the chats' JSON is decoded once.
    sk.add(shape, 0, batch_size, workers, progress)
    c = cluster(sk.result(), TextSource.of(shape, sk.id_texts()), cfg, tokens=sk.kept(), threads=workers)
    if stats is not None:
        stats.update(_stats(c))
    return _with_outputs(table, clusters_to_arrow(c, row_ids(n)))


def _stats(c: Clusters) -> dict:
    return {"candidate_pairs": c.candidate_pairs, "verified_pairs": c.verified_pairs, "bands": c.bands,
            "rows": c.rows, "boilerplate_segments": len(c.boilerplate_keys),
            "rows_with_boilerplate": int((c.boilerplate > 0).sum())}


def dedup_parquet(src, dst, cfg=None, progress=None, read_batch: int = 16_384) -> pa.Table:
    """File mode for Parquet -> Parquet in bounded memory: streaming passes over ``src``.

    Pass 1 reads only the compared columns, batch by batch, and keeps just the sketches
    (signature, exact key, segment keys, length).  Candidates are re-read for exact
    verification (only those rows are tokenized again).  The last pass streams every column
    of ``src`` again and writes it with the dup_* columns to a temp file that is renamed over
    ``dst`` (atomic, like :func:`curate.filemode.write_table`).  Returns the dup_* columns.
    """
    import pyarrow.parquet as pq
    from pathlib import Path

    cfg = _config(cfg)
    # A buffered stream decodes page by page instead of loading whole column chunks: a file
    # written as one huge row group would otherwise bring all its text into memory at once.
    pf = pq.ParquetFile(src, buffer_size=1 << 20, pre_buffer=False)
    names = pf.schema_arrow.names
    cols = shape_columns(names, cfg)
    if not cols:
        raise CurateError(f"dedup: no column '{cfg.text_field}' in the input (columns: {', '.join(names)})")
    n = pf.metadata.num_rows
    sketcher = Sketcher(n, cfg)
    pos = 0
    for batch in pf.iter_batches(batch_size=read_batch, columns=cols):
        view = match_text(pa.Table.from_batches([batch]), cfg)
        sketcher.add(view, pos, progress=progress)
        pos += len(view)

    def take(idx: np.ndarray) -> pa.Table:
        parts, start = [], 0
        # Small batches: a scan's decoded batches are freed one by one and their pages reused; 16k-row batches
        # (~25 MB of text each) left ~200 MB resident in Arrow's pool during every re-read at 1M documents.
        for batch in pf.iter_batches(batch_size=min(read_batch, 2048), columns=cols):
            end = start + batch.num_rows
            lo, hi = np.searchsorted(idx, [start, end])
            if hi > lo:
                parts.append(pa.Table.from_batches([batch]).take(pa.array(idx[lo:hi] - start)))
            start = end
            if hi == len(idx):
                break
        out = pa.concat_tables(parts) if parts else pf.schema_arrow.empty_table().select(cols)
        # Arrow's pool (mimalloc) keeps the pages of the batches just decoded: ~200 MB resident after a scan of a
        # 1M-row file while only the taken rows are live, and the block is tokenized on top of that.
        release_memory()
        return out

    sk = sketcher.result()
    del sketcher   # its per-batch segment keys: copied into sk
    c = cluster(sk, TextSource(take), cfg)
    del sk
    dup = pa.table(clusters_to_arrow(c, row_ids(n)))
    schema = pf.schema_arrow
    for name in OUTPUTS:
        if name in schema.names:
            schema = schema.remove(schema.get_field_index(name))
    schema = pa.schema(list(schema) + list(dup.schema))
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.tmp")
    pos = 0
    try:
        with pq.ParquetWriter(tmp, schema) as writer:
            for batch in pf.iter_batches(batch_size=read_batch):
                part = pa.Table.from_batches([batch])
                part = part.drop_columns([c for c in OUTPUTS if c in part.column_names])
                for name in OUTPUTS:
                    part = part.append_column(name, dup.column(name).slice(pos, part.num_rows))
                writer.write_table(part.cast(schema))
                pos += part.num_rows
        tmp.replace(dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dup
