"""Issue 12, tenth pass: romanized Punjabi as people type it, everyday English words whose letters look Indic, and
English "me"/"to" before an object or a number. Every text was written for this test (not copied from a corpus,
not from the seed files); the expected languages are the writer's own reading of them (grammar, not the detector)."""

import pytest

from curate.langid.detect import LanguageIdentifier
from curate.langid.seed import load_seeds


@pytest.fixture(scope="module")
def det():
    return LanguageIdentifier()


PUNJABI = [
    "ki haal aa veere",
    "bahut vadiya gaana aa paaji",
    "tusi kithe ho, main kado da wait kar reha haan",
    "sanu vi dasso kiddan karna",
    "mera pind ludhiana de kol aa",
    "eh banda sachi bahut changa aa",
    "menu ajj kamm ton chhutti chahidi aa",
    "oye veere ki gal aa, phone kyon nahi chukda",
    "mainu tuhadi gall samajh nahi aayi",
    "sidhu paaji da gaana sunke maza aa gaya",
    "kudi bahut sohni lag rahi aa",
    "assi kal nu amritsar jaana aa",
]


def test_the_punjabi_rows_are_not_in_the_seed():
    seed = {s.lower() for sf in load_seeds()["roman"].values() for s in sf.sentences}
    assert not seed & set(PUNJABI)


@pytest.mark.parametrize("text", PUNJABI)
def test_romanized_punjabi_comments(det, text):
    # Punjabi grammar words: aa (is), nu (to), da/di (of), vich, sanu/menu/mainu/tuhadi, veere/paaji, kithe, kiddan
    r = det.detect(text)
    assert (r.lang, r.script, r.romanized) == ("pa", "Latn", True)


@pytest.mark.parametrize("text", [
    # content words Punjabi and Hindi share, with Hindi grammar (hai, ho gaya, aaya, ke, ko): Hindi
    "dil khush ho gaya aaj to",
    "bahut maza aaya yaar kal ki party mein",
    "gaana sun ke dil khush ho gaya",
])
def test_shared_words_without_punjabi_grammar_are_hindi(det, text):
    assert det.detect(text).lang == "hi"


@pytest.mark.parametrize("text", [
    "she sings so beautifully, dil khush ho gaya",
    "the team played really well today, dil khush ho gaya",
])
def test_embedded_hindi_is_hindi_not_punjabi(det, text):
    r = det.detect(text)
    assert (r.lang, r.embedded_lang, r.codemixed) == ("en", "hi", True)


@pytest.mark.parametrize("text,english", [
    # everyday English words whose letters look Indic to character 4-grams (Kannada mane/nage, Urdu sai, Hindi
    # ke/tak) and that no romanized training text has as a word: English
    ("my manager said kal se work from home band", ("manager", "said")),
    ("I really enjoy this app, sab kuch ekdum smooth hai", ("enjoy",)),
    ("the market was closed today because of some bandh", ("market",)),
])
def test_everyday_english_words_are_english(det, text, english):
    r = det.detect(text, keep_tokens=True)
    tags = dict(r.token_tags)
    assert all(tags[w] == "en" for w in english), r.token_tags


def test_english_matrix_with_everyday_words(det):
    r = det.detect("my manager said kal se work from home band")
    assert (r.lang, r.embedded_lang, r.codemixed) == ("en", "hi", True)


@pytest.mark.parametrize("text", [
    "Play me 80's music.",            # "me" after a verb of request: the English object pronoun, not Hindi में
    "Bring me the bill please",
    "Change morning reminder to 6.",  # "to" before a number: the clause goes on, not Hindi तो
    "set the alarm to 5:30",
])
def test_english_commands_stay_english(det, text):
    r = det.detect(text)
    assert (r.lang, r.codemixed) == ("en", False), (r.lang, r.codemixed, r.embedded_lang)


@pytest.mark.parametrize("text", [
    "tum to 6 baje aane wale the",   # Hindi तो mid-clause before a number stays Hindi
    "kal se office jana hai to",     # and at the end of a clause
])
def test_hindi_to_is_still_hindi(det, text):
    assert det.detect(text).lang == "hi"


@pytest.mark.parametrize("lang,text", [
    # fan comments: an English fragment without a finite frame around a Dravidian word are labelled by the
    # Dravidian language (the convention of Dravidian comment corpora and of issue 12's own example)
    ("ta", "Semma trailer, waiting for the movie"),
    ("ta", "vera level making, waiting for audio launch"),
    ("ml", "Poli trailer, waiting for release"),
    ("ml", "kidu making, eagerly waiting"),
    ("kn", "Trailer sakkath, waiting for first day first show"),
    ("te", "keka trailer, waiting for the release"),
])
def test_english_fragment_around_a_dravidian_word_is_dravidian(det, text, lang):
    r = det.detect(text)
    assert (r.lang, r.codemixed, r.embedded_lang) == (lang, True, "en"), (r.lang, r.codemixed, r.embedded_lang)


@pytest.mark.parametrize("text", [
    "we are all waiting for the trailer, semma hype",   # a finite English frame (we are): English
    "I watched it yesterday, padam semma",
    "Anna University results are out",                  # a capitalised name, not the word "elder brother"
    "Waiting for the trailer",
])
def test_finite_english_frames_and_plain_english_stay_english(det, text):
    assert det.detect(text).lang == "en"
