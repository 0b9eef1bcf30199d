"""Romanized Indic, Hinglish in both directions, and the code-mixing index.

Sentences written for these tests; none is in the seed text.
"""

from __future__ import annotations

import pytest

from curate.langid.detect import LanguageIdentifier


@pytest.fixture(scope="module")
def det():
    return LanguageIdentifier()


ROMANIZED = [
    ("hi", "bhai kal se mera internet nahi chal raha hai, koi dekh lo jaldi"),
    ("hi", "mujhe samajh nahi aaya ki paise kab wapas milenge"),
    ("hi", "aaj shaam ko hum sab dost milke khana khane jayenge"),
    ("ta", "enakku indha padam romba pidikkum, neenga paathingala"),
    ("ta", "naan innaiku veetla irukken, naalaiku varen"),
    ("ml", "njan innu veettil thanne aanu, naale varaam"),
    ("ml", "ee padam enikku valare ishtamayi, ningal kando"),
    ("kn", "naanu ivattu maneli iddini, naale bartini"),
    ("kn", "nanage ee cinema tumba ishta aaytu, neevu nodidra"),
    ("te", "nenu ivala intlo unnanu, repu vastanu"),
    ("bn", "ami aaj bari te achi, kal asbo"),
]


@pytest.mark.parametrize("lang,text", ROMANIZED)
def test_romanized_indic(det, lang, text):
    r = det.detect(text)
    assert (r.lang, r.script, r.romanized) == (lang, "Latn", True), r


def test_plain_english_is_not_romanized(det):
    r = det.detect("Could you please send me the invoice for last month's order?")
    assert (r.lang, r.romanized, r.codemixed) == ("en", False, False)
    assert r.cmi == 0.0


def test_hinglish_hindi_matrix(det):
    r = det.detect("yaar mera laptop bahut slow chal raha hai, koi solution batao", keep_tokens=True)
    assert (r.lang, r.script, r.romanized, r.codemixed, r.embedded_lang) == ("hi", "Latn", True, True, "en")
    tags = dict(r.token_tags)
    assert tags["laptop"] == "en" and tags["slow"] == "en" and tags["solution"] == "en"
    assert tags["raha"] == "hi" and tags["batao"] == "hi"
    assert 0 < r.cmi < 50


def test_hinglish_english_matrix(det):
    r = det.detect("I am totally exhausted today, kal se gym jaunga for sure, this week was crazy busy")
    assert (r.lang, r.romanized, r.codemixed, r.embedded_lang) == ("en", True, True, "hi")


def test_native_hindi_with_english_words(det):
    r = det.detect("मेरा refund अभी तक नहीं आया है, please जल्दी process कीजिए")
    assert (r.lang, r.script, r.romanized, r.codemixed, r.embedded_lang) == ("hi", "Deva", False, True, "en")


def test_cmi_follows_das_and_gamback(det):
    # 10 language tokens (+ 1 number, language-independent): CMI = 100 * (1 - max_lang / (n - u)).
    r = det.detect("kal 6 baje mujhe meeting ke liye office jana hai please", keep_tokens=True)
    tags = [t for _, t in r.token_tags]
    n_matrix = max(tags.count("hi"), tags.count("en"))
    assert r.cmi == pytest.approx(100 * (1 - n_matrix / len(tags)), abs=0.01)


def test_few_loanwords_are_not_codemixing(det):
    r = det.detect("kal subah hum sab log mandir jayenge aur phir dopahar ko khana khayenge, phone rakh do")
    assert r.lang == "hi" and not r.codemixed


def test_single_indic_name_in_english_is_not_codemixing(det):
    r = det.detect("Please deliver the parcel to Chennai before Friday evening, thank you.")
    assert r.lang == "en" and not r.codemixed and not r.romanized
