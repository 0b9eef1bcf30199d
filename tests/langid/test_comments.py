"""Real-comment shapes (issue 12): romanized Dravidian, English-framed Hinglish, non-linguistic rows.

Every text here was written for these tests by hand and labelled by hand (what a human annotator
says the row is: the matrix language is the one that supplies the grammatical frame). None of it
is in the model's seed text, and ``data/comments.tsv`` is never read by the model builder.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from curate.langid.detect import LanguageIdentifier
from curate.langid.text import clauses, fold_token, normalize, strip_links

DATA = Path(__file__).parent / "data" / "comments.tsv"


@pytest.fixture(scope="module")
def det():
    return LanguageIdentifier()


# --- the issue's own examples ---------------------------------------------------------------------

def test_issue_example_tamil_comment_with_english_phrase(det):
    r = det.detect("padam semma mass, waiting for the trailer")
    assert (r.lang, r.script, r.romanized, r.codemixed, r.embedded_lang) == ("ta", "Latn", True, True, "en")


def test_issue_example_english_framed_hinglish(det):
    r = det.detect("they should give reward jaise ki last year kiya tha")
    assert (r.lang, r.romanized, r.codemixed, r.embedded_lang) == ("en", True, True, "hi")


@pytest.mark.parametrize("text", ["https://www.example.com/watch?v=abc123", "www.amazon.in/deals", "flipkart.com",
                                  "9876543210", "12:45 12/05/2024", "😂😂😂", "🔥🔥🔥 💯", "@some_user",
                                  "#IndVsAus #WorldCup", "hahahaha", "LOL 😂", "asha.k@example.org",
                                  "https://t.co/xYz12 @news_desk #breaking"])
def test_rows_without_language_content_are_und(det, text):
    r = det.detect(text)
    assert (r.lang, r.lang_score, r.codemixed, r.romanized) == ("und", 0.0, False, False)


# --- each condition, with noisy, elongated, emoji-laden comments -----------------------------------

ROMANIZED_DRAVIDIAN = [
    ("ta", "dei semmmaaa padam daaa 🔥🔥 innoru thadava paakanum"),
    ("ta", "Enna oru paattu, kekka kekka pudikkudhu 😍"),
    ("ta", "naan ippo dhaan paathen, romba nallaa irukku"),
    ("ml", "aliyaaa ee paattu kettit romanjam vannuuu 😍"),
    ("ml", "ningal paranjathu sheriyaanu, njan sammathikkunnu"),
    ("ml", "ee video kandappol enikku orupaadu santhoshamayi"),
    ("kn", "guruuu ee haadu sakkkath aagide 🔥 dinaa kelthini"),
    ("kn", "neevu heliddu nija, naanu oppikolthini"),
    ("kn", "nanage ee video nodi tumba khushi aaytu"),
    ("te", "babuuu ee paata chala baagundi ra 😍 roju vintunna"),
    ("te", "meeru cheppindi nijam, nenu oppukuntunna"),
    ("te", "ee video chusaka naaku chala santosham ga undi"),
]


@pytest.mark.parametrize("lang,text", ROMANIZED_DRAVIDIAN)
def test_noisy_romanized_dravidian(det, lang, text):
    r = det.detect(text)
    assert (r.lang, r.script, r.romanized) == (lang, "Latn", True), r


CODE_MIXED = [  # (text, matrix, embedded)
    ("thalaivar entry scene ku theatre la vibe vera maari irundhuchu", "ta", "en"),
    ("Sooo proud of you anna, neenga dhaan enga inspiration", "ta", "en"),
    ("ee movie de second half kurach lag aayi, but climax kidu", "ml", "en"),
    ("full family jothe cinema nodidvi, ellarigu tumba ishta aaytu", "kn", "en"),
    ("first day first show chusanu, mass scenes ki theatre dadadalaadindi", "te", "en"),
    ("mera order abhi tak deliver nahi hua, tracking bhi update nahi ho rahi", "hi", "en"),
    ("I was literally crying in the theatre, kya movie banayi hai yaar", "en", "hi"),
    ("we should all support this initiative kyunki ye bahut zaroori hai", "en", "hi"),
]


@pytest.mark.parametrize("text,matrix,embedded", CODE_MIXED)
def test_code_mixed_matrix_and_embedded(det, text, matrix, embedded):
    r = det.detect(text)
    assert (r.lang, r.codemixed, r.embedded_lang) == (matrix, True, embedded), r


NOT_CODE_MIXED = [  # one loanword or a name is not code-mixing
    ("hi", "kal hum sab mandir jayenge aur phir khana khayenge"),
    ("ta", "intha paatu ketta udane amma nyabagam varudhu"),
    ("en", "Loved the new song, the music director nailed it this time."),
]


@pytest.mark.parametrize("lang,text", NOT_CODE_MIXED)
def test_monolingual_rows_are_not_code_mixed(det, lang, text):
    r = det.detect(text)
    assert (r.lang, r.codemixed) == (lang, False), r


# --- the hand-labelled comment file, per kind ------------------------------------------------------

def _rows():
    lines = [ln for ln in DATA.read_text(encoding="utf-8").splitlines() if ln and not (ln == "#" or ln.startswith("# "))]  # "#IPL2024 …" is a row
    header = lines[0].split("\t")
    return [dict(zip(header, ln.split("\t"))) for ln in lines[1:]]


def test_comment_file_accuracy_per_kind(det):
    rows = _rows()
    res = det.detect_many(r["text"] for r in rows)
    hits: dict[str, list[bool]] = defaultdict(list)
    for r, x in zip(rows, res):
        hits[r["kind"]].append(x.lang == r["lang"])
    # The issue's targets (0.80 romanized Dravidian, 0.85 English-framed Hinglish); und must be exact.
    floors = {"roman-ta": 0.8, "roman-ml": 0.8, "roman-kn": 0.8, "roman-te": 0.8, "hinglish-en": 0.85,
              "hinglish-hi": 0.85, "und": 1.0, "english": 1.0}
    assert set(hits) == set(floors)
    for kind, h in hits.items():
        assert sum(h) / len(h) >= floors[kind], (kind, sum(h), len(h))


# --- the text helpers ------------------------------------------------------------------------------

def test_links_handles_and_hashtags_are_removed():
    s = strip_links(normalize("Semmmmaaa @raj_01 padam!!! https://x.co/a #Thalaivar www.abc.com asha@x.org amazon.in/deals"))
    assert s.split() == ["semmmmaaa", "padam!!!"]


def test_ordinary_words_are_kept():
    # "done.in" is a typo, not a link; a dot or a slash alone is not a link.
    s = strip_links(normalize("done.in the morning, 24/7 and/or 3.5 stars"))
    assert s.split() == ["done.in", "the", "morning,", "24/7", "and/or", "3.5", "stars"]


@pytest.mark.parametrize("token,folded", [("semmmmaaa", "semmaa"), ("massuuu", "massuu"), ("bahuuut", "bahuut"),
                                          ("semma", "semma"), ("amma", "amma"), ("cool", "cool"),
                                          ("hahaha", None), ("ahahah", None), ("hehe", None), ("lol", None),
                                          ("loool", None), ("lmao", None), ("xd", None), ("ha", "ha"),
                                          ("hello", "hello"), ("helo", "helo")])
def test_token_folding(token, folded):
    assert fold_token(token) == folded


def test_clauses_split_at_punctuation():
    assert clauses("padam semma mass, waiting for the trailer!! 🔥") == ["padam semma mass", " waiting for the trailer",
                                                                       " 🔥"]
