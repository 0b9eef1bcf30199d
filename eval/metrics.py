"""Text metrics for generated answers, implemented here (no downloads, no metric libraries).

All metrics work on Unicode text in any script.  Normalisation (for exact match, token
F1 and ROUGE-L) is NFC, lower-casing, removing punctuation and symbols (Unicode
categories P* and S*) and collapsing whitespace; combining marks (Indic matras, viramas)
are kept because they change the word.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections import Counter


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "").lower()
    kept = [" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text]
    return " ".join("".join(kept).split())


def tokens(text: str) -> list[str]:
    return normalize(text).split()


def exact_match(pred: str, ref: str) -> float:
    return float(normalize(pred) == normalize(ref))


def token_f1(pred: str, ref: str) -> float:
    """SQuAD-style bag-of-tokens F1."""
    p, r = tokens(pred), tokens(ref)
    if not p and not r:
        return 1.0
    if not p or not r:
        return 0.0
    common = sum((Counter(p) & Counter(r)).values())
    if common == 0:
        return 0.0
    prec, rec = common / len(p), common / len(r)
    return 2 * prec * rec / (prec + rec)


def _lcs(a: list[str], b: list[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(pred: str, ref: str) -> float:
    """ROUGE-L F1 over normalised tokens (longest common subsequence)."""
    p, r = tokens(pred), tokens(ref)
    if not p and not r:
        return 1.0
    lcs = _lcs(p, r)
    if lcs == 0:
        return 0.0
    prec, rec = lcs / len(p), lcs / len(r)
    return 2 * prec * rec / (prec + rec)


def _char_ngrams(text: str, n: int) -> Counter:
    return Counter(text[i:i + n] for i in range(len(text) - n + 1))


def chrf(pred: str, ref: str, order: int = 6, beta: float = 2.0) -> float:
    """Sentence chrF (Popović 2015, sacrebleu's defaults: character 1..6-grams, beta 2, whitespace removed).

    Returned on a 0..1 scale.  Orders longer than both strings are skipped, as in sacrebleu.
    """
    hyp = "".join(unicodedata.normalize("NFC", pred or "").split())
    r = "".join(unicodedata.normalize("NFC", ref or "").split())
    if not hyp and not r:
        return 1.0
    precs, recs = [], []
    for n in range(1, order + 1):
        h, g = _char_ngrams(hyp, n), _char_ngrams(r, n)
        if not h and not g:
            continue
        match = sum((h & g).values())
        precs.append(match / sum(h.values()) if h else 0.0)
        recs.append(match / sum(g.values()) if g else 0.0)
    if not precs:
        return 0.0
    p, rc = sum(precs) / len(precs), sum(recs) / len(recs)
    if p == 0 and rc == 0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * p * rc / (b2 * p + rc)


def parse_json_object(text: str) -> dict | None:
    """The JSON object in ``text`` (also inside ```json fences), or None."""
    s = (text or "").strip()
    if s.startswith("```"):
        s = s.strip("`")
        s = s[4:] if s.lower().startswith("json") else s
    try:
        val = json.loads(s)
    except (json.JSONDecodeError, ValueError):
        return None
    return val if isinstance(val, dict) else None


def structured_keys(references: list[str], min_share: float = 0.8) -> list[str] | None:
    """Keys every JSON reference has, when at least ``min_share`` of references are JSON objects."""
    objs = [parse_json_object(r) for r in references]
    good = [o for o in objs if o is not None]
    if not references or len(good) < min_share * len(references):
        return None
    keys = set(good[0])
    for o in good[1:]:
        keys &= set(o)
    return sorted(keys)


def format_ok(pred: str, required_keys: list[str]) -> float:
    obj = parse_json_object(pred)
    return float(obj is not None and all(k in obj for k in required_keys))


TEXT_METRICS = {"exact_match": exact_match, "token_f1": token_f1, "rouge_l": rouge_l, "chrf": chrf}


def score(pred: str, ref: str, required_keys: list[str] | None = None) -> dict[str, float]:
    out = {name: fn(pred, ref) for name, fn in TEXT_METRICS.items()}
    if required_keys is not None:
        out["format_adherence"] = format_ok(pred, required_keys)
    return out


def perplexity(mean_nll: float | None) -> float | None:
    if mean_nll is None:
        return None
    return math.exp(min(mean_nll, 700.0))  # exp overflows past ~709
