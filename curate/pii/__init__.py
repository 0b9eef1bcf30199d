"""PII detection and anonymization for Indian data.

    from curate.pii import get_detector, Anonymizer, load_policy, decrypt
    spans = get_detector("none").detect("mera naam Rahul Sharma hai, aadhaar 2345 6789 0124")
    text = Anonymizer(load_policy()).apply(original, spans)

The workspace stage is ``pii`` (curate/pii/stage.py); file mode is ``curate pii`` (curate/pii/cli.py).
"""

from curate.pii.engine import ENTITY_TYPES, Detector, Span, build_analyzer, build_registry, get_detector
from curate.pii.operators import Anonymizer, decrypt, mask
from curate.pii.policy import PiiPolicy, load_policy

__all__ = ["ENTITY_TYPES", "Detector", "Span", "build_analyzer", "build_registry", "get_detector", "Anonymizer",
           "decrypt", "mask", "PiiPolicy", "load_policy"]
