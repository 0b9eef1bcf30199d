"""Errors a user can act on, and the rewriting that keeps data out of error messages.

Anything raised as a :class:`CurateError` is printed by the CLI as one line
(no traceback) with a non-zero exit code. Everything else is a bug, printed as one
line too (its type and where it happened, not its message; ``CURATE_DEBUG=1``
shows the traceback).

Errors never quote values: DuckDB quotes the offending value in conversion,
JSON and format errors (``Could not convert string '…' to INT32``), so a filter that
casts a secret or a record's text would print it. :func:`describe_db_error` rewrites
such errors to the kind of problem, the SQL type and the columns involved;
:func:`describe_exception` does the same for every exception the CLI meets, and
:func:`scrub` removes known secrets (the workspace's key files, key environment
variables) from whatever is printed, as a last line of defence.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path


class CurateError(Exception):
    """A user-facing error: bad input, bad configuration, missing prerequisite."""

    exit_code = 2


class WorkspaceLockedError(CurateError):
    """Another process holds the workspace for writing."""

    exit_code = 3


class PolicyError(CurateError):
    """An action was refused by a policy (PII gate, contamination guard, audit gate)."""

    exit_code = 4


class OperationalError(CurateError):
    """The machine refused: disk full, read-only folder, missing data file, permission denied."""

    exit_code = 5


_TYPES = re.compile(r"\b(U?INT(?:8|16|32|64|128)|U?TINYINT|U?SMALLINT|U?INTEGER|U?BIGINT|HUGEINT|VARCHAR|DOUBLE|FLOAT|"
                    r"DECIMAL(?:\(\d+,\s*\d+\))?|BOOLEAN|DATE|TIMESTAMP(?: WITH TIME ZONE)?|TIME|INTERVAL|BLOB|UUID|JSON)\b")
_OS_HINTS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOENT: "file not found",
    errno.EIO: "input/output error",
}
_WRITE_ADVICE = ("; nothing half-written is visible: free space or fix the folder and rerun "
                 "(curate gc removes files the failed write left behind)")
_MISSING_ADVICE = "; curate check lists the missing files: restore them from a backup"


def _advice(kind: str) -> str:
    if kind in ("a data file is missing", "file not found"):
        return _MISSING_ADVICE
    if kind in ("no space left on device", "disk quota exceeded", "read-only file system", "permission denied",
                "operation not permitted", "input/output error"):
        return _WRITE_ADVICE
    return ""


def _io_kind(msg: str) -> str | None:
    low = msg.lower()
    # "database or disk is full" / "readonly database": SQLite (the embedded catalog) failing a commit
    if "no space left" in low or "disk full" in low or "disk is full" in low or "quota" in low:
        return "no space left on device"
    if "read-only file system" in low or "read only file system" in low or "readonly database" in low:
        return "read-only file system"
    if "permission denied" in low:
        return "permission denied"
    if "no files found" in low or "cannot open file" in low or "no such file" in low or "does not exist" in low:
        return "a data file is missing"
    return None


def describe_db_error(exc: BaseException, columns: list[str] | tuple[str, ...] = ()) -> str:
    """One line naming the kind of a DuckDB error, the SQL type and the columns involved — never a value.

    ``columns`` are the column names the failing SQL referred to (e.g. from a parsed filter); only
    those and SQL type names are copied from DuckDB's message.
    """
    name = type(exc).__name__
    msg = str(exc)
    first = msg.splitlines()[0] if msg else ""
    io = _io_kind(first) if name in ("IOException", "PermissionException", "InvalidInputException") else None
    if name == "TransactionException":  # a DuckLake commit names the catalog's own failure on a later line
        io = _io_kind(msg)
    if io:
        kind = io
    elif name == "ConversionException":
        kind = "a value could not be converted" + (" (out of range)" if "out of range" in first else "")
    elif name == "OutOfRangeException":
        kind = "a value is out of range"
    elif name in ("ParserException", "SyntaxException"):
        kind = "a syntax error"
    elif name == "BinderException":
        kind = "an unknown column or mismatched types"
    elif name == "CatalogException":
        kind = "an unknown table or function"
    elif name == "InvalidInputException":
        kind = "invalid input to a function (malformed value, pattern or format)"
    elif name == "OutOfMemoryException":
        kind = "out of memory"
    elif name == "IOException":
        kind = "a file input/output error"
    elif name in ("TransactionException", "ConstraintException"):
        kind = "a conflicting change (transaction or constraint)"
    else:
        kind = "a database error"
    types = []
    for t in _TYPES.findall(first):
        if t not in types:
            types.append(t)
    if types and name in ("ConversionException", "BinderException", "OutOfRangeException"):
        kind += f" (type {' → '.join(types[-2:])})" if name != "ConversionException" else f" to {types[-1]}"
    named = [c for c in columns if c]
    return kind + (f" (columns involved: {', '.join(named)})" if named else "")


def field_path(loc: tuple | list) -> str:
    """A pydantic error location as the user wrote it: ``sources[0].txt_field``; ``(root)`` when empty."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def first_validation_error(exc) -> tuple[str, str]:
    """``(field path, message)`` of the first error of a ``pydantic.ValidationError``.

    The message is pydantic's (which names the expected type, not the input value), except that an
    unexpected key says ``unknown key``. Callers frame it for their context; see :func:`validation_message`.
    """
    err = exc.errors()[0]
    return field_path(err["loc"]), "unknown key" if err["type"] == "extra_forbidden" else err["msg"]


def validation_message(exc, option: bool = False) -> str:
    """One line for a ``pydantic.ValidationError``: ``'<field path>': <message>`` of its first error.

    ``option=True`` names the field as the CLI option it came from (``--num-perm``).
    """
    where, msg = first_validation_error(exc)
    return f"--{where.replace('_', '-').replace('.', '-')}: {msg}" if option else f"'{where}': {msg}"


_COUNTS = re.compile(r"Expected (\d+) columns?, got (\d+)", re.I)
_ROW_NO = re.compile(r"Row #(\d+)", re.I)


def reader_error(exc: BaseException) -> str:
    """A file reader's error (Arrow CSV/JSON, codecs) as one line that quotes no input value.

    Arrow's CSV parser appends the offending row (``Expected 3 columns, got 4: 0002,98765…``) and
    its converters the offending value (``invalid value '…'``); input can hold PII, and errors never
    quote it.  Returns e.g. ``"row 12: expected 3 columns, got 4"``; an unknown message keeps only
    its words up to the first quote or value-carrying colon.
    """
    msg = (str(exc).splitlines() or [""])[0]
    where = _ROW_NO.search(msg)
    prefix = f"row {where.group(1)}: " if where else ""
    counts = _COUNTS.search(msg)
    if counts:
        return f"{prefix}expected {counts.group(1)} columns, got {counts.group(2)}"
    if isinstance(exc, UnicodeDecodeError):
        return f"{prefix}invalid {exc.encoding} byte(s) at offset {exc.start} ({exc.reason})"
    # Keep the error's own words: cut at the first quote and after the second colon-separated part.
    safe = re.split(r"['\"`]", msg, maxsplit=1)[0]
    safe = ": ".join(safe.split(": ")[:2]).rstrip(" :")
    return f"{prefix}{safe}" if safe else type(exc).__name__


def _quotes_values(exc: BaseException) -> bool:
    try:
        import duckdb
        import pydantic
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, (duckdb.Error, pydantic.ValidationError))


def _without_quoted_cause(exc: CurateError) -> str:
    """A CurateError's message with any text copied from its cause rewritten, when the cause quotes values.

    Code that wraps a DuckDB or validation error as ``CurateError(f"…: {exc}") from None`` still
    keeps the original as ``__context__``; its text in the message is replaced by the kind of error.
    """
    msg = str(exc)
    cause = exc.__cause__ or exc.__context__
    if cause is None or isinstance(cause, CurateError) or not _quotes_values(cause):
        return msg
    text = str(cause)
    safe = describe_exception(cause)[0]
    for piece in sorted({text, *text.splitlines()}, key=len, reverse=True):
        if len(piece.strip()) >= 4 and piece in msg:
            msg = msg.replace(piece, safe)
    return msg


def describe_exception(exc: BaseException) -> tuple[str, int]:
    """``(one-line message, exit code)`` for any exception the CLI catches, quoting no value.

    ``CurateError`` messages are curate's own (kept); DuckDB errors go through
    :func:`describe_db_error`; OS errors name the operation's path and the errno's meaning;
    validation errors name the fields and what is wrong with them; anything else is a bug:
    its type and the curate source line that raised it.
    """
    if isinstance(exc, CurateError):
        return _without_quoted_cause(exc), exc.exit_code
    try:
        import duckdb

        if isinstance(exc, duckdb.Error):
            kind = describe_db_error(exc)
            text = str(exc) if type(exc).__name__ == "TransactionException" else (str(exc).splitlines() or [""])[0]
            op = _io_kind(text)
            if op:
                return f"{kind} while reading or writing the workspace{_advice(op)}", OperationalError.exit_code
            return kind, 1
    except ImportError:  # pragma: no cover - duckdb is a core dependency
        pass
    if isinstance(exc, OSError) and (exc.errno in _OS_HINTS or exc.strerror):
        where = f" ({exc.filename})" if exc.filename else ""
        kind = _OS_HINTS.get(exc.errno) or exc.strerror.lower()
        return f"{kind}{where}{_advice(kind)}", OperationalError.exit_code
    try:
        import pydantic

        if isinstance(exc, pydantic.ValidationError):
            return f"invalid {exc.title}: {validation_message(exc)}", CurateError.exit_code
    except ImportError:  # pragma: no cover
        pass
    if isinstance(exc, RecursionError):
        return "input nested too deeply to process", 1
    if isinstance(exc, MemoryError):
        return "out of memory", 1
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        fname = tb.tb_frame.f_code.co_filename
        if "curate" in Path(fname).parts or "train" in Path(fname).parts or "eval" in Path(fname).parts:
            where = f" at {Path(fname).name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return (f"internal error {type(exc).__name__}{where} (its message is withheld because it may quote data; "
            "rerun with CURATE_DEBUG=1 for the traceback)"), 1


_SECRET_DIRS: set[Path] = set()
_SECRET_KEY = re.compile(r"token|password|secret|key", re.I)
_SECRET_ENV = ("CURATE_PII_KEY", "CURATE_PII_ENC_KEY", "LABEL_STUDIO_API_KEY", "LABEL_STUDIO_PASSWORD", "HF_TOKEN")


def note_secrets_dir(path: str | Path) -> None:
    """Remember a workspace's secrets folder: :func:`scrub` hides its files' contents from messages."""
    _SECRET_DIRS.add(Path(path))


def _secret_strings() -> set[str]:
    found = {os.environ[v] for v in _SECRET_ENV if len(os.environ.get(v, "")) >= 8}
    key_file = os.environ.get("CURATE_PII_KEY_FILE")
    files = [Path(key_file)] if key_file else []
    for d in _SECRET_DIRS:
        try:
            files += [p for p in d.iterdir() if p.is_file()]
        except OSError:
            continue
    for p in files:
        try:
            if p.stat().st_size > 65536:
                continue
            text = p.read_text(errors="replace")
        except OSError:
            continue
        try:
            data = json.loads(text)
            if not isinstance(data, (dict, list)):
                raise ValueError("not a structured file")
        except ValueError:
            found.update(s.strip() for s in (text, *text.splitlines()) if len(s.strip()) >= 8)
            continue
        stack = [data]
        while stack:
            v = stack.pop()
            if isinstance(v, dict):
                stack.extend(x for k, x in v.items() if isinstance(x, (dict, list)) or _SECRET_KEY.search(str(k)))
            elif isinstance(v, list):
                stack.extend(v)
            elif isinstance(v, str) and len(v) >= 8:
                found.add(v)
    return found


def scrub(message: str) -> str:
    """``message`` with every known secret (key files of opened workspaces, key variables) replaced."""
    for s in sorted(_secret_strings(), key=len, reverse=True):
        if s in message:
            message = message.replace(s, "[secret]")
    return message
