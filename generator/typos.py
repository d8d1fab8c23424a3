"""The slips of a Chinese typist in YAML, found and explained in Chinese with their line:col and the fix.

A Chinese input method types full-width punctuation: `role：office-director` (full-width colon), a
full-width space `　`, quotes `“”‘’`, commas `，` or brackets `［］｛｝【】` where YAML's syntax wants the
half-width ones; odd (3-space) indents and a list dash without its space (`-label`) are the other
usual slips. In a value the same characters are ordinary Chinese text and stay silent.

When a file fails to parse, every place that could be such a slip is tried: the slip is the one whose
fix makes the file parse (or moves the parser's complaint further down). So a full-width colon inside
a sentence is never blamed, and the parser's English (`could not find expected ':'`) is never shown
alone: without a slip, its complaint is explained in Chinese and the English follows in parentheses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from .problems import Pos, Problem

FW_COLON, FW_SPACE, FW_COMMA = "：", "\u3000", "，"
QUOTES = {"“": "”", "‘": "’"}
BRACKETS = {"［": ("］", "[", "]"), "【": ("】", "[", "]"), "｛": ("｝", "{", "}")}
MAX_SLIPS = 10  # reported per file; the rest show up once these are fixed
MAX_TRIES = 300  # parses tried per file (each a millisecond or so for a handbook file)
WINDOW = 40  # lines above the parser's complaint where its slip may be


@dataclass(frozen=True)
class Slip:
    line: int  # 0-based
    col: int  # 0-based, in characters (as libyaml counts)
    fixed: str  # the line with the slip fixed
    message: str  # what is wrong and how to fix it, in Chinese (without the position)


def _show(char: str) -> str:
    return "“　”（全角空格）" if char == FW_SPACE else f"“{char}”"


# ---- candidates: every place on a line that could be a slip, with the line as it would be fixed -------

def _candidates(lines: list[str], i: int) -> Iterator[Slip]:
    s = lines[i]
    body = s.lstrip(" " + FW_SPACE)
    if not body or body.startswith("#"):
        return
    lead = s[: len(s) - len(body)]
    n = lead.count(" ")
    if FW_SPACE in lead:
        j = lead.index(FW_SPACE)
        for width in ("  ", " "):
            yield Slip(i, j, lead.replace(FW_SPACE, width) + body,
                       f"是全角空格“　”，在行首的缩进里：YAML 的缩进只能用半角空格，把它换成{'两个' if width == '  ' else '一个'}半角空格")
    yield from _dash(s, len(lead), i)
    if FW_SPACE not in lead and n % 2 == 1:
        for target in _indent_targets(lines, i, n):
            yield Slip(i, 0, " " * target + body,
                       f"缩进了 {n} 个空格，与同一层的其他行（{target} 个空格）没有对齐：YAML 靠缩进区分层次，"
                       f"同一层的键和列表项要左对齐，把缩进改成 {target} 个空格")
    for j, char in enumerate(s):
        if j > 400:
            break
        if char == FW_COLON:
            rest = s[j + 1:].lstrip(" " + FW_SPACE)
            yield Slip(i, j, s[:j] + (": " + rest if rest else ":"),
                       "是全角冒号“：”，YAML 的键和值之间要用半角冒号加空格（: ）：把“：”改成“: ”")
        elif char == FW_SPACE and j > 0 and s[j - 1] in ":-" and j >= len(lead):
            k = j
            while k < len(s) and s[k] == FW_SPACE:
                k += 1
            yield Slip(i, j, s[:j] + " " + s[k:], f"是全角空格“　”：YAML 的“{s[j - 1]}”后面要用半角空格，把它换成一个半角空格")
        elif char == FW_COMMA and _in_flow(s, j):
            yield Slip(i, j, s[:j] + ", " + s[j + 1:].lstrip(" "),
                       "是全角逗号“，”：方括号 [ ] 或花括号 { } 中的各项要用半角逗号分隔：把“，”改成“, ”")
        elif char in QUOTES and _starts_value(s, j):
            k = s.rfind(QUOTES[char])
            if k > j:
                inner = s[j + 1:k]
                q = "'" if '"' in inner else '"'
                inner = inner.replace("'", "''") if q == "'" else inner
                yield Slip(i, j, s[:j] + q + inner + q + s[k + 1:],
                           f"是全角引号（{char}…{QUOTES[char]}）：YAML 只认半角引号，值中有“: ”或“ #”时要用半角引号把整个值括起来："
                           f"把 {char}…{QUOTES[char]} 改成 {q}…{q}（引号本是正文的一部分时，在外面再加一对半角引号）")
        elif char in BRACKETS and _starts_value(s, j):
            close, half_open, half_close = BRACKETS[char]
            k = s.rfind(close)
            if k > j:
                yield Slip(i, j, s[:j] + half_open + s[j + 1:k] + half_close + s[k + 1:],
                           f"是全角括号“{char}”：YAML 的列表和映射要用半角的 {half_open} {half_close}："
                           f"把“{char}…{close}”改成“{half_open}…{half_close}”")


_DASH = "的列表符号“-”后面缺少空格：YAML 的列表项要写成“- 内容”，在“-”后加一个半角空格"


def _dash(s: str, at: int, i: int) -> Iterator[Slip]:
    """`-label: x`: a list item whose dash lacks its space (`-　x` is a full-width space, found elsewhere)."""
    if at + 1 >= len(s) or s[at] != "-" or s.startswith("---"):
        return
    nxt = s[at + 1]
    if not nxt.isspace() and nxt not in "-." and not nxt.isdigit():
        yield Slip(i, at, s[:at] + "- " + s[at + 1:], _DASH)


def _indent_targets(lines: list[str], i: int, n: int) -> list[int]:
    """Indents the line could have meant: those where earlier lines' keys or list items start, nearest first."""
    seen: set[int] = set()
    for s in reversed(lines[:i]):
        body = s.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        col = len(s) - len(body)
        seen.add(col)
        while body.startswith("- "):  # the key after a dash starts further in
            body = body[2:].lstrip(" ")
            seen.add(len(s) - len(body))
        if col == 0:
            break
    near = sorted((t for t in seen if abs(t - n) <= 2 and t != n), key=lambda t: (abs(t - n), t))
    return near or [n - 1]


def _in_flow(s: str, j: int) -> bool:
    before = s[:j]
    return before.count("[") + before.count("{") > before.count("]") + before.count("}")


def _starts_value(s: str, j: int) -> bool:
    """The character at j starts a value: after `: `, `- `, `[`, `{`, `,` (or at the start of a line)."""
    before = s[:j].rstrip(" ")
    return not before or before.endswith((":", "-", "[", "{", ","))


# ---- trying them ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Complaint:
    """Where and what the parser complained of."""

    line: int  # 0-based
    col: int
    problem: str
    context: str
    context_line: int | None
    context_col: int | None


def complaint(text: str) -> Complaint | None:
    """The parser's first complaint about `text`, or None when it parses."""
    from .yamlsource import _Loader

    loader = _Loader(text)
    try:
        loader.get_single_node()
        return None
    except yaml.MarkedYAMLError as exc:
        return _complaint(exc)
    except (yaml.YAMLError, RecursionError, ValueError):
        return Complaint(0, 0, "unreadable", "", None, None)
    finally:
        loader.dispose()


def _complaint(exc: yaml.MarkedYAMLError) -> Complaint:
    mark, ctx = exc.problem_mark or exc.context_mark, exc.context_mark
    return Complaint(mark.line if mark else 0, mark.column if mark else 0, (exc.problem or "").strip(),
                     (exc.context or "").strip(), ctx.line if ctx else None, ctx.column if ctx else None)


def find_slips(text: str, first: Complaint) -> tuple[list[Slip], Complaint | None]:
    """The slips that explain the parser's complaints, in order, and the complaint left once they are fixed."""
    lines = text.split("\n")
    slips: list[Slip] = []
    current: Complaint | None = first
    done: set[int] = set()
    budget = [MAX_TRIES]
    while current is not None and len(slips) < MAX_SLIPS and budget[0] > 0:
        slip, after = _best(lines, current, done, budget)
        if slip is None:
            break
        slips.append(slip)
        done.add(slip.line)
        lines[slip.line] = slip.fixed
        current = after
    return slips, current


def _best(lines: list[str], c: Complaint, done: set[int], budget: list[int]) -> tuple[Slip | None, Complaint | None]:
    """The slip whose fix makes the text parse, else the first that moves the complaint down; `budget`
    is the number of parses left (a slip sits on the line of the complaint or a few lines above it)."""
    last = max(c.line, c.context_line if c.context_line is not None else -1)
    last = min(last, len(lines) - 1)
    near = [c.line] + ([c.context_line] if c.context_line is not None else [])
    lines_near = {i for x in near for i in range(max(0, x - WINDOW), x + 1)}
    order = sorted((i for i in lines_near if i <= last and i not in done), key=lambda i: (min(abs(i - x) for x in near), -i))
    further: tuple[Slip, Complaint] | None = None
    for i in order:
        for slip in _candidates(lines, i):
            if slip.fixed == lines[i]:
                continue
            budget[0] -= 1
            if budget[0] < 0:
                return further or (None, c)
            trial = lines[:i] + [slip.fixed] + lines[i + 1:]
            after = complaint("\n".join(trial))
            if after is None:
                return slip, None
            if further is None and after.line > c.line:
                further = (slip, after)
    return further or (None, c)


# ---- messages --------------------------------------------------------------------------------------

def slip_problem(rel: str, slip: Slip) -> Problem:
    return _at(rel, slip.line + 1, slip.col + 1, slip.message)


def _at(rel: str, line: int, col: int, message: str) -> Problem:
    """`第 L 行第 C 列是…` for a character, `第 L 行缩进了…` for a line."""
    where = f"第 {line} 行第 {col} 列" if message.startswith("是") else f"第 {line} 行"
    return Problem(Pos(rel, line, col), "E103", f"{where}{message}。")


# libyaml's complaints in Chinese: (words in its message, explanation and fix)
_EXPLAIN: list[tuple[str, str]] = [
    ("could not find expected ':'", "这一行既不是“键: 值”，也不是上一行的延续：键后面要有半角冒号加空格（: ），或者这一行的缩进不对"),
    ("mapping values are not allowed", "这里出现了“: ”，但此处不能开始新的“键: 值”：多半是这一行的缩进不对，"
                                       "或值中含有“: ”（这时请用半角引号把整个值括起来）"),
    ("did not find expected key", "这一行没有和上面同一层的键对齐：检查缩进，或上一行的引号、括号是否已经结束"),
    ("did not find expected '-' indicator", "列表中的这一行没有以“- ”开头，或缩进与其他列表项不一致"),
    ("did not find expected ',' or ']'", "方括号 [ ] 中的列表没有正确结束：各项之间用半角逗号“,”分隔，并以半角“]”结束"),
    ("did not find expected ',' or '}'", "花括号 { } 没有正确结束：各项之间用半角逗号“,”分隔，并以半角“}”结束"),
    ("found unexpected end of stream", "引号没有配对：这里开始的引号直到文件末尾都没有结束，请补上另一半引号"),
    ("unknown escape character", "双引号中的反斜杠“\\”后面是 YAML 不认识的字符：把“\\”写成“\\\\”，或改用单引号"),
    ("cannot start any token", "这个字符（如 ` @ %）不能作为值的开头：请用半角引号把整个值括起来"),
    ("expected alphabetic or numeric character", "以“*”或“&”开头的值在 YAML 中有特殊含义：请用半角引号把整个值括起来"),
    ("expected <block end>", "这一行的缩进与上一级不一致：同一层的键和列表项要左对齐"),
    ("expected a single document", "文件中有第二个文档（又一行 ---）：一个文件只写一份内容，删去多余的 ---"),
    ("expected '<document start>'", "文件中有第二个文档（又一行 ---）或多余的内容：一个文件只写一份内容"),
    ("expected chomping or indentation indicators", "“|”或“>”后面只能跟“+”“-”或数字：把文字写到下一行（缩进两个空格）"),
    ("tab character", "这里有 Tab：YAML 只能用空格，请换成空格"),
    ("tag", "以“!”开头的值在 YAML 中表示标签：请用半角引号把整个值括起来"),
    ("directive", "以“%”开头的行在 YAML 中是指令：请用半角引号把值括起来，或删去这一行"),
    ("expected the node content", "这里缺少值，或值以 YAML 的特殊符号开头：请用半角引号把整个值括起来"),
    ("found unexpected ':'", "这里的“:”不能出现在此处：请用半角引号把整个值括起来"),
]
_OPENERS = {"flow sequence": "“[”", "flow mapping": "“{”", "quoted scalar": "引号"}


def complaint_problem(rel: str, c: Complaint) -> Problem:
    """The parser's complaint in Chinese, its English in parentheses after it."""
    english = "; ".join(x for x in (c.context, c.problem) if x) or "无法解析"
    what = next((zh for words, zh in _EXPLAIN if words in c.problem), None)
    if what is None:
        what = next((zh for words, zh in _EXPLAIN if words in english), "解析器读不懂这里：检查该处的冒号、引号、缩进和列表符号“- ”（都要用半角）")
    line, col = c.line, c.col
    start = next((name for key, name in _OPENERS.items() if key in c.context), None)
    if c.context_line is not None and ("could not find expected ':'" in c.problem or start == "引号"):
        # libyaml marks the next line (or the end of the file); the key without a colon, the open quote is here
        line, col, start = c.context_line, c.context_col or 0, None
    if start and c.context_line is not None and c.context_line != line:
        what += f"（从第 {c.context_line + 1} 行第 {(c.context_col or 0) + 1} 列的{start}开始）"
    return Problem(Pos(rel, line + 1, col + 1), "E103", f"YAML 语法错误：{what}。（解析器原文：{english}）")


def explain(rel: str, text: str, exc: yaml.MarkedYAMLError) -> list[Problem]:
    """Problems for a file that does not parse: its slips, else the parser's complaint in Chinese."""
    first = _complaint(exc)
    try:
        slips, left = find_slips(text, first)
    except Exception:  # noqa: BLE001 - explaining must never be worse than the plain complaint
        slips, left = [], first
    out = [slip_problem(rel, s) for s in slips]
    if left is not None and (not slips or left.problem != "unreadable"):
        out.append(complaint_problem(rel, left))
    return out


# ---- slips in a file that parses: a key that holds one -----------------------------------------------

def key_slips(rel: str, root: yaml.Node | None) -> list[tuple[Problem, str]]:
    """E103 for every key holding a full-width colon or space (`{role：office-director}` parses as a key),
    with the key name meant before the slip (its E301/E302 problems say the same)."""
    out: list[tuple[Problem, str]] = []
    todo = [root] if root is not None else []
    while todo and len(out) < MAX_SLIPS:
        node = todo.pop()
        if isinstance(node, yaml.SequenceNode):
            todo.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                todo.append(value)
                if isinstance(key, yaml.ScalarNode) and not key.style:
                    found = _key_slip(rel, key)
                    if found:
                        out.append(found)
    return sorted(out, key=lambda x: x[0].sort_key())


def _key_slip(rel: str, key: yaml.ScalarNode) -> tuple[Problem, str] | None:
    text = key.value
    for char in (FW_COLON, FW_SPACE):
        j = text.find(char)
        if j < 0:
            continue
        meant = text[:j].strip(" " + FW_SPACE) if char == FW_COLON else text.replace(FW_SPACE, "")
        m = key.start_mark
        line, col = m.line + 1, m.column + 1 + (j if m.line == key.end_mark.line else 0)
        if char == FW_COLON:
            msg = (f"第 {line} 行第 {col} 列是全角冒号“：”，YAML 把“{_short(text)}”整个读成了一个键："
                   "键和值之间要用半角冒号加空格（: ），把“：”改成“: ”。")
        else:
            msg = (f"第 {line} 行第 {col} 列是全角空格“　”，YAML 把它读成了键“{_short(text)}”的一部分："
                   "缩进和冒号后只能用半角空格，把它换成半角空格。")
        return Problem(Pos(rel, line, col), "E103", msg), meant
    return None


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


# ---- slips in a value the schema or a check refused ---------------------------------------------------

def value_slip(value: str) -> tuple[int, str] | None:
    """(index in the value, explanation) of a slip that explains why a refused value is wrong:
    `records: ［a, b］` (not a list), `-shouwen-register` (a dash without its space), `a，b` (one id)."""
    if not value:
        return None
    if value[0] in BRACKETS:
        close, half_open, half_close = BRACKETS[value[0]]
        return 0, (f"是全角括号“{value[0]}”，YAML 把整个值读成了文字：列表和映射要用半角的 {half_open} {half_close}，"
                   f"把“{value[0]}…{close}”改成“{half_open}…{half_close}”")
    if value[0] in QUOTES:
        return 0, f"是全角引号（{value[0]}…{QUOTES[value[0]]}），它成了值的一部分：YAML 只认半角引号，把它改成 \"…\" 或删去"
    if value[:2] == "-" + FW_SPACE:
        return 1, "是全角空格“　”，YAML 把“-”读成了文字的一部分：列表符号“-”后面要用半角空格，把它换成一个半角空格"
    if value[0] == "-" and len(value) > 1 and not value[1].isdigit() and value[1] != ".":
        return 0, "的列表符号“-”后面缺少空格，YAML 把“-”读成了文字的一部分：列表项要写成“- 内容”，在“-”后加一个半角空格"
    m = re.match(r"[A-Za-z_][\w-]*\s*(：)", value)
    if m:
        return m.start(1), "是全角冒号“：”，YAML 把它读成了文字：键和值之间要用半角冒号加空格（: ），把“：”改成“: ”"
    for char, why in ((FW_COMMA, "是全角逗号“，”，YAML 把前后两项读成了一项：列表中的各项要用半角逗号分隔，把“，”改成“, ”"),
                      (FW_SPACE, "是全角空格“　”，它成了值的一部分：把它换成半角空格或删去")):
        j = value.find(char)
        if j >= 0 and re.fullmatch(r"[\x21-\x7e]+", value.replace(char, "")):  # ids and codes: ASCII only
            return j, why
    return None


_REFUSED = frozenset({"E202", "E203", "E201", "E206", "E301", "E303", "E304", "E305"})


def explain_values(rel: str, root: yaml.Node | None, problems: list[Problem]) -> list[Problem]:
    """The problems with each refused value that holds a slip told as that slip (at its own column)."""
    if root is None or not any(p.code in _REFUSED and p.pos.path == rel for p in problems):
        return problems
    scalars: dict[tuple[int, int], yaml.ScalarNode] = {}
    todo = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, yaml.ScalarNode):
            if not node.style:
                scalars[(node.start_mark.line + 1, node.start_mark.column + 1)] = node
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            todo.extend(v for _, v in node.value)
    out = []
    for p in problems:
        node = scalars.get((p.pos.line, p.pos.col)) if p.code in _REFUSED and p.pos.path == rel else None
        found = value_slip(node.value) if node is not None else None
        if found is None and node is not None and p.code == "E303" and "映射" in p.message and FW_COLON in node.value:
            found = node.value.index(FW_COLON), "是全角冒号“：”，YAML 把这一行读成了文字而不是“键: 值”：把“：”改成“: ”"
        if node is None or found is None:
            out.append(p)
            continue
        j, why = found
        col = p.pos.col + (j if node.start_mark.line == node.end_mark.line else 0)
        out.append(_at(rel, p.pos.line, col, why))
    return out


def with_slips(rel: str, root: yaml.Node | None, problems: list[Problem]) -> list[Problem]:
    """A parsed file's problems, with its slips told as such: a key that holds a full-width colon or
    space replaces the unknown-key and missing-key problems it causes; a refused value that holds a
    slip is told as that slip."""
    found = key_slips(rel, root)
    if found:
        at = {(p.pos.line, p.pos.col) for p, _ in found}
        starts = set()
        for p, _ in found:  # the key's own start (a slip's column may lie inside the key)
            starts.add(p.pos.line)
        missing = {f'缺少必填项 "{meant}"' for _, meant in found if meant}
        problems = [p for p in problems
                    if not (p.code == "E301" and p.pos.line in starts)
                    and not (p.code == "E302" and any(m in p.message for m in missing))
                    and (p.pos.line, p.pos.col) not in at]
        problems = [p for p, _ in found] + problems
    return explain_values(rel, root, problems)
