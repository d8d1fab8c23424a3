"""How wide text is, from the advance widths of the fonts the text is set in: the charts size their boxes
(Noto Sans SC) and the forms their label columns and line breaks (Noto Serif SC) with it.

The widths come from the font files of the font wheel (read once per process with fontTools, only the
`cmap` and `hmtx` tables); a character the font lacks counts one em, as the fallback glyph would.
"""

from __future__ import annotations

import functools
from pathlib import Path

SANS = "sans"  # Noto Sans SC: charts
SERIF = "serif"  # Noto Serif SC: forms, registers, letters


@functools.cache
def _advances(font: str) -> tuple[dict[int, float], float]:
    """{code point: advance in em} of a font, and its space width."""
    import pylopdf_fonts_zh_cn as fonts
    from fontTools.ttLib import TTFont

    path = Path(fonts.serif_path() if font == SERIF else fonts.sans_path())
    tt = TTFont(str(path), lazy=True)
    upm = tt["head"].unitsPerEm
    hmtx = tt["hmtx"]
    widths = {cp: hmtx[glyph][0] / upm for cp, glyph in tt.getBestCmap().items()}
    tt.close()
    return widths, widths.get(0x20, 0.25)


def em_width(ch: str, font: str = SANS) -> float:
    """Advance width of one character in em."""
    widths, _ = _advances(font)
    return widths.get(ord(ch), 1.0)


def ems(text: str, font: str = SANS) -> float:
    """Advance width of a line of text in em."""
    widths, _ = _advances(font)
    return sum(widths.get(ord(c), 1.0) for c in text)


def width_mm(text: str, pt: float, font: str = SERIF) -> float:
    """Width of a line of text at `pt` points, in millimetres."""
    return ems(text, font) * pt * 25.4 / 72


def break_lines(text: str, width: float, pt: float, font: str = SERIF) -> list[str]:
    """`text` broken into as few lines as fit `width` mm, balanced so that no line is a lone character
    (where one character would be left over, the lines are evened out: 办公室主任批/准 becomes 办公室/主任批准).
    Breaks fall between characters; Latin words and numbers are kept whole where they fit."""
    return list(_break_lines(text, round(width, 3), pt, font))


@functools.lru_cache(maxsize=8192)
def _break_lines(text: str, width: float, pt: float, font: str) -> tuple[str, ...]:
    return tuple(_break(text, width, pt, font))


def _break(text: str, width: float, pt: float, font: str) -> list[str]:
    if width_mm(text, pt, font) <= width or len(text) <= 1:
        return [text]
    chunks = _chunks(text)
    for n in range(2, len(chunks) + 1):
        lines = _balanced(chunks, n, pt, font)
        if lines and all(width_mm(line, pt, font) <= width for line in lines):
            return lines
        if n >= 4:
            break
    return _greedy(chunks, width, pt, font)


def _greedy(chunks: list[str], width: float, pt: float, font: str) -> list[str]:
    """Lines filled as far as they go (for text no balanced break suits, such as a run of symbols)."""
    lines = [""]
    for c in chunks:
        if lines[-1] and width_mm(lines[-1] + c, pt, font) > width:
            lines.append("")
        lines[-1] += c
    return lines


# words of form labels that a line break should not split (负责人/意见, not 负责/人意见)
WORDS = ("负责人", "办公室", "总经理", "管理员", "意见", "日期", "签字", "签名", "时间", "事由", "名称", "编号", "部门",
         "单位", "人员", "数量", "领导", "主任", "审批", "批准", "经办", "登记", "备注", "情况", "原因", "地点", "金额",
         "电话", "联系", "分管", "法定", "代表", "文件", "档案", "印章", "用途", "结果", "审核", "页数", "份数")


def _chunks(text: str) -> list[str]:
    out = _char_chunks(text)
    merged: list[str] = []
    i = 0
    while i < len(out):
        for word in sorted(WORDS, key=len, reverse=True):
            n = len(word)
            if "".join(out[i:i + n]) == word:
                merged.append(word)
                i += n
                break
        else:
            merged.append(out[i])
            i += 1
    return merged


def _char_chunks(text: str) -> list[str]:
    """Unbreakable pieces: one CJK character (with a closing mark after it, or an opening mark before
    it, kept attached), or a run of Latin letters and digits."""
    out: list[str] = []
    opening = "（“‘《〈【(["
    closing = "）”’》〉】)]，。、：；！？,.:;!?"
    pending = ""
    for ch in text:
        if out and ch in closing:
            out[-1] += ch
        elif ch in opening:
            pending += ch
        elif out and ch.isascii() and ch.isalnum() and out[-1][-1:].isascii() and out[-1][-1:].isalnum() and not pending:
            out[-1] += ch
        else:
            out.append(pending + ch)
            pending = ""
    if pending:
        out.append(pending)
    return out


def _balanced(chunks: list[str], n: int, pt: float, font: str) -> list[str] | None:
    """`chunks` cut into `n` lines with the narrowest widest line, each of at least two characters."""
    widths = [ems(c, font) for c in chunks]
    k = len(chunks)
    # a cut inside brackets (借用人（携/章人）) costs as if the line were an em wider
    depth, inside = 0, [False] * (k + 1)
    for i, c in enumerate(chunks):
        inside[i] = depth > 0 and not c.startswith(tuple("（“‘《〈【(["))
        depth += sum(c.count(o) for o in "（“‘《〈【([") - sum(c.count(x) for x in "）”’》〉】)]")

    @functools.cache
    def best(i: int, lines: int) -> tuple[float, tuple[int, ...]] | None:
        # the lines chunks[i:] make, as (widest line in em, cut positions)
        if lines == 1:
            text = "".join(chunks[i:])
            return (sum(widths[i:]), ()) if letters(text) >= 2 or _group(text) else None
        found: tuple[float, tuple[int, ...]] | None = None
        for j in range(i + 1, k - lines + 2):
            if letters("".join(chunks[i:j])) < 2 and not _group("".join(chunks[i:j])):
                continue
            rest = best(j, lines - 1)
            if rest is None:
                continue
            widest = max(sum(widths[i:j]) + (1.0 if inside[j] else 0.0), rest[0])
            if found is None or widest < found[0] - 1e-9:
                found = (widest, (j, *rest[1]))
        return found

    result = best(0, n)
    if result is None:
        return None
    cuts = (0, *result[1], k)
    return ["".join(chunks[a:b]) for a, b in zip(cuts, cuts[1:])]


@functools.lru_cache(maxsize=8192)
def min_width(text: str, pt: float, most_lines: int = 3, font: str = SERIF) -> float:
    """The narrowest box (mm) `text` fits in without a lone-character line, in at most `most_lines` lines."""
    chunks = _chunks(text)
    best = width_mm(text, pt, font)
    for n in range(2, min(most_lines, len(chunks)) + 1):
        lines = _balanced(chunks, n, pt, font)
        if lines:
            best = min(best, max(width_mm(line, pt, font) for line in lines))
    return best


def letters(text: str) -> int:
    """Characters of a line that are not punctuation: a line of one such character is a lone character."""
    return sum(1 for ch in text if ch.isalnum())


def _group(text: str) -> bool:
    """A whole bracketed unit such as （天） or （元）: a line of its own is not a lone character."""
    return len(text) >= 3 and text[0] in "（([" and text[-1] in "）)]"
