"""Errors a user can act on.

Anything raised as a :class:`CurateError` is printed by the CLI as one line
(no traceback) with a non-zero exit code. Everything else is a bug.
"""


class CurateError(Exception):
    """A user-facing error: bad input, bad configuration, missing prerequisite."""

    exit_code = 2


class WorkspaceLockedError(CurateError):
    """Another process holds the workspace for writing."""

    exit_code = 3


class PolicyError(CurateError):
    """An action was refused by a policy (PII gate, contamination guard, audit gate)."""

    exit_code = 4
