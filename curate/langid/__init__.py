"""Indic language identification: 22 scheduled languages + English, native and romanized, code-mixing.

    from curate.langid import identify
    identify("kal subah 6 baje ka alarm laga do").lang   # 'hi' (romanized, Latn)

See ``curate/langid/README.md`` for the method, the shipped model and how to rebuild it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from curate.langid.detect import LanguageIdentifier, LangResult

if TYPE_CHECKING:
    from curate.langid.config import DetectConfig

_DEFAULT: LanguageIdentifier | None = None


def identify(text: str | None) -> LangResult:
    """Detect one text with the default configuration (the detector is created once per process)."""
    return _default().detect(text)


def identify_many(texts, config: DetectConfig | None = None) -> list[LangResult]:
    """Detect a batch; all new words are scored at once, so batches are much faster than loops."""
    return LanguageIdentifier(config).detect_many(texts) if config else _default().detect_many(texts)


def __getattr__(name: str):  # pydantic is imported only by code that configures the detector
    if name == "DetectConfig":
        from curate.langid.config import DetectConfig

        return DetectConfig
    raise AttributeError(name)


def _default() -> LanguageIdentifier:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LanguageIdentifier()
    return _DEFAULT


__all__ = ["DetectConfig", "LanguageIdentifier", "LangResult", "identify", "identify_many"]
