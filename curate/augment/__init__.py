"""Data augmentation. ``counterfactual``: swapped copies along an identity axis (gender), as a new snapshot."""

from curate._lazy import lazy_exports

# Resolved on first use so that importing the package stays cheap (see curate/_lazy.py).
__getattr__ = lazy_exports(__name__, {
    'Swapper': 'counterfactual',
    'counterfactual_snapshot': 'counterfactual',
    'counterfactual_table': 'counterfactual',
    'load_swapper': 'counterfactual',
})

__all__ = ["Swapper", "counterfactual_snapshot", "counterfactual_table", "load_swapper"]
