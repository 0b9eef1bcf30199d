import numpy as np
import pyarrow as pa

from curate.dedup.normalize import normalize_texts, words
from curate.dedup.shingle import graphemes, shingle_batch, string_hashes, word_hashes


def test_graphemes_keep_conjuncts_and_marks_whole():
    assert graphemes("क्षत्रिय") == ["क्ष", "त्रि", "य"]
    assert graphemes("தமிழ்") == ["த", "மி", "ழ்"]
    assert graphemes("বাংলা") == ["বাং", "লা"]
    assert "".join(graphemes("hello नमस्ते")) == "hello नमस्ते"


def test_normalisation_folds_case_punctuation_nukta_and_joiners():
    assert words(["Hello,  WORLD!"]) == [["hello", "world"]]
    # nukta, chandrabindu/anusvara and ZWJ/ZWNJ do not separate spellings of the same word
    assert words(["ज़रूर हैं"]) == words(["जरूर है"])
    assert words(["क्\u200dष"]) == words(["क्ष"])
    # dandas and other punctuation are separators, not word content
    assert words(["यह ठीक है।धन्यवाद॥"]) == [["यह", "ठीक", "है", "धन्यवाद"]]
    assert normalize_texts([None]).to_pylist() == [""]


def test_word_hashes_match_python_split_and_are_batch_independent():
    texts = ["a b  c", "", "b a", "नमस्ते दुनिया", None, "c\tb\na"]
    norm = normalize_texts(texts)
    h, offsets = word_hashes(norm)
    flat = [w for t in norm.to_pylist() for w in t.split()]
    assert len(h) == len(flat) and list(np.diff(offsets)) == [len(t.split()) for t in norm.to_pylist()]
    # equal words <=> equal hashes, and the same as hashing the words as separate strings
    assert h.tolist() == string_hashes(pa.array(flat)).tolist()
    assert len(set(h.tolist())) == len(set(flat))
    h2, _ = word_hashes(normalize_texts(texts[3:4]))
    assert h2.tolist() == h[offsets[3]:offsets[4]].tolist()


def test_shingles_short_docs_and_char_mode():
    keys, offsets, exact = shingle_batch(["one two three four", "one two", "", "one two"], "word", 3)
    assert list(np.diff(offsets)) == [2, 1, 0, 1]
    assert exact[1] == exact[3] and exact[0] != exact[1]
    assert keys.max() < 2**32
    ckeys, coffsets, _ = shingle_batch(["नमस्ते दुनिया"], "char", 3)
    # graphemes: न म स्ते ␠ दु नि या -> 7 tokens -> 5 trigrams
    assert np.diff(coffsets).tolist() == [5]
