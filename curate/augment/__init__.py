"""Data augmentation. ``counterfactual``: swapped copies along an identity axis (gender), as a new snapshot."""

from curate.augment.counterfactual import Swapper, counterfactual_snapshot, counterfactual_table, load_swapper

__all__ = ["Swapper", "counterfactual_snapshot", "counterfactual_table", "load_swapper"]
