"""Marker words: whole words that one language of a shared script writes and its close neighbours do not.

Character n-grams learned from small seeds weigh a language's spelling habits, but a few very common
grammatical words decide between close neighbours on their own: Assamese আছিল ("was") is Bengali ছিল,
Nepali छ ("is") is Hindi है, Marathi आहे, Maithili अछि; Konkani आसा ("is") is Marathi आहे. When a row has no
orthographic marker (an Assamese sentence without ৰ or ৱ; Nepali and Maithili share every letter), these
words are what a reader goes by. Each marker word found adds ``MARKER_BONUS`` to its language's log-odds
(scaled like the orthography penalties, so it means the same on a long row and a short one).

The lists are hand-written for the project (CC0) from grammar references, not read from any corpus:
* Assamese vs Bengali — G. C. Goswami & J. Tamuli, "Asamiya", in Cardona & Jain (eds.), *The Indo-Aryan
  Languages* (2003); Bengali: S. Thompson, *Bengali* (2010, 2nd ed. 2012). Assamese past copula আছিল,
  pronouns মই মোক তাক সি তেওঁ, accusative -ক without -এ (তোমাক, Bengali তোমাকে), interrogatives কিয়
  কেনেকৈ (Bengali কেন কেমন), negated verbs with prefixed ন- (নাছিল নহয়); Bengali এবং, নেই, ছিল,
  থেকে, গুলো, -কে accusatives (আমাকে তোমাকে), কোথায় এখানে. Words written with ৰ/র/ৱ are left out
  (the orthography rules already decide those).
* Nepali — D. Hutt & A. Subedi, *Teach Yourself Nepali* (2003); J. Acharya, *A Descriptive Grammar of
  Nepali* (1991): copula छ छन् छु छैन थियो थिए, हुन्छ, dative लाई, पनि ("also"), तर ("but"), यो त्यो,
  हामी तिमी तपाईं, perfect participles गरेको भएको.
* Maithili — R. Yadav, *A Reference Grammar of Maithili* (1996): copula अछि छथि छल छलाह, सेहो
  ("also"), अहाँ, हमर अपन, एहि ओहि, एकटा, perfect गेल भेल.
* Konkani (Goan, Devanagari) — M. Almeida, *A Description of Konkani* (1989); the Goa Konkani Akademi
  standard: copula आसा आसात, negative ना, pronouns हांव आमी तुमी, ताका हाका ("to him", "to this"),
  आनी ("and"), पूण ("but"), कित्याक ("why"), perfect participles केल्लें जाल्लें आशिल्लें.
* Marathi — R. V. Dhongde & K. Wali, *Marathi* (2009): आहे आहेत नाही ("is", "are", "not"), आणि
  ("and"), मी आम्ही तुम्ही, त्याला तिला, होते झाले केले.

A word is a marker only if the neighbours it separates never write it as a whole word in their standard
spelling; words two languages share (Bengali and Assamese both write আছে, হয়, কিন্তু; Hindi and Nepali both
write को, हो) are not markers.
"""

from __future__ import annotations

import unicodedata

# Log-odds added per marker word (before the posterior's tempering; see ``LanguageIdentifier._orthography``).
MARKER_BONUS = 4.0

_MARKERS: dict[str, dict[str, str]] = {
    "Beng": {
        "as": "আছিল আছিলো আছিলোঁ আছিলে আছিলা নাছিল মই মোক তোক তাক সি তেওঁ তেওঁক তেওঁলোক তেখেত আপোনাক তোমাক "
              "আমাক সিহঁত কিয় কেনেকৈ কেতিয়া এতিয়া তেতিয়া যেতিয়া ইয়াত নহয় একো নিজা বুলি লগত মাজত "
              "সৈতে হৈছে গৈছে হৈ গৈ লৈ এইবোৰ অলপ একেবাৰে আকৌ সদায় নেকি দেখোন এনেদৰে তেনেদৰে",
        "bn": "এবং নেই কেন কোথায় এখানে সেখানে ওখানে আমাকে তোমাকে ওকে ছিল ছিলেন ছিলাম হবে হবেন গুলো "
              "থেকে হচ্ছে হয়েছে গিয়ে কখন কেমন এমন যেমন তেমন বলে",
    },
    "Deva": {
        "ne": "छ छन् छु छौं छैन छैनन् थियो थिए थिएन हुन्छ हुन्छन् हुँदैन गर्न गर्छ गर्छन् गरेको गरेका गर्नु "
              "गर्नुहोस् भएको भएका भयो भन्ने पनि यो त्यो हामी तिमी तपाईं तपाईँ मेरो हाम्रो तिम्रो उनको "
              "उनी बाट भन्दा अनि रहेको सक्छ सक्दैन",
        "mai": "अछि छथि छलाह छल छलै छैक सेहो अहाँ अहाँक हमर अपन एहि ओहि गेल भेल कहलनि केलनि छन्हि",
        "kok": "आसा आसात आसता आशिल्लो आशिल्ले आशिल्लें हांव आमी तुमी ताका हाका कित्याक खंय कशें जाल्लें केल्लें "
               "म्हळ्ळें आनी पूण नाशिल्लो पसून",
        "mr": "आहे आहेत आहोत आहेस नाही नाहीत आणि मी आम्ही तुम्ही त्याला तिला त्यांना त्यांनी झाले झाली",
    },
}

# Suffixes written attached to the stem that one language uses and its neighbours do not (same references):
# Nepali dative -लाई, plural -हरू, perfect participle -ेको, present -्छन् -्छु, negative -दैन ("व्यक्तिलाई",
# "मानिसहरू", "गरेको", "गर्छन्", "हुँदैन"); Maithili ablative -सँ, infinitive genitive -बाक, honorific past
# -लनि ("न्यायालयसँ", "करबाक", "कहलनि"); Konkani dative -कां ("तुमकां", "तांकां"); Marathi future participle
# -णार ("करणार", "होणार"). A suffix counts only on a word at least two letters longer than it.
_SUFFIXES: dict[str, dict[str, str]] = {
    "Deva": {
        "ne": "लाई हरू हरु ेको ्छन् ्छु दैन दैनन्",
        "mai": "सँ बाक लनि लन्हि",
        "kok": "कां",
        "mr": "णार",
    },
}

# script -> word -> languages whose marker it is
MARKERS: dict[str, dict[str, tuple[str, ...]]] = {}
for _script, _by_lang in _MARKERS.items():
    _words: dict[str, list[str]] = {}
    for _lang, _text in _by_lang.items():
        for _w in unicodedata.normalize("NFC", _text).split():
            _words.setdefault(_w, []).append(_lang)
    MARKERS[_script] = {w: tuple(langs) for w, langs in _words.items()}

# script -> (suffix -> languages, suffix lengths longest first)
SUFFIXES: dict[str, tuple[dict[str, tuple[str, ...]], tuple[int, ...]]] = {}
for _script, _by_lang in _SUFFIXES.items():
    _sfx: dict[str, list[str]] = {}
    for _lang, _text in _by_lang.items():
        for _w in unicodedata.normalize("NFC", _text).split():
            _sfx.setdefault(_w, []).append(_lang)
    SUFFIXES[_script] = ({x: tuple(ls) for x, ls in _sfx.items()}, tuple(sorted({len(x) for x in _sfx}, reverse=True)))


def marker_langs(script: str, word: str) -> tuple[str, ...]:
    """The languages ``word`` (a token of ``script``) is a marker of: as a whole word, else by its suffix
    (the longest that matches)."""
    langs = MARKERS.get(script, {}).get(word)
    if langs is not None:
        return langs
    if script in SUFFIXES:
        by_suffix, lengths = SUFFIXES[script]
        for n in lengths:
            if len(word) >= n + 2:
                langs = by_suffix.get(word[-n:])
                if langs is not None:
                    return langs
    return ()

MARKER_SCRIPTS = frozenset(MARKERS) | frozenset(SUFFIXES)
