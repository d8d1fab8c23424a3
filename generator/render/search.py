"""Search support: the jieba user dictionary (office terms, titles and synonyms from the YAML)."""

from __future__ import annotations

import re
from importlib import resources

from ..model import Handbook

_HAN = re.compile(r"^[\u3400-\u9fff]{2,12}$")


def search_dictionary(hb: Handbook) -> str:
    """jieba user dictionary lines ("word freq tag"): the shipped office terms first, then every
    procedure/record/role title and keyword, so segmentation keeps them whole."""
    base = resources.files(__package__.rsplit(".", 1)[0]).joinpath("assets", "jieba-office.txt").read_text(encoding="utf-8")
    words: dict[str, None] = {}
    for p in hb.procedures.values():
        for w in [p.title, *p.keywords, *p.tags]:
            words.setdefault(w, None)
    for r in hb.records.values():
        for w in [r.title, *r.keywords]:
            words.setdefault(w, None)
    for r in hb.roles.values():
        for w in [r.title, *r.keywords]:
            words.setdefault(w, None)
    known = {line.split()[0] for line in base.splitlines() if line.strip()}
    extra = [f"{w} 3000 n" for w in words if _HAN.match(w) and w not in known]
    return base.rstrip("\n") + "\n" + "\n".join(extra) + ("\n" if extra else "")
