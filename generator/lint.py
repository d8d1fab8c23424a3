"""Text lint: punctuation slips and deprecated terms in what readers see (text values of the YAML
files and the hand-written policy pages). Pure: file texts and the glossary in, problems out.

A hit is first found by a regular expression over the whole file (fast, and most files have none);
only then is the file's node tree used (the loaded document's own, composed once for positions and
lint alike), to tell text values from keys and comments and to skip the keys whose text is not ours
to word (search synonyms, quoted source titles, history)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping

import yaml

from .problems import Pos, Problem
from .yamlsource import Document

_CJK = "\u3400-\u9fff\uf900-\ufaff"
# two marks where one belongs: 。。 。； ；。 ，。 、、 …
_DOUBLED = re.compile("[。，；、：][。，；、]")
# a half-width mark between two Chinese characters: 审批,盖章 → 审批，盖章
_HALF_WIDTH = re.compile(f"(?<=[{_CJK}])[,;:?!()](?=[{_CJK}])")
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}

# values under these keys are not linted for terms and source ids: synonyms readers search with, citations
# that quote a source's own wording, and history that may name the old term on purpose
_EXEMPT = {"keywords", "aliases", "sources", "changelog"}


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


class _Values:
    """Which stretches of a YAML file are text values, and under which keys."""

    def __init__(self, root: yaml.Node | None):
        self.spans: list[tuple[int, int, frozenset[str]]] = []
        self._walk(root, frozenset())

    def _walk(self, node: yaml.Node | None, keys: frozenset[str]) -> None:
        if isinstance(node, yaml.ScalarNode):
            self.spans.append((node.start_mark.index, node.end_mark.index, keys))
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self._walk(item, keys)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                self._walk(v, keys | {str(k.value)})

    def keys_at(self, index: int) -> frozenset[str] | None:
        """The keys above the text value holding `index`; None in a key or a comment."""
        for start, end, keys in self.spans:
            if start <= index < end:
                return keys
        return None


def _markdown_prose(text: str) -> list[tuple[int, int]]:
    """The stretches of a Markdown page outside front matter and fenced code."""
    spans, start, fenced = [], 0, False
    front = re.match(r"---\n.*?\n---\n", text, re.S)
    if front:
        start = front.end()
    pos = start
    for m in re.finditer(r"^(```|~~~).*$", text[start:], re.M):
        at = start + m.start()
        if not fenced:
            spans.append((pos, at))
        fenced = not fenced
        pos = start + m.end()
    if not fenced:
        spans.append((pos, len(text)))
    return spans


def _hits(text: str, glossary: Mapping[str, list[str]], internal: Iterable[str] = ()) -> Iterator[tuple[int, str, str, bool]]:
    """(index, code, message, exempt_in_citations) for every slip in the text, values or not."""
    for name in internal:
        for m in re.finditer(re.escape(name), text):
            yield m.start(), "W513", f"正文中出现了来源的内部编号“{name}”：读者看不懂，删去或写来源的名称（出处写在 sources 中）。", True
    for m in _DOUBLED.finditer(text):
        yield m.start(), "W509", f"标点重复“{m.group()}”：只保留一个（句末用“。”，分句用“；”）。", False
    for m in _HALF_WIDTH.finditer(text):
        yield m.start(), "W509", f"中文之间用了半角“{m.group()}”：改成全角“{_FULL_WIDTH[m.group()]}”。", False
    for preferred, variants in glossary.items():
        for variant in variants:
            for m in re.finditer(re.escape(variant), text):
                if not _inside(text, m.start(), len(variant), preferred):
                    yield m.start(), "W510", f"“{variant}”不是本手册的规范用语：改成“{preferred}”（见 handbook.yml 的 glossary）。", True


def _inside(text: str, index: int, length: int, preferred: str) -> bool:
    """Whether the hit is part of an occurrence of the preferred term (a variant may be a part of it)."""
    lo = max(0, index - len(preferred))
    for m in re.finditer(re.escape(preferred), text[lo:index + length + len(preferred)]):
        if lo + m.start() <= index and index + length <= lo + m.end():
            return True
    return False


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None


def lint_yaml(path: str, text: str, glossary: Mapping[str, list[str]], internal: Iterable[str] = (),
              tree: Callable[[], yaml.Node | None] | None = None) -> list[Problem]:
    """`tree`: the file's node tree when the caller already has (or will need) it; else composed here."""
    hits = list(_hits(text, glossary, internal))
    if not hits:
        return []
    values = _Values(tree() if tree else _compose(text))
    out = []
    for index, code, message, exempt in hits:
        keys = values.keys_at(index)
        if keys is None or (exempt and keys & _EXEMPT):
            continue
        out.append(Problem(Pos(path, *_line_col(text, index)), code, message))
    return out


# `serve` checks the whole handbook on every save: a file's problems depend only on its text and the
# glossary, so an unchanged file is not composed and searched again (at most a few thousand files kept)
_MEMO: dict[tuple, list[Problem]] = {}


def _lint_yaml_memo(path: str, text: str, key: tuple, tree: Callable[[], yaml.Node | None]) -> list[Problem]:
    k = (path, text, key)
    found = _MEMO.get(k)
    if found is None:
        if len(_MEMO) > 5000:
            _MEMO.clear()
        glossary = {g: list(v) for g, v in key[0]}
        found = _MEMO[k] = lint_yaml(path, text, glossary, key[1], tree)
    return list(found)


def lint_markdown(path: str, text: str, glossary: Mapping[str, list[str]], internal: Iterable[str] = ()) -> list[Problem]:
    prose = _markdown_prose(text)
    return [Problem(Pos(path, *_line_col(text, index)), code, message)
            for index, code, message, _ in _hits(text, glossary, internal)
            if any(a <= index < b for a, b in prose)]


def lint_texts(documents: Iterable[Document], markdown_texts: Mapping[str, str],
               glossary: Mapping[str, list[str]], internal: Iterable[str] = ()) -> list[Problem]:
    """`internal`: the ids of sources (seeds/002 …), which readers should never see in the text."""
    internal = sorted(set(internal))
    key = (tuple((k, tuple(v)) for k, v in sorted(glossary.items())), tuple(internal))
    problems = []
    for doc in documents:
        problems += _lint_yaml_memo(doc.path, doc.text, key, doc.tree)
    for path, text in markdown_texts.items():
        problems += lint_markdown(path, text, glossary, internal)
    return problems
