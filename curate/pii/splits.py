"""Numbers split across turns or lines: "my number is 98450" … "12345".

A person who types a phone number in two chat messages (or an agent who asks "and the rest?") leaves
two digit runs that no recognizer sees as a number: each is too short. Within one speaker's turns, in
order, a turn that *ends* with a digit run and the next one that *starts* with one (possibly a turn of
digits only in between) are joined; when the joined digits are a valid Indian phone number
(libphonenumber, :func:`curate.pii.recognizers.contact.national_number`) or a valid Aadhaar number
(Verhoeff), every piece is a span of that type. The same goes for the lines of one text (a chat
flattened into ``text`` is one line per turn), where lines without digits in between are skipped.

Only pieces of two digits or more count, and the joined run must be exactly a number's length, so
small counts and amounts ("2 items", "₹500") are not glued to the next turn's number.
"""

from __future__ import annotations

import regex as re

from curate.pii import checksums
from curate.pii.recognizers.contact import national_number

# A run of digits with the separators a number is written with, at the end / start of a turn (the scanning copy:
# ASCII digits, folded separators). Trailing/leading punctuation ("98450.", "- 12345") is allowed.
_TAIL = re.compile(r"(?<![0-9A-Za-z])(\+?[0-9](?:[ \-./()_]{0,2}[0-9])*)[\s.,;:!?)\]-]*\Z")
_HEAD = re.compile(r"\A[\s(\[:-]*([0-9](?:[ \-./()_]{0,2}[0-9])*)(?![0-9A-Za-z])")
_MIN_PIECE = 2
_MAX_PIECES = 3


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _kind(digits: str, plus: bool) -> str | None:
    if 10 <= len(digits) <= 13 and national_number(("+" if plus else "") + digits) is not None:
        return "IN_PHONE"
    if len(digits) == 12 and checksums.aadhaar_valid(digits):
        return "IN_AADHAAR"
    return None


def joined_numbers(turns: list[tuple[int, str]], covered: dict[int, list[tuple[int, int]]]
                   ) -> list[tuple[int, int, int, str]]:
    """Spans ``(turn id, start, end, type)`` for numbers split over consecutive ``turns``.

    ``turns``: (id, scanning copy of the text) in order, one speaker's turns or one text's lines (ids are the
    caller's; offsets are into that turn's text). ``covered``: spans already found per id (a piece inside one is
    not a piece). A turn may be skipped between pieces only when it holds no digit at all.
    """
    out: list[tuple[int, int, int, str]] = []

    def free(tid: int, a: int, b: int) -> bool:
        return not any(a < y and x < b for x, y in covered.get(tid, ()))

    for k, (tid, text) in enumerate(turns):
        tail = _TAIL.search(text)
        if tail is None or len(_digits(tail.group(1))) < _MIN_PIECE or not free(tid, *tail.span(1)):
            continue
        pieces = [(tid, tail.start(1), tail.end(1))]
        digits = _digits(tail.group(1))
        plus = tail.group(1).startswith("+")
        for tid2, text2 in turns[k + 1:]:
            head = _HEAD.match(text2)
            if head is None:
                if any(c.isdigit() for c in text2):
                    break  # a turn with other numbers in between: not one number
                continue
            piece = head.group(1)
            if len(_digits(piece)) < _MIN_PIECE or not free(tid2, *head.span(1)):
                break
            pieces.append((tid2, head.start(1), head.end(1)))
            digits += _digits(piece)
            kind = _kind(digits, plus)
            if kind is not None:
                out.extend((t, a, b, kind) for t, a, b in pieces)
                break
            whole_turn = head.end(1) >= len(text2.rstrip(" .,;:!?"))
            if len(pieces) >= _MAX_PIECES or len(digits) >= 13 or not whole_turn:
                break  # only a turn of digits alone may continue the number into the next one
    return out
