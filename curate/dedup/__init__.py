"""Exact and near-duplicate detection (MinHash + LSH) that works on Indic and code-mixed text.

Public API:
* :func:`dedup_table` - file mode / library: add dup_cluster, dup_keep, dup_reason, dup_similarity.
* :class:`DedupTableConfig`, :class:`MinHashConfig`, :class:`DedupConfig` - typed configs.
* :func:`split_keeping_clusters`, :func:`find_contamination` - split guard for exports.
"""

from curate.dedup.config import DedupConfig, DedupTableConfig, MinHashConfig
from curate.dedup.contamination import find_contamination, split_keeping_clusters
from curate.dedup.core import dedup_table

__all__ = ["DedupConfig", "DedupTableConfig", "MinHashConfig", "dedup_table", "find_contamination",
           "split_keeping_clusters"]
