"""Anonymization operators and their application to text; ``decrypt`` reverses the encrypt operator."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Iterable

from curate.errors import CurateError
from curate.pii.engine import Span
from curate.pii.policy import OperatorSpec, PiiPolicy
from curate.pii.pseudonyms import normalise, person_pseudonyms, pseudonym

_ENC_TOKEN = re.compile(r"<ENC:([A-Z_]+):([A-Za-z0-9_\-]+)>")


class Anonymizer:
    """Applies a policy; keys are resolved once, and only if the policy uses them."""

    def __init__(self, policy: PiiPolicy, keys: dict[str, bytes] | None = None):
        """``keys``: resolved on the driver (:func:`curate.pii.keys.resolve_secrets`); ``None`` resolves them here."""
        from curate.pii.keys import ENC, HMAC, resolve_secrets

        self.policy = policy
        keys = resolve_secrets(policy) if keys is None else keys
        ops = {s.operator for s in policy.operators.values()} | {policy.default.operator}
        if ops & {"hash", "pseudonym"} and HMAC not in keys:
            raise CurateError("the PII policy needs an HMAC key and none was resolved")
        if "encrypt" in ops and ENC not in keys:
            raise CurateError("the encrypt operator needs CURATE_PII_ENC_KEY on the driver")
        self._hkey = keys.get(HMAC) if ops & {"hash", "pseudonym"} else None
        self._siv = None
        if "encrypt" in ops:
            from cryptography.hazmat.primitives.ciphers.aead import AESSIV

            self._siv = AESSIV(keys[ENC])

    def person_book(self, values: Iterable[str]) -> dict[str, str] | None:
        """One document's person pseudonyms (:func:`curate.pii.pseudonyms.person_pseudonyms`), to pass to
        :meth:`replace` / :meth:`apply_with_spans` for every field of that document; None when names do not
        get pseudonyms under this policy."""
        if self.policy.spec("PERSON").operator != "pseudonym":
            return None
        return person_pseudonyms(self._hkey, values)

    def replace(self, entity: str, value: str, names: dict[str, str] | None = None) -> str:
        """The replacement of one value. ``names``: the document's :meth:`person_book` (a person name found
        there takes its fake from it, so every field of the document agrees)."""
        spec: OperatorSpec = self.policy.spec(entity)
        op = spec.operator
        if op == "keep":
            return value
        if op == "placeholder":
            return f"<{entity}>"
        if op == "mask":
            return mask(value, spec.keep_last, spec.mask_char)
        if op == "hash":
            d = hmac.new(self._hkey, f"{entity}\x00{normalise(entity, value)}".encode(), hashlib.sha256).hexdigest()
            return f"<{entity}:{d[:spec.hash_chars]}>"
        if op == "pseudonym":
            if entity == "PERSON" and names is not None and value in names:
                return names[value]
            return pseudonym(self._hkey, entity, value)
        if op == "encrypt":
            # AES-SIV is deterministic: the same value gives the same token (consistent, still authenticated).
            ct = self._siv.encrypt(value.encode("utf-8"), [entity.encode()])
            return f"<ENC:{entity}:{base64.urlsafe_b64encode(ct).decode().rstrip('=')}>"
        raise CurateError(f"unknown operator '{op}'")  # pragma: no cover - pydantic restricts the values

    def apply(self, text: str, spans: Iterable[Span]) -> str:
        """Replace non-overlapping spans (offsets into ``text``); ``text`` is one document."""
        spans = list(spans)
        return self.apply_with_spans(text, spans, self.person_book(
            text[s.start:s.end] for s in spans if s.type == "PERSON"))[0]

    def apply_with_spans(self, text: str, spans: Iterable[Span],
                         names: dict[str, str] | None = None) -> tuple[str, list[tuple[int, int, str]]]:
        """The anonymized text and where each replacement stands in it: ``(start, end, type)`` offsets into
        the *output*, left to right. Spans kept by the ``keep`` operator are not listed (nothing was inserted).
        """
        parts: list[str] = []
        inserted: list[tuple[int, int, str]] = []
        pos = 0
        length = 0
        for s in sorted(spans, key=lambda s: s.start):
            before = text[pos:s.start]
            new = self.replace(s.type, text[s.start:s.end], names)
            parts.append(before)
            length += len(before)
            if self.policy.spec(s.type).operator != "keep":
                inserted.append((length, length + len(new), s.type))
            parts.append(new)
            length += len(new)
            pos = s.end
        parts.append(text[pos:])
        return "".join(parts), inserted


def mask(value: str, keep_last: int = 4, char: str = "X") -> str:
    """Mask every letter/digit except the last ``keep_last`` ones; separators stay ("XXXX XXXX 1234")."""
    n = sum(c.isalnum() for c in value)
    seen = 0
    out = []
    for c in value:
        if c.isalnum():
            seen += 1
            out.append(c if seen > n - keep_last else char)
        else:
            out.append(c)
    return "".join(out)


def decrypt(text: str, key: bytes | None = None) -> str:
    """Replace every ``<ENC:TYPE:…>`` token by its plaintext (needs CURATE_PII_ENC_KEY)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    from curate.pii.keys import enc_key

    if not _ENC_TOKEN.search(text or ""):
        return text
    siv = AESSIV(key or enc_key())

    def _one(m: re.Match) -> str:
        data = m.group(2)
        ct = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        try:
            return siv.decrypt(ct, [m.group(1).encode()]).decode("utf-8")
        except InvalidTag:
            raise CurateError("cannot decrypt: wrong CURATE_PII_ENC_KEY or altered token") from None

    return _ENC_TOKEN.sub(_one, text)
