"""Evaluation gates: conditions a run must meet, checked after the report is written.

Grammar (``--gate`` is repeatable)::

    adapter_beats_base[.METRIC]:X   adapter better than base by more than X on METRIC (overall);
                                    METRIC defaults to token_f1; for loss/perplexity "better" is lower
    min.METRIC:X                    adapter's overall METRIC >= X   (e.g. min.format_adherence:0.9)
    max_forgetting:X                reference-text perplexity may rise at most X (0.1 = +10%)
    every_language.adapter_beats_base[.METRIC]:X   the first gate, in every language
"""

from __future__ import annotations

from dataclasses import dataclass

from curate.errors import CurateError

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
    raise CurateError(f"unknown gate '{spec}' (use adapter_beats_base[.METRIC]:X, min.METRIC:X, max_forgetting:X, "
                      "every_language.adapter_beats_base[.METRIC]:X)")


def _margin(entry: dict, metric: str) -> float | None:
    a, b = entry["adapter"].get(metric), entry["base"].get(metric)
    if a is None or b is None:
        return None
    return (b - a) if metric in LOWER_IS_BETTER else (a - b)


def check_gate(gate: Gate, report: dict) -> dict:
    metrics = report["metrics"]
    value: float | None
    if gate.kind == "adapter_beats_base":
        value = _margin(metrics["overall"], gate.metric)
        passed = value is not None and value > gate.threshold
    elif gate.kind == "every_language.adapter_beats_base":
        margins = {lang: _margin(metrics[lang], gate.metric) for lang in report["languages"]}
        value = min((v for v in margins.values() if v is not None), default=None)
        passed = all(v is not None and v > gate.threshold for v in margins.values())
    elif gate.kind == "min":
        value = metrics["overall"]["adapter"].get(gate.metric)
        passed = value is not None and value >= gate.threshold
    else:
        fg = report.get("forgetting")
        if fg is None:
            raise CurateError(f"gate '{gate.spec}' needs a reference text: pass --reference FILE")
        value = fg["perplexity_increase"]
        passed = value is not None and value <= gate.threshold
    if gate.kind != "max_forgetting" and value is None and gate.metric not in metrics["overall"]["adapter"]:
        raise CurateError(f"gate '{gate.spec}': no metric '{gate.metric}' in this report "
                          f"(have {', '.join(metrics['overall']['adapter'])})")
    return {"gate": gate.spec, "value": value, "threshold": gate.threshold, "passed": bool(passed)}


def check_gates(specs: list[str], report: dict) -> list[dict]:
    return [check_gate(parse_gate(s), report) for s in specs]
