"""Data steward audit: composition, PII, representation, association, label fairness, toxicity, data card,
policy gates and drift between snapshots.

Layer (a), pure: :func:`audit_table` over Arrow rows, :func:`compare_metrics`.
Layer (b), workspace: :func:`audit_snapshot`, :func:`compare_snapshots`; CLI ``curate audit``.
"""

from curate._lazy import lazy_exports

# Resolved on first use so that importing the package stays cheap (see curate/_lazy.py).
__getattr__ = lazy_exports(__name__, {
    'AuditResult': 'audit',
    'audit_table': 'audit',
    'audit_snapshot': 'runs',
    'compare_snapshots': 'runs',
    'compare_metrics': 'compare',
    'AuditPolicy': 'policy',
    'load_policy': 'policy',
    'policy_from_dict': 'policy',
})

__all__ = ["AuditPolicy", "AuditResult", "audit_snapshot", "audit_table", "compare_metrics", "compare_snapshots",
           "load_policy", "policy_from_dict"]
