"""The Label Studio loop: push snapshot rows with predictions, pull annotations back as a signal.

Public API (the CLI is a thin layer over it)::

    from curate.label import serve, stop, resolve, push, PushOptions, pull, project_status
"""

from curate._lazy import lazy_exports

# Resolved on first use so that importing the package stays cheap (see curate/_lazy.py).
__getattr__ = lazy_exports(__name__, {
    'Connection': 'client',
    'resolve': 'client',
    'pull': 'pull',
    'rebuild_signal': 'pull',
    'PushOptions': 'push',
    'push': 'push',
    'serve': 'server',
    'stop': 'server',
    'project_status': 'status',
})

__all__ = ["Connection", "resolve", "serve", "stop", "push", "PushOptions", "pull", "rebuild_signal",
           "project_status"]
