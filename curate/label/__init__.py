"""The Label Studio loop: push snapshot rows with predictions, pull annotations back as a signal.

Public API (the CLI is a thin layer over it)::

    from curate.label import serve, stop, resolve, push, PushOptions, pull, project_status

(Imported eagerly: ``push``, ``pull`` and ``resolve`` are also submodule names, which a lazy
``__getattr__`` would lose to the submodule once it is imported. These modules load the
Label Studio SDK only inside their functions.)
"""

from curate.label.pull import pull, rebuild_signal
from curate.label.push import PushOptions, push
from curate.label.server import serve, stop
from curate.label.status import project_status
# Last: importing the submodules above binds ``curate.label.resolve`` to the resolve.py module.
from curate.label.client import Connection, resolve  # noqa: E402

__all__ = ["Connection", "resolve", "serve", "stop", "push", "PushOptions", "pull", "rebuild_signal",
           "project_status"]
