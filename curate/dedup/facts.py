"""Facts a near pair must agree on to be one example: the numbers it states and its negations.

A re-sent copy of a message keeps its facts - the same amounts, dates, times, counts and the same
polarity - whatever its formatting, typos, greeting or signature.  Two messages built from one
template (another amount, another date) or one stating what the other denies ("the cheque was
cleared" / "was not cleared") can be near by Jaccard and still be two examples: for fine-tuning
data, removing one is data loss.  So a near pair is kept apart (``dup_reason = distinct_facts``) when

* their counts of **negation words** differ, or
* **each states a number the other does not** (a number only one of them adds - a signature's phone
  number, "12 March 2024" written "12/03/2024" - is no contradiction), or
* **each names something the other does not spell** (:func:`names_apart`): a kind or an opposite of the
  :data:`KINDS` lexicon (savings / current account, debit / credit card, debited / credited, am / pm, सुबह /
  शाम), or a word capitalised inside a sentence - a name, a place, a channel (Rahul / Priya, Mumbai / Delhi,
  NEFT / IMPS); a typo of a word of five or more letters still spells it (Mumbia), a shouted word in
  capitals is no name, a name only one side has is no contradiction.  Not covered: names and places in
  scripts without capitals (मुंबई / दिल्ली).

Facts are read from what the customer wrote (:func:`curate.dedup.views.id_text`: a chat's user turns,
an SFT pair's instruction and input, else the text; a canned reply's fresh ticket number is not a
fact) and, like the shingles, outside boilerplate segments unless the document is all boilerplate:
a system line such as "Your ticket number is 4821" shared by many documents did not make the pair
near and does not tell it apart.  Numbers are folded as dedup folds text (any script's digits are
ASCII digits).  The compiled work is :func:`curate.dedup.kernels.fact_sets` /
:func:`curate.dedup.kernels.facts_differ`.

Negators, per language (common sentence negators and prohibitives from standard grammars; e.g.
Kachru, *Hindi* (2006); Schiffman, *A Reference Grammar of Spoken Tamil* (1999); Krishnamurti & Gwynn,
*A Grammar of Modern Telugu* (1985); Sridhar, *Kannada* (1990); Asher & Kumari, *Malayalam* (1997);
Dhongde & Wali, *Marathi* (2009); Thompson, *Bengali* (2010); Cardona & Suthar, *Gujarati* (2003);
Bhatia, *Punjabi* (1993); Schmidt, *Urdu* (1999)).  Fused Dravidian negatives (வரவில்லை, ಬಂದಿಲ್ಲ,
വന്നില്ല, రాలేదు) are read by their endings.  Not covered: negation written only as a verb prefix or
suffix elsewhere (Nepali न-, Bengali -নি fused), Bodo, Santali, Manipuri, Dogri.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa

from curate.dedup import kernels as K
from curate.dedup.fold import tables

NEGATORS = {
    "en": ["not", "never", "cannot", "nobody", "nothing"],
    "hi": ["नहीं", "नही", "मत", "ना", "न"],
    "hi-Latn": ["nahi", "nahin", "nhi", "nai", "mat"],
    "ta-Latn": ["illa", "illai", "ille", "varala", "varla", "vandhala", "kidaikala", "kidaikkala", "kedaikala",
                "aagala", "agala", "pannala", "vendam", "venam"],
    "mr": ["नाही", "नाहीत", "नको", "नव्हता", "नव्हती", "नव्हते"],
    "ne": ["छैन", "होइन"],
    "mai": ["नहि"],
    "kok": ["नाका"],
    "sa": ["मा"],
    "bn": ["না", "নি", "নয়", "নেই", "নাই"],
    "as": ["নহয়"],
    "or": ["ନାହିଁ", "ନା", "ନୁହେଁ"],
    "ta": ["இல்லை", "இல்ல", "வேண்டாம்", "அல்ல", "கூடாது"],
    "te": ["లేదు", "కాదు", "వద్దు", "లేవు"],
    "kn": ["ಇಲ್ಲ", "ಅಲ್ಲ", "ಬೇಡ"],
    "ml": ["ഇല്ല", "അല്ല", "വേണ്ട"],
    "gu": ["નથી", "ના", "નહીં", "નહિ"],
    "pa": ["ਨਹੀਂ", "ਨਹੀ", "ਨਾ", "ਮਤ"],
    "ur": ["نہیں", "نہ", "مت"],
    "sd": ["نه"],
}
# Kinds a customer names in lower case, and opposites, whose swap makes another request ("my savings account" /
# "my current account", "debit card" / "credit card", "debited from" / "credited to", "10 am" / "10 pm", "before" /
# "after", सुबह / शाम); names, cities and channels are read by their capital letter
# (:func:`curate.dedup.kernels.names_apart`).  Only a swap counts: each side must hold one the other lacks.
KINDS = {
    "en": ["savings", "saving", "current", "salary", "nre", "nro", "debit", "credit", "prepaid", "forex",
           "debited", "credited", "deposit", "deposited", "withdrawal", "withdrawn", "withdrew", "sent", "received",
           "am", "pm", "morning", "afternoon", "evening", "night", "before", "after"],
    "hi": ["बचत", "चालू", "वेतन", "डेबिट", "क्रेडिट", "जमा", "निकासी", "सुबह", "दोपहर", "शाम", "रात", "पहले", "बाद"],
    "hi-Latn": ["subah", "dopahar", "shaam", "sham", "raat"],
    "ta": ["சேமிப்பு", "நடப்பு", "டெபிட்", "கிரெடிட்", "காலை", "மாலை", "இரவு"],
}
# Fused negative verb endings (UTF-8 suffixes of a token): Tamil -இல்லை, Malayalam -ഇല്ല, Kannada -ಇಲ್ಲ (as the
# vowel sign after a consonant), Telugu -లేదు.
NEGATIVE_ENDINGS = ["ில்லை", "ില്ല", "ಿಲ್ಲ", "లేదు"]
# "no" is a negator except as the abbreviation of "number" ("account no 1234", "mobile no. is ...").
NO_NUMBER_AFTER = ["account", "acct", "ac", "mobile", "phone", "contact", "ref", "reference", "policy", "ticket",
                   "order", "registration", "serial", "roll", "card", "cheque", "check", "folio", "customer",
                   "complaint", "transaction", "txn", "invoice", "bill", "loan", "application", "request", "case",
                   "booking", "pnr", "tracking", "consumer", "meter", "vehicle", "aadhaar", "pan", "emp", "employee"]
MONTHS = {
    "en": ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"],
    "en-abbr": ["jan", "feb", "mar", "apr", "", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    "hi": ["जनवरी", "फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर"],
    "hi-alt": ["", "फ़रवरी", "", "अप्रेल", "", "", "", "", "सितम्बर", "अक्तूबर", "नवम्बर", "दिसम्बर"],
}


def _hashes(tokenize, words: list[str]) -> np.ndarray:
    """Token hashes of one-token ``words``, folded and hashed by ``tokenize`` (:func:`curate.dedup.core.tokenize`
    with its default settings: strings -> Tokens) as dedup hashes text."""
    t = tokenize(pa.array(words))
    one = np.diff(t.doc_tok) == 1
    return t.tok_hash[t.doc_tok[:-1][one]]


@lru_cache(maxsize=2)
def lexicon(tokenize) -> tuple:
    """(negator keys, "no" key, skip keys before "no", "t" key, month keys, month values, ending bytes, ending
    offsets), sorted where searched, hashed by ``tokenize`` (see :func:`_hashes`); computed once per process."""
    neg = np.unique(_hashes(tokenize, [w for ws in NEGATORS.values() for w in ws]))
    no_key, t_key = _hashes(tokenize, ["no", "t"])
    skip = np.unique(_hashes(tokenize, NO_NUMBER_AFTER))
    words, values = [], []
    for names in MONTHS.values():
        for k, name in enumerate(names):
            if name:
                words.append(name)
                values.append(k + 1)
    mk = _hashes(tokenize, words)
    order = np.argsort(mk, kind="stable")
    mk, mv = mk[order], np.asarray(values, np.int64)[order]
    enc = [e.encode("utf-8") for e in NEGATIVE_ENDINGS]
    suf = np.frombuffer(b"".join(enc), np.uint8).copy()
    suf_off = np.concatenate([[0], np.cumsum([len(e) for e in enc])]).astype(np.int64)
    return neg, np.uint64(no_key), skip, np.uint64(t_key), mk, mv, suf, suf_off


def fact_sets(t, mask: np.ndarray, tokenize, doc_tok: np.ndarray | None = None, code_chars: int = 5
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(number hashes CSR: keys, offsets; negation count per document) of the documents of ``t``
    (:class:`curate.dedup.core.Tokens`), or of those whose token ranges ``doc_tok`` gives (a slice of
    ``t.doc_tok``); ``mask``: per segment of ``t``, boilerplate; ``tokenize``: see :func:`lexicon`.  A token of
    letters and digits of ``code_chars`` or more characters (ORD482913, ABCDE1234F) is a code, not a number
    stated: the identifier rule judges codes (``core.ID_CHARS``, passed here), asking only that two rows share
    one."""
    doc_tok = t.doc_tok if doc_tok is None else doc_tok
    if len(doc_tok) < 2:
        return np.zeros(0, np.uint64), np.zeros(1, np.int64), np.zeros(0, np.int32)
    return K.fact_sets(t.data, t.tok_hash, t.tok_digit, t.tok_seg, t.tok_lo, t.tok_hi, doc_tok,
                       np.asarray(mask, np.bool_), code_chars, *lexicon(tokenize), *tables())


@lru_cache(maxsize=2)
def kind_keys(tokenize) -> np.ndarray:
    """Sorted token hashes of :data:`KINDS`, hashed by ``tokenize`` (see :func:`_hashes`)."""
    return np.unique(_hashes(tokenize, [w for ws in KINDS.values() for w in ws]))


def names_apart(t, mask: np.ndarray, a: np.ndarray, b: np.ndarray, tokenize) -> np.ndarray:
    """Per pair of documents (rows ``a[i]``, ``b[i]`` of ``t``, word tokens): whether each names something the
    other does not spell (:func:`curate.dedup.kernels.names_apart`); ``mask``: per segment, boilerplate."""
    return K.names_apart(np.asarray(a, np.int64), np.asarray(b, np.int64), t.data, t.tok_hash, t.tok_digit, t.tok_seg,
                         t.tok_lo, t.tok_hi, t.doc_tok, np.asarray(mask, np.bool_), kind_keys(tokenize))


def negations_apart(t, mask: np.ndarray, a: np.ndarray, b: np.ndarray, tokenize) -> np.ndarray:
    """Per pair of documents (rows ``a[i]``, ``b[i]`` of ``t``): whether their negation words differ within the
    sentences both hold (:func:`curate.dedup.kernels.negations_apart`); ``mask``: per segment, boilerplate."""
    neg, no_key, skip, t_key, _, _, suf, suf_off = lexicon(tokenize)
    return K.negations_apart(np.asarray(a, np.int64), np.asarray(b, np.int64), t.data, t.tok_hash, t.tok_digit,
                             t.tok_seg, t.tok_lo, t.tok_hi, t.doc_tok, np.asarray(mask, np.bool_), neg, no_key, skip,
                             t_key, suf, suf_off)
