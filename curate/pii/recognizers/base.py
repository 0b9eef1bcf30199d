"""Shared base for curate's pattern recognizers.

Each recognizer is a Presidio ``PatternRecognizer`` (patterns + ``validate_result`` /
``invalidate_result`` + context words), so it can be registered in a Presidio
``RecognizerRegistry`` and used by an ``AnalyzerEngine``. Two class attributes are
curate's own and drive the fast path in :mod:`curate.pii.engine`:

* ``needs``: a cheap pre-check on the text (digits, "@", "://" …); when it fails the
  recognizer is skipped without running its regexes.
* ``priority``: breaks ties between overlapping spans of equal score (checksum-validated
  types first).
* ``checked``: :meth:`check` is a real validity test (a check digit, libphonenumber, a
  published structure). A match that fails it is not dropped outright: :meth:`scan` reports it
  with ``valid=False`` and the engine keeps it when the identifier's context word stands next
  to it (a mistyped Aadhaar is still someone's Aadhaar), recorded as ``checksum_valid: false``.
"""

from __future__ import annotations

from typing import ClassVar, Iterator, NamedTuple

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer

# Identifier boundaries: not glued to another letter or digit (Presidio's \b treats "_" as a word char
# and \w also covers Indic letters, which we do not want to exclude).
L = r"(?<![0-9A-Za-z])"
R = r"(?![0-9A-Za-z])"
# A digit group must not continue with another separated digit group (it would be part of a longer number).
NUM_L = r"(?<![0-9A-Za-z])(?<![0-9][ \-.])"
NUM_R = r"(?![0-9A-Za-z])(?![ \-.][0-9])"

# Presidio's default flags include IGNORECASE; identifier patterns are case-sensitive on purpose
# (a PAN is written in capitals; lowercase variants get their own, weaker pattern).
FLAGS = re.DOTALL | re.MULTILINE


class Match(NamedTuple):
    """One pattern match: offsets into the scanned text, the pattern's score, and the check result
    (True/False from :meth:`IndiaRecognizer.check`, None when the type has no check)."""
    start: int
    end: int
    score: float
    valid: bool | None


class IndiaRecognizer(PatternRecognizer):
    ENTITY: ClassVar[str] = ""
    PATTERNS: ClassVar[list[Pattern]] = []
    CONTEXT: ClassVar[list[str]] = []
    needs: ClassVar[str] = "digit"  # "digit" | "at" | "upper" | "url" | "any"
    # In running text the type is kept only beside a context word: skip the regexes when the text holds none of
    # them (see curate.pii.engine; a value typed by its key or column is still matched).
    context_gated: ClassVar[bool] = False
    priority: ClassVar[int] = 50
    checked: ClassVar[bool] = False
    # The check is a check digit strong enough to outweigh a look-alike word ("ref", "order", "imei"): a
    # Verhoeff/Luhn-valid number after such a word is still anonymized (fail closed; 1 random number in 10
    # passes, and masking an order number costs far less than leaking an Aadhaar or a card).
    strong_check: ClassVar[bool] = False
    # Score given to a match that passes its check (None: keep the pattern score, context still needed).
    valid_score: ClassVar[float | None] = None
    # Class names must not collide with Presidio's predefined ones ("PhoneRecognizer", "EmailRecognizer" …):
    # Presidio's registry loader looks recognizer classes up by name among all subclasses in the process.

    def __init__(self, supported_language: str = "en"):
        from curate.pii.context import CONTEXT

        super().__init__(
            supported_entity=self.ENTITY,
            patterns=[Pattern(p.name, p.regex, p.score) for p in self.PATTERNS],
            context=self.CONTEXT or CONTEXT.get(self.ENTITY, []),
            supported_language=supported_language,
            name=type(self).__name__,
            global_regex_flags=FLAGS,
        )

        self._compiled = [(re.compile(p.regex, FLAGS), p.score) for p in self.PATTERNS]

    def check(self, pattern_text: str) -> bool | None:
        """True/False when the match passes/fails this type's validity test; None when there is none."""
        return None

    def invalidate_result(self, pattern_text: str) -> bool:
        """True for matches that can never be this entity, whatever the context (e.g. all one digit)."""
        return False

    def validate_result(self, pattern_text: str) -> bool | None:
        # Presidio's API: True lifts the score to 1.0, False drops the match, None keeps the pattern score.
        ok = self.check(pattern_text)
        if ok is None:
            return None
        if not ok:
            return False
        return True if self.valid_score is not None and self.valid_score >= 0.95 else None

    def scan(self, text: str) -> Iterator[Match]:
        """Every match of every pattern, with its check result (the fast path in curate.pii.engine)."""
        for rx, score in self._compiled:
            for m in rx.finditer(text):
                start, end = m.span()
                if start == end:
                    continue
                value = text[start:end]
                if self.invalidate_result(value):
                    continue
                ok = self.check(value)
                if ok and self.valid_score is not None:
                    score = max(score, self.valid_score)
                yield Match(start, end, score, ok)
