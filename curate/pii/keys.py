"""Secrets for the keyed operators, resolved once on the driver and shipped to workers as bytes.

Stages never read keys themselves: :func:`resolve_secrets` runs on the driver (the
process that opened the workspace or the file-mode CLI), and the bytes reach every worker
inside the :class:`curate.stage.StageContext`. So a process pool or a Ray cluster uses one
key everywhere; a worker never falls back to a key of its own.

HMAC key (keyed hash, pseudonyms), first found wins:

1. an explicit file (``--key-file`` in file mode: ``SecretSources.files["hmac_key"]``);
2. ``CURATE_PII_KEY`` in the *driver's* environment (at least 16 characters);
3. the policy's ``key_file``;
4. ``CURATE_PII_KEY_FILE`` in the driver's environment;
5. the workspace's secrets folder, ``<workspace>/.secrets/pii.key`` (workspace mode), else
   ``~/.config/curate/pii.key`` (file mode); either is created 0600 with a random key on
   first use, so pseudonyms stay consistent across runs.

Encryption key (reversible operator): ``CURATE_PII_ENC_KEY`` in the driver's environment
only; it is never written anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from curate.errors import CurateError

DEFAULT_KEY_FILE = Path("~/.config/curate/pii.key")
KEY_FILE_NAME = "pii.key"
HMAC = "hmac_key"
ENC = "enc_key"


def _read_key_file(path: Path, create: bool) -> bytes:
    from curate.keyed import read_key_file

    return read_key_file(path, create, "PII key file")


def hmac_key(key_file: str | None = None, secrets_dir: str | Path | None = None,
             explicit_file: str | Path | None = None) -> bytes:
    """The HMAC key as bytes (order of precedence in the module docstring). Driver side only."""
    if explicit_file:
        return _read_key_file(Path(explicit_file), create=False)
    env = os.environ.get("CURATE_PII_KEY")
    if env:
        if len(env) < 16:
            raise CurateError("CURATE_PII_KEY must be at least 16 characters")
        return env.encode()
    if key_file:
        return _read_key_file(Path(key_file), create=False)
    env_file = os.environ.get("CURATE_PII_KEY_FILE")
    if env_file:
        return _read_key_file(Path(env_file), create=True)
    default = Path(secrets_dir) / KEY_FILE_NAME if secrets_dir else DEFAULT_KEY_FILE
    return _read_key_file(default, create=True)


def enc_key() -> bytes:
    """64 bytes for AES-SIV, derived from ``CURATE_PII_ENC_KEY`` (any high-entropy string). Driver side only."""
    env = os.environ.get("CURATE_PII_ENC_KEY")
    if not env:
        raise CurateError("the encrypt operator needs CURATE_PII_ENC_KEY in the environment "
                          "(e.g. export CURATE_PII_ENC_KEY=$(python -c 'import secrets;print(secrets.token_urlsafe(32))'))")
    if len(env) < 16:
        raise CurateError("CURATE_PII_ENC_KEY must be at least 16 characters")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"curate-pii-enc-v1").derive(env.encode())


def resolve_secrets(policy, sources=None) -> dict[str, bytes]:
    """The keys ``policy`` needs, as ``{"hmac_key": bytes, "enc_key": bytes}`` (only those it uses).

    ``sources`` is a :class:`curate.stage.SecretSources` (workspace secrets folder, explicit
    files) or ``None`` (file mode without ``--key-file``). Raises :class:`CurateError` when a
    needed key is missing or unsafe (world-readable file, too short).
    """
    folder = getattr(sources, "folder", None)
    files = getattr(sources, "files", None) or {}
    ops = {s.operator for s in policy.operators.values()} | {policy.default.operator}
    out: dict[str, bytes] = {}
    if ops & {"hash", "pseudonym"}:
        out[HMAC] = hmac_key(policy.key_file, folder, files.get(HMAC))
    if "encrypt" in ops:
        out[ENC] = enc_key()
    return out
