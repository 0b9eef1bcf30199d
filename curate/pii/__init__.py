"""PII detection and anonymization for Indian data (see curate/pii/README in the package docstrings)."""
