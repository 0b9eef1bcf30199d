"""Loading and applying the shipped n-gram model (built by :mod:`curate.langid.build`).

Scoring a word is a sum of rows of a ``features × languages`` table of log-likelihood
ratios. To be fast without a compiled extension, all the words of a batch are scored
at once with numpy: the words are padded (`` word ``) and concatenated into one array of
code points, every character 1–4-gram and every whole word gets a 64-bit polynomial hash
from one prefix sum (``hash(a, b) = P^(b-1) · (S[b] − S[a])`` in wrapping uint64
arithmetic), the hashes are matched against the model's sorted feature hashes with
``searchsorted``, and the matched rows are summed per word. Word vectors are cached
(bounded), because words repeat heavily across a corpus.
"""

from __future__ import annotations

import json
import math
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np

from curate.errors import CurateError
from curate.langid.features import MODEL_PATH

_CACHE_LIMIT = 300_000
_P = 0x100000001B3                       # odd multiplier (FNV-64 prime), invertible mod 2^64
_P_INV = pow(_P, -1, 2**64)
_WORD_SALT = np.uint64(0x9E3779B97F4A7C15)  # whole-word features must not equal the 4-gram " ab "


class _Powers:
    """P^k and P^-k mod 2^64 for k < n, grown on demand."""

    def __init__(self) -> None:
        self.pos = np.ones(1, dtype=np.uint64)
        self.neg = np.ones(1, dtype=np.uint64)

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.pos) < n:
            m = max(n, 2 * len(self.pos))
            one = np.ones(1, dtype=np.uint64)  # (a Python [1] would promote the result to float64)
            self.pos = np.concatenate([one, np.cumprod(np.full(m - 1, _P, dtype=np.uint64))])
            self.neg = np.concatenate([one, np.cumprod(np.full(m - 1, _P_INV, dtype=np.uint64))])
        return self.pos[:n], self.neg[:n]


_POWERS = _Powers()


def _concat(strings: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code points of the concatenation, and each string's start/end offsets."""
    cps = np.frombuffer("".join(strings).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    lens = np.fromiter((len(s) for s in strings), dtype=np.int64, count=len(strings))
    ends = np.cumsum(lens)
    return cps, ends - lens, ends


def _prefix(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pos, neg = _POWERS.get(len(cps) + 1)
    S = np.zeros(len(cps) + 1, dtype=np.uint64)
    np.cumsum(cps * neg[: len(cps)], out=S[1:])
    return S, pos


def _span_hash(S: np.ndarray, pos: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return pos[b - 1] * (S[b] - S[a])


def string_hashes(strings: list[str]) -> np.ndarray:
    """Hash of each whole string (features at load time); "\\x00word" is a word feature."""
    words = [s.startswith("\x00") for s in strings]
    bodies = [f" {s[1:]} " if w else s for s, w in zip(strings, words)]
    cps, starts, ends = _concat(bodies)
    S, pos = _prefix(cps)
    h = _span_hash(S, pos, starts, ends)
    h[np.array(words, dtype=bool)] ^= _WORD_SALT
    return h


def token_feature_hashes(tokens: list[str], max_n: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, token index) of every char 1..max_n-gram of `` token `` and of every whole token."""
    padded = [f" {t} " for t in tokens]
    cps, starts, ends = _concat(padded)
    S, pos = _prefix(cps)
    lens = ends - starts
    tid_of_pos = np.repeat(np.arange(len(tokens)), lens)
    end_of_pos = np.repeat(ends, lens)
    p = np.arange(len(cps))
    hs, ts = [], []
    for n in range(1, max_n + 1):
        ok = p + n <= end_of_pos
        if n == 1:
            ok &= cps != 32  # the lone space is not a feature
        a = p[ok]
        hs.append(_span_hash(S, pos, a, a + n))
        ts.append(tid_of_pos[ok])
    hs.append(_span_hash(S, pos, starts, ends) ^ _WORD_SALT)
    ts.append(np.arange(len(tokens)))
    return np.concatenate(hs), np.concatenate(ts)


def word_crc(word: str) -> int:
    """CRC-32 of a word's UTF-8 bytes: how the English lexicon is stored (stable across processes)."""
    return zlib.crc32(word.encode("utf-8"))


def sorted_feature_table(script: str, feats: list[str], M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted feature hashes, rows of ``M`` in that order): what the model file stores, so that
    loading needs no hashing. Raises CurateError on a hash collision."""
    h = string_hashes(feats)
    order = np.argsort(h, kind="stable")
    keys = h[order]
    if len(np.unique(keys)) != len(keys):
        raise CurateError(f"language-ID model: feature hash collision in group {script}")
    return keys, M[order]


class GroupModel:
    """Languages sharing one script, and the features that tell them apart."""

    def __init__(self, script: str, langs: list[str], keys: np.ndarray, M: np.ndarray, prior: np.ndarray, max_n: int,
                 function_words: dict[str, list[str]] | None = None):
        """``keys``: sorted unique feature hashes (:func:`sorted_feature_table`), ``M`` their rows."""
        self.script = script
        # Function-word lexicon per language (from the seed files): tells glue words apart.
        self.function_words = {k: frozenset(v) for k, v in (function_words or {}).items()}
        self.langs = langs
        self.lang_index = {lang: i for i, lang in enumerate(langs)}
        self.indic_columns = np.array([i for i, lang in enumerate(langs) if lang != "en"], dtype=np.int64)
        self.keys = keys
        self.M = M
        self.prior = prior
        self.max_n = max_n
        # Word cache: token -> row of self._V (scores) and self._nf (feature counts); rows are appended
        # per batch, so one fancy-indexing call gathers a document's word vectors.
        self._row: dict[str, int] = {}
        self._V = np.zeros((0, len(langs)), dtype=np.float32)
        self._W = np.zeros((0, len(langs)), dtype=np.float32)  # the whole-word feature's row alone
        self._nf: list[int] = []
        self.lexicon: np.ndarray | None = None  # sorted CRC-32 of known words (Latin: English), or None
        self.names: frozenset[str] = frozenset()  # proper names (Latin): not evidence of any language
        # everyday English words (Latin; ``build.common_english_words``): English wherever the romanized
        # language's training text never had them
        self.common_english: frozenset[str] = frozenset()
        self._lexicon_set: frozenset[int] | None = None

    def in_lexicon(self, word: str) -> bool:
        """Is ``word`` in the group's word lexicon (True when the model has none)?"""
        if self.lexicon is None:
            return True
        if self._lexicon_set is None:
            self._lexicon_set = frozenset(self.lexicon.tolist())
        return word_crc(word) in self._lexicon_set

    def clear_cache(self) -> None:
        self._row = {}
        self._V = np.zeros((0, len(self.langs)), dtype=np.float32)
        self._W = np.zeros((0, len(self.langs)), dtype=np.float32)
        self._nf = []

    def fill(self, tokens: list[str]) -> None:
        """Score every token not yet cached, all at once."""
        row = self._row
        missing = [t for t in dict.fromkeys(tokens) if t not in row]
        if not missing:
            return
        if len(row) + len(missing) > _CACHE_LIMIT:
            self.clear_cache()
            row = self._row
            # every token of this call must be cached afterwards (the detector gathers a whole batch's rows
            # at once), not only those that were missing before the cache was cleared
            missing = list(dict.fromkeys(tokens))
        h, tid = token_feature_hashes(missing, self.max_n)
        i = np.searchsorted(self.keys, h)
        i[i == len(self.keys)] = 0
        hit = self.keys[i] == h
        th, ih = tid[hit], i[hit]
        V = np.empty((len(missing), len(self.langs)), dtype=np.float32)
        for j in range(len(self.langs)):  # one bincount per language: far faster than np.add.at
            V[:, j] = np.bincount(th, weights=self.M[ih, j], minlength=len(missing))
        nf = np.bincount(th, minlength=len(missing))
        # token_feature_hashes lists the whole-word hashes last, one per token in order
        W = np.zeros_like(V)
        w_hit = hit[-len(missing):]
        W[w_hit] = self.M[i[-len(missing):][w_hit]]
        base = len(self._nf)
        if base + len(missing) > len(self._V):  # grow by doubling: single-text calls stay cheap
            size = max(2 * len(self._V), base + len(missing), 1024)
            for name in ("_V", "_W"):
                grown = np.empty((size, len(self.langs)), dtype=np.float32)
                grown[:base] = getattr(self, name)[:base]
                setattr(self, name, grown)
        self._V[base:base + len(missing)] = V
        self._W[base:base + len(missing)] = W
        self._nf.extend(nf.tolist())
        for k, t in enumerate(missing):
            row[t] = base + k

    def whole_word_scores(self, tokens: list[str]) -> np.ndarray:
        """``[len(tokens), len(langs)]``: the score of each token's whole-word feature alone (0 for a word
        no training text of the group had): > 0 for a language means the word was seen in its training
        text more often than in the group's on average. Cached with the word scores."""
        self.fill(tokens)
        return self._W[[self._row[t] for t in tokens]]

    def words(self, tokens: list[str]) -> tuple[np.ndarray, int]:
        """Per-token score matrix ``[len(tokens), len(langs)]`` and the total feature count."""
        try:
            rows = list(map(self._row.__getitem__, tokens))
        except KeyError:
            self.fill(tokens)
            rows = list(map(self._row.__getitem__, tokens))
        return self._V[rows], sum(map(self._nf.__getitem__, rows))


class Model:
    def __init__(self, groups: dict[str, GroupModel]):
        self.groups = groups

    def clear_cache(self) -> None:
        """Forget every cached word score (benchmarks measure the cold path with this)."""
        for g in self.groups.values():
            g.clear_cache()


def posterior(scores: np.ndarray, n_features: int) -> np.ndarray:
    """Softmax of summed log-likelihood ratios, tempered by sqrt(#features).

    Naive Bayes sums correlated n-gram evidence and is wildly over-confident on long
    texts; dividing by sqrt(n) keeps a score that grows with evidence but stays usable
    as a confidence.
    """
    z = scores / max(1.0, math.sqrt(max(n_features, 1)))
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> Model:
    p = Path(path) if path else MODEL_PATH
    if not p.exists():
        raise CurateError(f"language-ID model {p} is missing; rebuild it with: python -m curate.langid.build")
    with np.load(p, allow_pickle=False) as z:
        meta = json.loads(bytes(z["meta"]).decode())
        groups = {}
        for g in meta["groups"]:
            langs = bytes(z[f"{g}__langs"]).decode().split("\n")
            fw = json.loads(bytes(z[f"{g}__fw"]).decode()) if f"{g}__fw" in z else {}
            groups[g] = GroupModel(g, langs, z[f"{g}__keys"], z[f"{g}__M"], z[f"{g}__prior"], meta["max_n"], fw)
            if f"{g}__en_lexicon" in z:
                groups[g].lexicon = z[f"{g}__en_lexicon"]
            if f"{g}__en_common" in z:
                groups[g].common_english = frozenset(bytes(z[f"{g}__en_common"]).decode().split("\n"))
            if f"{g}__names" in z:
                groups[g].names = frozenset(bytes(z[f"{g}__names"]).decode().split("\n"))
    return Model(groups)
