"""Shared base for curate's pattern recognizers.

Each recognizer is a Presidio ``PatternRecognizer`` (patterns + ``validate_result`` /
``invalidate_result`` + context words), so it can be registered in a Presidio
``RecognizerRegistry`` and used by an ``AnalyzerEngine``. Two class attributes are
curate's own and drive the fast path in :mod:`curate.pii.engine`:

* ``needs``: a cheap pre-check on the text (digits, "@", "://" …); when it fails the
  recognizer is skipped without running its regexes.
* ``priority``: breaks ties between overlapping spans of equal score (checksum-validated
  types first).
"""

from __future__ import annotations

from typing import ClassVar

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer

# Identifier boundaries: not glued to another letter or digit (Presidio's \b treats "_" as a word char
# and \w also covers Indic letters, which we do not want to exclude).
L = r"(?<![0-9A-Za-z])"
R = r"(?![0-9A-Za-z])"
# A digit group must not continue with another separated digit group (it would be part of a longer number).
NUM_L = r"(?<![0-9A-Za-z])(?<![0-9][ \-.])"
NUM_R = r"(?![0-9A-Za-z])(?![ \-.][0-9])"
SEP = r"[ \u00a0\-]?"

# Presidio's default flags include IGNORECASE; identifier patterns are case-sensitive on purpose
# (a PAN is written in capitals; lowercase variants get their own, weaker pattern).
FLAGS = re.DOTALL | re.MULTILINE


class IndiaRecognizer(PatternRecognizer):
    ENTITY: ClassVar[str] = ""
    PATTERNS: ClassVar[list[Pattern]] = []
    CONTEXT: ClassVar[list[str]] = []
    needs: ClassVar[str] = "digit"  # "digit" | "at" | "upper" | "url" | "any"
    priority: ClassVar[int] = 50
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
