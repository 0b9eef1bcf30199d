"""PII detection and anonymization for Indian data.

    from curate.pii import get_detector, Anonymizer, load_policy, decrypt
    spans = get_detector("none").detect("mera naam Rahul Sharma hai, aadhaar 2345 6789 0124")
    text = Anonymizer(load_policy()).apply(original, spans)

The workspace stage is ``pii`` (curate/pii/stage.py); file mode is ``curate pii`` (curate/pii/cli.py).
"""

from curate._lazy import lazy_exports

# Resolved on first use so that importing the package stays cheap (see curate/_lazy.py).
__getattr__ = lazy_exports(__name__, {
    'ENTITY_TYPES': 'engine',
    'PiiDetector': 'engine',
    'Span': 'engine',
    'build_analyzer': 'engine',
    'build_registry': 'engine',
    'get_detector': 'engine',
    'Anonymizer': 'operators',
    'decrypt': 'operators',
    'mask': 'operators',
    'PiiPolicy': 'policy',
    'load_policy': 'policy',
})

__all__ = ["ENTITY_TYPES", "PiiDetector", "Span", "build_analyzer", "build_registry", "get_detector", "Anonymizer",
           "decrypt", "mask", "PiiPolicy", "load_policy"]
