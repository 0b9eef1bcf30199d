"""Exact and near-duplicate detection (MinHash + LSH) that works on Indic and code-mixed text.

Public API:
* :func:`dedup_table` - file mode / library: add dup_cluster, dup_keep, dup_reason, dup_similarity.
* :class:`DedupTableConfig`, :class:`MinHashConfig`, :class:`DedupConfig` - typed configs.

Splits that keep every cluster on one side are made by the export (:func:`curate.export.assign_splits`).
"""

from curate._lazy import lazy_exports

# Resolved on first use so that importing the package stays cheap (see curate/_lazy.py).
__getattr__ = lazy_exports(__name__, {
    'DedupConfig': 'config',
    'DedupTableConfig': 'config',
    'MinHashConfig': 'config',
    'dedup_table': 'core',
})

__all__ = ["DedupConfig", "DedupTableConfig", "MinHashConfig", "dedup_table"]
