"""Short, empty, numbers-only, emoji-only and mixed-script documents."""

from __future__ import annotations

import json

import pytest

from curate.langid.detect import LanguageIdentifier


@pytest.fixture(scope="module")
def det():
    return LanguageIdentifier()


@pytest.mark.parametrize("text", ["", None, "   ", "12345", "₹ 4,500.00", "९८७६५४३२१०", "😀🎉👍", "!!! ??? ...", "ok"])
def test_no_language_gives_und_with_zero_score(det, text):
    r = det.detect(text)
    assert r.lang == "und" and r.lang_score == 0.0 and not r.codemixed and not r.romanized


def test_numbers_only_has_no_script(det):
    r = det.detect("+91 98765 43210")
    assert r.script == "Zyyy" and r.script_shares == {}


def test_short_text_scores_lower_than_long_text(det):
    short = det.detect("kya haal")
    long = det.detect("kya haal hai bhai, bahut din ho gaye tumse baat kiye hue, sab theek to hai na ghar pe")
    assert long.lang == "hi"
    assert short.lang_score < long.lang_score


def test_single_ambiguous_word_is_und(det):
    # "to" is English and romanized Hindi alike: no confident guess.
    assert det.detect("to").lang == "und"


def test_mixed_script_document(det):
    text = "आज की मीटिंग 3 बजे है। இன்று கூட்டம் மூன்று மணிக்கு. Meeting at 3 pm today."
    r = det.detect(text)
    assert set(r.script_shares) == {"Deva", "Taml", "Latn"}
    assert sum(r.script_shares.values()) == pytest.approx(1.0, abs=1e-3)
    assert r.codemixed
    assert r.lang in {"hi", "ta", "en"} and r.embedded_lang in {"hi", "ta", "en"} and r.embedded_lang != r.lang


def test_mixed_script_majority_decides(det):
    r = det.detect("நான் நாளை அலுவலகத்துக்கு வருவேன், meeting பிறகு பேசலாம் சரியா")
    assert (r.lang, r.script) == ("ta", "Taml")


def test_row_serialisation_is_json(det):
    row = det.detect("यह एक परीक्षण वाक्य है जो हिंदी में लिखा गया है").to_row()
    alts = json.loads(row["lang_alternatives"])
    assert alts[0][0] == "hi" and len(alts) <= 3
    assert json.loads(row["script_shares"]) == {"Deva": 1.0}


def test_deterministic(det):
    text = "mera order abhi tak deliver nahi hua, tracking bhi update nahi ho rahi"
    assert LanguageIdentifier().detect(text) == det.detect(text)
