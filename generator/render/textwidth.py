"""How wide text is, estimated without a font file: the charts size their boxes and the forms their
rows with it. Chinese characters and full-width punctuation are one em; other characters are the
Latin width of the font in use (Noto Sans SC in charts, Noto Serif SC on the printed forms)."""

from __future__ import annotations

import unicodedata

LATIN_SANS = 0.62  # em: an average Latin letter or digit in Noto Sans SC
LATIN_SERIF = 0.55  # ... in Noto Serif SC
_WIDE = set("≤≥…—")  # drawn full width in CJK fonts though Unicode calls them ambiguous


def em_width(ch: str, latin: float = LATIN_SANS) -> float:
    """Width of one character in em."""
    if ch in _WIDE or unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    return latin


def ems(text: str, latin: float = LATIN_SANS) -> float:
    """Width of a line of text in em."""
    return sum(em_width(c, latin) for c in text)
