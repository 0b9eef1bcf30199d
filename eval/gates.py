"""Evaluation gates: conditions a run must meet, checked after the report is written.

Grammar (``--gate`` is repeatable)::

    adapter_beats_base[.METRIC]:X   adapter better than base by more than X on METRIC (overall);
                                    METRIC defaults to token_f1; for loss/perplexity "better" is lower
    min.METRIC:X                    adapter's overall METRIC >= X   (e.g. min.format_adherence:0.9)
    max_forgetting:X                reference-text perplexity may rise at most X (0.1 = +10%)
    every_language.adapter_beats_base[.METRIC]:X   the first gate, in every language
    pii_extraction[.TYPE]:N         the adapter reproduces at most N raw PII values (of TYPE: aadhaar, pan,
                                    phone, email, account, name), greedy or sampled (needs --privacy)
    memorized_duplicates:R          at most a share R of the most-duplicated raw records is reproduced
                                    (greedy) by the adapter (needs --privacy)
    canary_extraction:N             at most N planted canaries extracted by the adapter (needs --canaries)

Every result carries ``n`` (items or probes behind the decision); below ``min_samples`` it also
carries a ``warning``, and with ``small_sample="fail"`` the gate fails.
"""

from __future__ import annotations

from dataclasses import dataclass

from curate.errors import CurateError

from eval.stats import MIN_SAMPLES, small_sample_warning

LOWER_IS_BETTER = {"loss", "perplexity"}


@dataclass
class Gate:
    kind: str
    metric: str
    threshold: float
    spec: str


def parse_gate(spec: str) -> Gate:
    name, sep, value = spec.rpartition(":")
    try:
        threshold = float(value)
    except ValueError:
        raise CurateError(f"bad gate '{spec}': expected NAME:NUMBER, e.g. adapter_beats_base:0.0") from None
    if not sep:
        raise CurateError(f"bad gate '{spec}': expected NAME:NUMBER, e.g. adapter_beats_base:0.0")
    for kind in ("every_language.adapter_beats_base", "adapter_beats_base"):
        if name == kind or name.startswith(kind + "."):
            metric = name[len(kind) + 1:] or "token_f1"
            return Gate(kind, metric, threshold, spec)
    if name.startswith("min.") and len(name) > 4:
        return Gate("min", name[4:], threshold, spec)
    if name == "max_forgetting":
        return Gate("max_forgetting", "perplexity_increase", threshold, spec)
    if name == "pii_extraction" or name.startswith("pii_extraction."):
        return Gate("pii_extraction", name[len("pii_extraction") + 1:] or "overall", threshold, spec)
    if name in ("memorized_duplicates", "canary_extraction"):
        return Gate(name, name, threshold, spec)
    raise CurateError(f"unknown gate '{spec}' (use adapter_beats_base[.METRIC]:X, min.METRIC:X, max_forgetting:X, "
                      "every_language.adapter_beats_base[.METRIC]:X, pii_extraction[.TYPE]:N, memorized_duplicates:R, "
                      "canary_extraction:N)")


PRIVACY_GATES = ("pii_extraction", "memorized_duplicates", "canary_extraction")


def needs_privacy(gate: Gate) -> bool:
    return gate.kind in PRIVACY_GATES


def _margin(entry: dict, metric: str) -> float | None:
    a, b = entry["adapter"].get(metric), entry["base"].get(metric)
    if a is None or b is None:
        return None
    return (b - a) if metric in LOWER_IS_BETTER else (a - b)


def _privacy_gate(gate: Gate, report: dict) -> tuple[float | None, bool, int]:
    priv = report.get("privacy")
    if priv is None:
        raise CurateError(f"gate '{gate.spec}' needs the extraction evaluation: pass --privacy")
    if gate.kind == "pii_extraction":
        table = priv["pii"]["overall"] if gate.metric == "overall" else priv["pii"]["by_type"].get(gate.metric)
        if table is None:  # no value of this type in the raw documents: nothing could leak
            return 0.0, 0.0 <= gate.threshold, 0
        value = float(table["adapter"]["extracted"])
        return value, value <= gate.threshold, table["adapter"]["n"]
    if gate.kind == "canary_extraction":
        canaries = priv.get("canaries")
        if canaries is None:
            raise CurateError(f"gate '{gate.spec}' needs planted canaries: pass --canaries FILE")
        value = float(canaries["adapter"]["extracted"])
        return value, value <= gate.threshold, canaries["adapter"]["n"]
    dup = priv["duplicates"]["duplicated"]["adapter"]
    value = dup["rate"] if dup["n"] else 0.0
    return value, value <= gate.threshold, dup["n"]


def check_gate(gate: Gate, report: dict, min_samples: int = MIN_SAMPLES, small_sample: str = "warn") -> dict:
    """One gate's decision: ``{gate, value, threshold, passed, n[, warning]}``."""
    metrics = report["metrics"]
    value: float | None
    n = metrics["overall"]["n"]
    if gate.kind in PRIVACY_GATES:
        value, passed, n = _privacy_gate(gate, report)
    elif gate.kind == "adapter_beats_base":
        value = _margin(metrics["overall"], gate.metric)
        passed = value is not None and value > gate.threshold
    elif gate.kind == "every_language.adapter_beats_base":
        margins = {lang: _margin(metrics[lang], gate.metric) for lang in report["languages"]}
        value = min((v for v in margins.values() if v is not None), default=None)
        passed = all(v is not None and v > gate.threshold for v in margins.values())
        n = min((metrics[lang]["n"] for lang in report["languages"]), default=n)
    elif gate.kind == "min":
        value = metrics["overall"]["adapter"].get(gate.metric)
        passed = value is not None and value >= gate.threshold
    else:
        fg = report.get("forgetting")
        if fg is None:
            raise CurateError(f"gate '{gate.spec}' needs a reference text: pass --reference FILE")
        value = fg["perplexity_increase"]
        passed = value is not None and value <= gate.threshold
        n = fg.get("chunks", n)
    if gate.kind not in PRIVACY_GATES and gate.kind != "max_forgetting" and value is None \
            and gate.metric not in metrics["overall"]["adapter"]:
        raise CurateError(f"gate '{gate.spec}': no metric '{gate.metric}' in this report "
                          f"(have {', '.join(metrics['overall']['adapter'])})")
    out = {"gate": gate.spec, "value": value, "threshold": gate.threshold, "passed": bool(passed), "n": n}
    warning = small_sample_warning(n, "items behind this gate", min_samples)
    if warning:
        out["warning"] = warning
        if small_sample == "fail":
            out["passed"] = False
    return out


def check_gates(specs: list[str], report: dict, min_samples: int = MIN_SAMPLES, small_sample: str = "warn") -> list[dict]:
    return [check_gate(parse_gate(s), report, min_samples, small_sample) for s in specs]
