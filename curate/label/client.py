"""Connecting to Label Studio: the workspace's own server, or an existing one given by URL.

Order: an explicit ``url`` (or ``$LABEL_STUDIO_URL``) with the token from ``$LABEL_STUDIO_API_KEY``;
otherwise the server ``curate label serve`` started for the workspace (secrets file).
The token is only ever held in memory and sent in the ``Authorization`` header.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curate.errors import CurateError
from curate.label.server import healthy, read_info


@dataclass
class Connection:
    url: str
    token: str = ""

    def __repr__(self) -> str:  # never show the token in logs or tracebacks
        return f"Connection(url={self.url!r})"

    def client(self, timeout: float = 600.0):
        from label_studio_sdk import LabelStudio

        # Community edition (and `serve`) use legacy "Token" auth; the SDK picks the header from the key's shape.
        return LabelStudio(base_url=self.url, api_key=self.token, timeout=timeout)

    def http(self, timeout: float = 600.0):
        """A plain httpx client with auth, for the few endpoints the SDK's typed models do not fit."""
        import httpx

        return httpx.Client(base_url=self.url, headers={"Authorization": f"Token {self.token}"}, timeout=timeout)


def resolve(secrets_dir: Path | None, url: str | None = None) -> Connection:
    url = url or os.environ.get("LABEL_STUDIO_URL")
    if url:
        token = os.environ.get("LABEL_STUDIO_API_KEY")
        if not token:
            raise CurateError("--url needs the API token in $LABEL_STUDIO_API_KEY (never on the command line)")
        return Connection(url.rstrip("/"), token)
    info = read_info(secrets_dir) if secrets_dir else None
    if info is None:
        raise CurateError("no Label Studio server: run `curate label serve`, or pass --url with $LABEL_STUDIO_API_KEY")
    if not healthy(info.url, info.token):
        raise CurateError(f"Label Studio at {info.url} is not running: start it with `curate label serve`")
    return Connection(info.url, info.token)


def sdk_error(exc: Exception, doing: str) -> CurateError:
    """One clear line for an HTTP error from Label Studio (status + the server's message, no token)."""
    status = getattr(exc, "status_code", None)
    body: Any = getattr(exc, "body", None)
    msg = str(body)[:300] if body is not None else str(exc).splitlines()[0][:300]
    if status in (401, 403):
        return CurateError(f"Label Studio refused the token while {doing} (HTTP {status})")
    return CurateError(f"Label Studio error while {doing}" + (f" (HTTP {status})" if status else "") + f": {msg}")
