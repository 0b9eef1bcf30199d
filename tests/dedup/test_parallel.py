"""Results do not depend on the thread count; the compiled LSH grouping and excerpts match independent oracles.

Oracles: the same run on one thread (every parallel step cut into fixed-size pieces, so one thread and
many must agree byte for byte); DuckDB's hash aggregate over the same band keys (``candidate_pairs``);
brute force over whole bands; Python's own ``str.split`` / slicing for the excerpts.
"""

from __future__ import annotations

import itertools
import random

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from curate.dedup import dedup_table
from curate.dedup import core
from curate.dedup import kernels as K
from curate.dedup.core import Tokens, _spaces
from curate.dedup.lsh import candidate_pairs, candidate_pairs_local
from curate.dedup.parallel import THREADS_ENV, pieces, pmap, threads
from tests.dedup.corpus import corpus, edit
from tests.dedup.shapes import scenario


def _mixed_table() -> pa.Table:
    """Chats and SFT pairs with a shared system prompt / canned replies, plus multi-script texts and edited
    copies: every step runs (boilerplate re-signing, identifiers, chains, spans), in more than one piece."""
    rng = random.Random(5)
    rows = [{k: r.get(k) for k in ("messages", "instruction", "input", "output")} | {"text": None}
            for r in scenario(seed=3, distinct=200, copies=40)]
    texts = [r["text"] for r in corpus(seed=4, per_script=40)]
    texts += [edit(rng, t, 0.1) for t in rng.sample(texts, 150)]
    rows += [{"text": t, "messages": None, "instruction": None, "input": None, "output": None} for t in texts]
    rng.shuffle(rows)
    return pa.Table.from_pylist(rows)


@pytest.mark.parametrize("params", [{}, {"shingle": "char", "ngram": 5}, {"threshold": 0.4, "keep": "longest"}])
def test_one_thread_and_many_give_identical_columns(params, monkeypatch):
    monkeypatch.setattr(core, "PIECE", 64)   # many pieces per parallel step
    table = _mixed_table()
    assert table.num_rows > 8 * 64
    one = dedup_table(table, params, workers=1, batch_size=512)
    assert one.column("dup_keep").to_pylist().count(False) > 20
    assert any(one.column("dup_shared").to_pylist())
    for n in (2, 3, 7):
        assert dedup_table(table, params, workers=n, batch_size=512).equals(one), n
    monkeypatch.setenv(THREADS_ENV, "5")
    assert threads() == 5
    assert dedup_table(table, params, batch_size=512).equals(one)


def test_thread_count_option():
    assert threads(3) == 3
    assert threads() >= 1
    assert pmap(lambda x: x * x, range(50), 4) == [x * x for x in range(50)]
    assert pieces(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert pieces(0, 4) == []


def _families(rng, n_fam: int, size: int, bands: int, r: int, share: float) -> np.ndarray:
    base = rng.integers(0, 2**32, (n_fam, bands * r), dtype=np.uint64).astype(np.uint32)
    sig = rng.integers(0, 2**32, (n_fam * size, bands * r), dtype=np.uint64).astype(np.uint32)
    for x in range(len(sig)):
        for b in range(bands):
            if rng.random() < share:
                sig[x, b * r:(b + 1) * r] = base[x % n_fam, b * r:(b + 1) * r]
    return sig[rng.permutation(len(sig))]


@pytest.mark.parametrize("window", [1, 5, 32])
def test_compiled_lsh_grouping_gives_duckdbs_pairs(window):
    rng = np.random.default_rng(window)
    bands, r = 9, 4
    sig = _families(rng, 6, 80, bands, r, 0.6)   # buckets of ~50: larger than small windows
    rows = np.sort(rng.choice(len(sig), len(sig) - 25, replace=False))
    want = candidate_pairs(duckdb.connect(), sig, rows, bands, r, window)
    for n in (1, 4):
        got = candidate_pairs_local(sig, rows, bands, r, window, threads=n)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    if window == 32:   # buckets within the window: every pair sharing a whole band (no hashing)
        brute = {(int(i), int(j)) for i, j in itertools.combinations(rows, 2)
                 if any((sig[i, b * r:(b + 1) * r] == sig[j, b * r:(b + 1) * r]).all() for b in range(bands))}
        small = _families(np.random.default_rng(1), 20, 6, bands, r, 0.4)
        srows = np.arange(len(small))
        brute = {(int(i), int(j)) for i, j in itertools.combinations(srows, 2)
                 if any((small[i, b * r:(b + 1) * r] == small[j, b * r:(b + 1) * r]).all() for b in range(bands))}
        got = candidate_pairs_local(small, srows, bands, r, window)
        assert set(zip(got[0].tolist(), got[1].tolist())) == brute and len(brute) > 50
    assert len(candidate_pairs_local(sig, rows[:1], bands, r, window)[0]) == 0


_SPACE_SAMPLES = [" ", "\t", "\n", "\r\n", "\x0b", "\x1c", "\x85", "\xa0", "\u1680", "\u2003", "\u2028", "\u2029",
                  "\u202f", "\u3000", "\u200b", "\ufeff"]   # the last two are not whitespace to str.split


def test_compiled_excerpts_are_pythons_split_join_and_cut():
    rng = random.Random(0)
    alphabet = ["a", "é", "क", "ि", "ন", "😀", "👍🏽", "ﬁ", "１", "\U00020000", "—", "…"]
    texts = []
    for _ in range(400):
        n = rng.choice([0, 1, 5, 50, 120, 239, 240, 241, 242, 400])
        texts.append("".join(rng.choice(alphabet + _SPACE_SAMPLES) for _ in range(n)))
    data = np.frombuffer("".join(texts).encode(), np.uint8)
    lens = [len(t.encode()) for t in texts]
    lo = np.cumsum([0] + lens[:-1]).astype(np.int64)
    hi = lo + np.array(lens, np.int64)
    t = Tokens(data, np.array([0, len(data)], np.int64), *([np.zeros(0)] * 9))
    for width in (1, 2, 10, 240):
        want = [" ".join(s.split()) for s in texts]
        want = [s if len(s) <= width else s[:width - 1] + "…" for s in want]
        assert t.excerpts(lo, hi, width) == want
    # Ranges cut inside a character are decoded with Python's replacement rules.
    cut = np.frombuffer("क ख".encode(), np.uint8)
    tc = Tokens(cut, np.array([0, len(cut)], np.int64), *([np.zeros(0)] * 9))
    assert tc.excerpts(np.array([1, 0]), np.array([len(cut), 2])) == [
        " ".join(cut[1:].tobytes().decode("utf-8", "replace").split()),
        " ".join(cut[:2].tobytes().decode("utf-8", "replace").split())]
    _, _, bad = K.excerpts(cut, np.array([1, 0, 0]), np.array([len(cut), 2, 3]), 240, *_spaces())
    assert bad.tolist() == [True, True, False]
