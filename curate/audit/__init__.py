"""Data steward audit: composition, PII, representation, association, label fairness, toxicity, data card,
policy gates and drift between snapshots.

Layer (a), pure: :func:`audit_table` over Arrow rows, :func:`compare_metrics`.
Layer (b), workspace: :func:`audit_snapshot`, :func:`compare_snapshots`; CLI ``curate audit``.
"""

from curate.audit.audit import AuditResult, audit_table
from curate.audit.binding import audit_snapshot, compare_snapshots
from curate.audit.compare import compare_metrics
from curate.audit.policy import AuditPolicy, load_policy, policy_from_dict

__all__ = ["AuditPolicy", "AuditResult", "audit_snapshot", "audit_table", "compare_metrics", "compare_snapshots",
           "load_policy", "policy_from_dict"]
