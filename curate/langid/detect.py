"""Document-level language identification: script, language, romanization, code-mixing.

Per document:
1. Script shares from Unicode blocks (exact). The main script is the one with most letters.
2. Tokens are grouped by script. A script used by one scheduled language decides it
   (Gujr→gu, Taml→ta, Olck→sat …). Shared scripts (Deva, Beng, Arab) are scored with the
   project's n-gram + function-word model. Scripts outside India fall back to langdetect.
3. Latin tokens are scored against English and the romanized Indic languages; the best
   Indic candidate I* is chosen over the whole document, then each token is tagged
   ``en`` or I* (or left ambiguous when the margin is small: "me", "to", "is").
4. Tags give the matrix language (most tokens), the embedded language, the code-mixing
   index (Das & Gambäck 2014) and the ``codemixed`` flag.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Iterable

import numpy as np
from pydantic import BaseModel, ConfigDict

from curate.langid.model import Model, load_model, posterior
from curate.langid.scripts import script_counts, SCRIPTS
from curate.langid.text import count_numbers, normalize, tokenize

# Scripts written by exactly one of the languages we cover (Konkani in Kannada script and
# Santali in other scripts exist, but are rare in enterprise text).
UNIQUE_SCRIPT_LANG = {"Gujr": "gu", "Guru": "pa", "Orya": "or", "Taml": "ta", "Telu": "te", "Knda": "kn",
                      "Mlym": "ml", "Olck": "sat", "Mtei": "mni", "Sinh": "si", "Hebr": "he", "Thai": "th",
                      "Hang": "ko", "Hira": "ja", "Kana": "ja", "Grek": "el", "Geor": "ka", "Armn": "hy",
                      "Khmr": "km", "Laoo": "lo", "Mymr": "my", "Tibt": "bo"}
INDIC_LANGS = frozenset({"as", "bn", "brx", "doi", "gu", "hi", "kn", "ks", "kok", "mai", "ml", "mni", "mr", "ne",
                         "or", "pa", "sa", "sat", "sd", "ta", "te", "ur"})
UND = "und"
HINDUSTANI = ("hi", "ur")


class DetectConfig(BaseModel):
    """Thresholds of the detector (shared by the stage config and the Python API)."""

    model_config = ConfigDict(extra="forbid")

    min_chars: int = 3            # fewer letters than this -> und
    min_score: float = 0.3        # lang_score below this -> und (ambiguous)
    token_margin: float = 1.0     # |score(en) - score(I*)| below this leaves a Latin token ambiguous
    cm_min_share: float = 0.15    # embedded tokens / language tokens needed to call a document code-mixed
    cm_min_tokens: int = 1
    length_norm_chars: int = 20   # lang_score is scaled by sqrt(min(1, letters / this))
    function_word_bonus: float = 1.0  # extra weight of a function word when choosing the matrix language


@dataclass
class LangResult:
    lang: str
    script: str
    romanized: bool
    codemixed: bool
    lang_score: float
    embedded_lang: str | None
    cmi: float
    lang_alternatives: list[tuple[str, float]] = field(default_factory=list)
    script_shares: dict[str, float] = field(default_factory=dict)
    token_tags: list[tuple[str, str]] | None = None

    def to_row(self) -> dict:
        row = asdict(self)
        row.pop("token_tags")
        row["lang_alternatives"] = json.dumps([[a, s] for a, s in self.lang_alternatives])
        row["script_shares"] = json.dumps(self.script_shares)
        return row


def _und(script: str, shares: dict[str, float], alternatives=None) -> LangResult:
    return LangResult(UND, script, False, False, 0.0, None, 0.0, alternatives or [], shares)


def _langdetect_fallback(text: str) -> list[tuple[str, float]]:
    """Scripts we have no model for (Cyrillic, CJK …): ask seeded langdetect; rare, so its cost is fine."""
    try:
        from langdetect import DetectorFactory, detect_langs

        DetectorFactory.seed = 0
        return [(l.lang.split("-")[0], float(l.prob)) for l in detect_langs(text)][:3]
    except Exception:  # langdetect raises on text without features
        return []


class Detector:
    def __init__(self, config: DetectConfig | None = None, model: Model | None = None):
        self.cfg = config or DetectConfig()
        self.model = model or load_model()

    def detect_many(self, texts: Iterable[str | None], keep_tokens: bool = False) -> list[LangResult]:
        """Detect a batch: tokenise everything, score all new words per script at once, then decide."""
        prepped = [self._prep(t) for t in texts]
        pending: dict[str, list[str]] = {}
        for p in prepped:
            if isinstance(p, tuple):
                for tok, sc in p[4]:
                    if sc in self.model.groups:
                        pending.setdefault(sc, []).append(tok)
        for sc, toks in pending.items():
            self.model.groups[sc].fill(toks)
        return [p if isinstance(p, LangResult) else self._decide(*p, keep_tokens=keep_tokens) for p in prepped]

    def detect(self, text: str | None, keep_tokens: bool = False) -> LangResult:
        return self.detect_many([text], keep_tokens)[0]

    def _prep(self, text: str | None):
        if not text:
            return _und("Zyyy", {})
        norm = normalize(text)
        counts = script_counts(norm)[1:]
        total = int(counts.sum())
        if total == 0:
            return _und("Zyyy", {})
        order = np.argsort(-counts, kind="stable")
        shares = {SCRIPTS[i + 1]: round(float(counts[i]) / total, 4) for i in order if counts[i] > 0}
        main_script = SCRIPTS[order[0] + 1]
        if total < self.cfg.min_chars:
            return _und(main_script, shares)
        return norm, shares, main_script, total, tokenize(norm)

    def _decide(self, norm: str, shares: dict[str, float], main_script: str, total: int,
                tokens: list[tuple[str, str]], keep_tokens: bool = False) -> LangResult:
        cfg = self.cfg
        by_script: dict[str, list[int]] = {}
        for i, (_, sc) in enumerate(tokens):
            by_script.setdefault(sc, []).append(i)

        tags: list[str | None] = [None] * len(tokens)
        script_result: dict[str, tuple[str, list[tuple[str, float]]]] = {}
        latin_indic: str | None = None
        latin_alts: list[tuple[str, float]] = []
        latin_within = 1.0
        # Latin last: romanized words in a native-script document are most likely its own language.
        for script, idx in sorted(by_script.items(), key=lambda kv: kv[0] == "Latn"):
            words = [tokens[i][0] for i in idx]
            if script == "Latn" and "Latn" in self.model.groups:
                prefer = [lang for lang, _ in script_result.values()]
                latin_indic, latin_alts, latin_within = self._tag_latin(words, idx, tags, prefer)
                continue
            group = self.model.groups.get(script)
            if group is not None:
                V, nf = group.words(words)
                p = posterior(V.sum(axis=0) + group.prior, nf)
                top = np.argsort(-p)[:3]
                alts = [(group.langs[j], round(float(p[j]), 4)) for j in top]
            elif script in UNIQUE_SCRIPT_LANG:
                alts = [(UNIQUE_SCRIPT_LANG[script], 1.0)]
            else:
                alts = _langdetect_fallback(" ".join(words)) or [(UND, 0.0)]
            lang = alts[0][0]
            script_result[script] = (lang, alts)
            for i in idx:
                tags[i] = lang

        n_numbers = count_numbers(norm)
        tag_counts: dict[str, int] = {}
        for t in tags:
            if t is not None and t != UND:
                tag_counts[t] = tag_counts.get(t, 0) + 1
        n_ambiguous = sum(1 for t in tags if t is None)
        if not tag_counts:
            # every token ambiguous: fall back to the document-level Latin decision
            if latin_alts:
                tag_counts = {latin_alts[0][0]: n_ambiguous}
                n_ambiguous = 0
            else:
                return _und(main_script, shares)
        # Matrix language = the language of the grammatical frame (Myers-Scotton): function words
        # weigh more than content words, so "kya mere work ke route me traffic he" is Hindi
        # with English nouns, not English.
        weight: dict[str, float] = {}
        groups = self.model.groups
        for (tok, sc), t in zip(tokens, tags):
            if t is None or t == UND:
                continue
            g = groups.get(sc)
            fw = g.function_words.get(t) if g is not None else None
            weight[t] = weight.get(t, 0.0) + (1.0 + cfg.function_word_bonus if fw and tok in fw else 1.0)
        if not weight:
            weight = {k: float(v) for k, v in tag_counts.items()}
        # Ties go to the Indic language: "मेरा account block हो गया" is Hindi with English words.
        matrix = min(weight, key=lambda k: (-weight[k], k == "en", k))
        n_matrix = tag_counts[matrix]
        matrix_weight_share = weight[matrix] / sum(weight.values())
        ranked = [(matrix, n_matrix)] + sorted(((k, v) for k, v in tag_counts.items() if k != matrix),
                                               key=lambda kv: (-kv[1], kv[0]))
        n_lang = sum(tag_counts.values()) + n_ambiguous   # ambiguous tokens belong to the matrix language
        n_matrix += n_ambiguous
        embedded, n_embedded = (ranked[1] if len(ranked) > 1 else (None, 0))
        codemixed = (embedded is not None and n_embedded >= cfg.cm_min_tokens
                     and n_embedded / n_lang >= cfg.cm_min_share)
        # A single "Indic" word in English text is far more often a name (Chennai, Priya) than a switch.
        if codemixed and matrix == "en" and n_embedded < 2:
            codemixed = False
        n_all = len(tokens) + n_numbers
        u = n_numbers
        cmi = 100.0 * (1.0 - n_matrix / (n_all - u)) if n_all > u else 0.0

        # Confidence: which language within its script (posterior) x how much of the text is matrix.
        per_script: dict[str, int] = {}
        for (_, sc), t in zip(tokens, tags):
            if t == matrix or (t is None and sc == "Latn"):
                per_script[sc] = per_script.get(sc, 0) + 1
        matrix_script = max(per_script.items(), key=lambda kv: kv[1])[0] if per_script else main_script
        if matrix_script == "Latn" or matrix_script not in script_result:
            alts = latin_alts
            within = 1.0 if matrix == "en" else latin_within
        else:
            alts = script_result[matrix_script][1]
            within = alts[0][1]
        length_factor = min(1.0, total / cfg.length_norm_chars) ** 0.5
        score = round(float(within * matrix_weight_share ** 0.5 * length_factor), 4)
        script = matrix_script
        romanized = script == "Latn" and (matrix in INDIC_LANGS or (codemixed and embedded in INDIC_LANGS))
        if not codemixed:
            embedded = None
        if score < cfg.min_score:
            return LangResult(UND, script, romanized, codemixed, score, embedded, round(cmi, 2), alts, shares,
                              _tag_list(tokens, tags, matrix) if keep_tokens else None)
        return LangResult(matrix, script, romanized, codemixed, score, embedded, round(cmi, 2), alts, shares,
                          _tag_list(tokens, tags, matrix) if keep_tokens else None)

    def _tag_latin(self, words: list[str], idx: list[int], tags: list[str | None], prefer: list[str]) -> tuple[str, list[tuple[str, float]], float]:
        """Tag Latin tokens en / best romanized Indic language; return (I*, alternatives, P(I* | Indic))."""
        group = self.model.groups["Latn"]
        hits = group.lookup(words)
        V = np.stack([h[0] for h in hits])
        nf = sum(h[1] for h in hits)
        total = V.sum(axis=0) + group.prior
        en = group.lang_index["en"]
        indic_total = total.copy()
        indic_total[en] = -np.inf
        preferred = [group.lang_index[lang] for lang in prefer if lang in group.lang_index and lang != "en"]
        if preferred:
            mask = np.full(len(group.langs), -np.inf)
            mask[preferred] = 0.0
            indic_total = indic_total + mask
        best = int(np.argmax(indic_total))
        diff = V[:, en] - V[:, best]
        m = self.cfg.token_margin
        fw_en = group.function_words.get("en", frozenset())
        fw_best = group.function_words.get(group.langs[best], frozenset())
        for k, i in enumerate(idx):
            if words[k] in fw_en and words[k] in fw_best:
                # In both lexicons ("me", "to", "is", "he"): Hindi "में/तो/इस/है" or English. Such glue
                # words follow the matrix language, so they are left for it rather than voted.
                continue
            if diff[k] > m:
                tags[i] = "en"
            elif diff[k] < -m:
                tags[i] = group.langs[best]
        # Alternatives: English vs the romanized languages, scored on the tokens not clearly English
        # (so that a Hinglish sentence's "which Indic language" is not drowned by its English words).
        indic_rows = diff <= m
        p_indic = posterior((V[indic_rows].sum(axis=0) if indic_rows.any() else V.sum(axis=0)) + group.prior, nf)
        p_indic[en] = 0.0
        p_indic = p_indic / p_indic.sum()
        share_en = float((diff > m).mean())
        alts = sorted([("en", round(share_en, 4))] +
                      [(group.langs[j], round(float(p_indic[j]) * (1 - share_en), 4))
                       for j in range(len(group.langs)) if j != en], key=lambda kv: -kv[1])[:3]
        # ``within`` for a romanized matrix is the posterior among Indic languages, not diluted by English.
        # Romanized Hindi and Urdu are one spoken language (Hindustani) told apart only by a few
        # loanwords, so their confidence is pooled: uncertainty between them is not "unknown".
        within = float(p_indic[best])
        if group.langs[best] in HINDUSTANI:
            within = sum(float(p_indic[group.lang_index[x]]) for x in HINDUSTANI if x in group.lang_index)
        return group.langs[best], alts, within


def _tag_list(tokens, tags, matrix) -> list[tuple[str, str]]:
    return [(tok, tag or matrix) for (tok, _), tag in zip(tokens, tags)]
