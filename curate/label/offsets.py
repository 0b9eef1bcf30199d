"""Character offsets between Python (code points) and Label Studio (JavaScript, UTF-16 code units).

Label Studio's Text tag measures spans in JavaScript string indices. They equal Python's for
every character in the Basic Multilingual Plane (all Indic scripts), but an emoji or other
astral character counts as two. Support chats have emoji, so spans are converted both ways.
"""

from __future__ import annotations

from bisect import bisect_right


def _astral_positions(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]


class OffsetMap:
    """Both conversions for one text, computing the astral positions once."""

    def __init__(self, text: str):
        self.text = text
        self.astral = [] if text.isascii() else _astral_positions(text)

    def to_js(self, offset: int) -> int:
        return offset + bisect_right(self.astral, offset - 1) if self.astral else offset

    def to_py(self, offset: int) -> int:
        if not self.astral:
            return offset
        # JS index of astral char k is pos_k + k; count those whose both units lie before `offset`.
        n = 0
        for k, pos in enumerate(self.astral):
            if pos + k + 1 < offset:
                n += 1
            else:
                break
        return min(offset - n, len(self.text))
