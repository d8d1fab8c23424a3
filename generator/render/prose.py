"""Joining text from YAML into Chinese prose without doubled marks: an item that already ends a
sentence keeps its own 。, one that doesn't gets one; clauses lose their end mark before a ；."""

from __future__ import annotations

from collections.abc import Iterable

_SENTENCE_END = ("。", "！", "？", "…", "。）", "。”", "！”", "？”")
_CLAUSE_END = "。；，、：;,. "


def sentence(text: str) -> str:
    """The text as one sentence: ends with exactly one full stop (or its own ！？…)."""
    text = text.rstrip()
    if not text or text.endswith(_SENTENCE_END):
        return text
    return text.rstrip("；，、：;,") + "。"


def sentences(items: Iterable[str]) -> str:
    return "".join(sentence(i) for i in items if i.strip())


def clause(text: str) -> str:
    return text.rstrip(_CLAUSE_END)


def clauses(items: Iterable[str], sep: str = "；") -> str:
    return sep.join(clause(i) for i in items if i.strip())
