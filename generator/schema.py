"""Stage 2: JSON Schema. Coerce plain scalars to the types the schema asks for, validate, and map
every error back to the line:col of the offending value with a Chinese message that says how to fix it."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily: only invalid documents need the detailed validator
    from jsonschema import Draft7Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

from .problems import Pos, Problem
from .yamlsource import NULLS, Document, convert

KINDS = ("procedure", "record", "role")
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
TYPE_NAMES = {
    "string": "文字", "integer": "整数", "number": "数字", "boolean": "是非值（true/false）",
    "array": "列表", "object": "键值映射", "null": "空值",
}


def schema_text(name: str) -> str:
    return resources.files(__package__).joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8")


# Validation accepts any id here: the id lists in ids.schema.json are for editor completion only,
# and the cross-reference checks report an unknown id with a suggestion.
_PERMISSIVE_IDS = {"definitions": {k: {} for k in ("role", "record", "procedure", "policy")}}


@cache
def load_schema(name: str) -> dict:
    if name == "ids":
        return _PERMISSIVE_IDS
    return json.loads(schema_text(name))


@cache
def _registry() -> Registry:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    return Registry().with_resources([
        ("common.schema.json", Resource.from_contents(load_schema("common"))),
        ("ids.schema.json", Resource.from_contents(_PERMISSIVE_IDS, default_specification=DRAFT7)),
    ])


_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def is_real_date(value: object) -> bool:
    """`format: date`: YYYY-MM-DD and a day that exists (not 2026-02-30, not year 0000).
    jsonschema-rs, which answers the fast "valid?", checks the same (tests/test_schema_dates.py)."""
    if not isinstance(value, str):
        return True
    if not _DATE_SHAPE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def date_problem(value: str) -> tuple[str, str | None]:
    """Why a YYYY-MM-DD text is not a real date, and the nearest real one when there is an obvious one."""
    year, month, day = (int(x) for x in value.split("-"))
    if year == 0:
        return "年份不能是 0000", None
    if not 1 <= month <= 12:
        return f"没有 {month} 月，月份应为 01–12", None
    last = calendar.monthrange(year, month)[1]
    if day == 0:
        return "日应从 01 起", f"{year:04d}-{month:02d}-01"
    return f"{year} 年 {month} 月只有 {last} 天", f"{year:04d}-{month:02d}-{last:02d}"


@cache
def _format_checker():
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date")(is_real_date)
    return checker


@cache
def validator(kind: str) -> Draft7Validator:
    from jsonschema import Draft7Validator

    return Draft7Validator(load_schema(kind), registry=_registry(), format_checker=_format_checker())


@cache
def fast_validator(kind: str):
    """jsonschema-rs answers "valid?" about 100x faster; the detailed errors still come from
    `jsonschema`, which only runs for the (rare) invalid documents."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    resources = {"common.schema.json": load_schema("common"), "ids.schema.json": _PERMISSIVE_IDS}
    return jsonschema_rs.Draft7Validator(load_schema(kind), base_uri=f"https://handbook.invalid/schemas/{kind}.schema.json",
                                         retriever=lambda uri: resources[uri.rsplit("/", 1)[-1]], validate_formats=True)


def _resolve(schema: dict, root: dict) -> tuple[dict, dict]:
    """Follow $ref (local or into common.schema.json); return the schema and the root it lives in."""
    while "$ref" in schema:
        ref = schema["$ref"]
        file, _, pointer = ref.partition("#")
        if file:
            root = load_schema(file.removesuffix(".schema.json"))
        target = root
        for part in filter(None, pointer.split("/")):
            target = target[part]
        # keep the referring schema's own description (it is the more specific one)
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**target, **extra}
    return schema, root


def _alternatives(schema: dict, root: dict) -> list[tuple[dict, dict]]:
    schema, root = _resolve(schema, root)
    alts = schema.get("oneOf") or schema.get("anyOf")
    if alts:
        out = []
        for alt in alts:
            out.extend(_alternatives(alt, root))
        return out
    return [(schema, root)]


def _types(schema: dict) -> set[str]:
    t = schema.get("type")
    if t is None:
        return {"string"} if "enum" in schema else set()
    return {t} if isinstance(t, str) else set(t)


class Plan:
    """What the schema expects at one place of a document: which types a plain scalar may become,
    and the plans of its properties and items. Compiled once per schema (see `plan`)."""

    __slots__ = ("types", "props", "extra", "items")

    def __init__(self) -> None:
        self.types: frozenset[str] = frozenset()
        self.props: dict[str, Plan] = {}
        self.extra: Plan | None = None
        self.items: Plan | None = None

    def child(self, key: str) -> Plan | None:
        return self.props.get(key, self.extra)

    def item(self) -> Plan | None:
        return self.items

    def scalar(self, text: str, plain: bool) -> object:
        if not plain:
            return text
        if text in NULLS:
            return None
        types = self.types
        if ("integer" in types or "number" in types) and _FLOAT.fullmatch(text) and too_big(text):
            return text  # reported as out of range (E307); int() of thousands of digits would even raise
        if "integer" in types and _INT.fullmatch(text):
            return int(text)
        if "number" in types and _FLOAT.fullmatch(text):
            return int(text) if _INT.fullmatch(text) else float(text)
        if "boolean" in types:
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
        return text  # "yes", "no", "on", dates, versions …: the text the admin wrote


def too_big(text: str) -> bool:
    """A number no float can hold (1e400, or a few hundred digits)."""
    return not math.isfinite(float(text))


def _compile(schema: dict, root: dict) -> Plan:
    plan = Plan()
    types: set[str] = set()
    for alt, alt_root in _alternatives(schema, root):
        for sub, sub_root in [(alt, alt_root), *[_resolve(a, alt_root) for a in alt.get("allOf", [])]]:
            types |= _types(sub)
            for key, prop in sub.get("properties", {}).items():
                plan.props[key] = _compile(prop, sub_root)
            if isinstance(sub.get("additionalProperties"), dict):
                plan.extra = _compile(sub["additionalProperties"], sub_root)
            if isinstance(sub.get("items"), dict):
                plan.items = _compile(sub["items"], sub_root)
    plan.types = frozenset(types)
    return plan


@cache
def plan(kind: str) -> Plan:
    schema = load_schema(kind)
    return _compile(schema, schema)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _show(value: object) -> str:
    if value is None:
        return "空值（冒号后什么也没写）"
    if isinstance(value, (dict, list)):
        return TYPE_NAMES[_json_type(value)]
    text = str(value)
    return f"\"{text[:40]}…\"" if len(text) > 40 else f"\"{text}\""


def _got(value: object) -> str:
    if value is None or isinstance(value, (dict, list)):
        return _show(value)
    return f"{TYPE_NAMES[_json_type(value)]} {_show(value)}"


def _end(text: str) -> str:
    return f"{text}。" if text else ""


def where_text(path: tuple) -> str:
    """A JSON path as an admin reads it: steps › 第2项 › role."""
    return " › ".join(f"第{p + 1}项" if isinstance(p, int) else str(p) for p in path) or "文件顶层"


def _hint(schema: dict) -> str:
    desc = schema.get("description", "")
    first = re.split(r"(?<=[。；])", desc, maxsplit=1)[0]
    return first.rstrip("。；")


def suggest(word: str, choices) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"，是否应为 \"{match[0]}\"？" if match else "。"


def validate(doc: Document, kind: str) -> tuple[object, list[Problem]]:
    """Read the document's data with the schema's types, and validate it. Raises LoadError for
    problems of the YAML itself (duplicate keys, aliases)."""
    data = convert(doc, plan(kind))
    hidden = hidden_characters(doc, data)
    fast = fast_validator(kind)
    if fast is not None and fast.is_valid(data):
        return data, hidden
    return data, hidden + [p for error in validator(kind).iter_errors(data) for p in _map_error(error, doc)]


# Characters no page, chart (XML) or PDF can hold: C0/C1 controls other than tab and line breaks,
# lone surrogates, U+FFFE/U+FFFF. The YAML reader refuses them written as such; only an escape in a
# double-quoted string ("\x18", "\u0007", "\N") brings one in, so files without a backslash are skipped.
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def hidden_characters(doc: Document, data: object) -> list[Problem]:
    """E305 for every text value (or key) holding a control character, at its own line:col."""
    if "\\" not in doc.text:
        return []
    out: list[Problem] = []

    def walk(value: object, path: tuple) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if _HIDDEN.search(key):
                    out.append(_hidden(doc, path + (key,), key, True))
                walk(item, path + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, path + (i,))
        elif isinstance(value, str) and _HIDDEN.search(value):
            out.append(_hidden(doc, path, value, False))

    walk(data, ())
    return out


def _hidden(doc: Document, path: tuple, text: str, key: bool) -> Problem:
    char = _HIDDEN.search(text).group()
    what = "键" if key else "值"
    where = _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", where_text(path))
    return Problem(doc.pos(path, key=key), "E305",
                   f"{where} 的{what}中有不可见的控制字符 U+{ord(char):04X}（多半是转义写法“\\x..”“\\u....”带来的）："
                   "请删除它，或改成普通文字。")


@dataclass
class _Error:
    """One validation error and what every message about it needs."""

    error: ValidationError
    doc: Document
    path: tuple
    value: object
    schema: dict
    where: str

    def pos(self, *keys: object, key: bool = False) -> Pos:
        return self.doc.pos(self.path + keys, key=key)


def _map_error(error: ValidationError, doc: Document) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    e = _Error(error, doc, path, error.instance, error.schema if isinstance(error.schema, dict) else {}, where_text(path))
    mapper = _MAPPERS.get(error.validator)
    if mapper is None:
        yield Problem(e.pos(), "E303", f"{e.where}：{error.message}")
    else:
        yield from mapper(e)


def _unknown_keys(e: _Error) -> Iterator[Problem]:
    allowed = list(e.schema.get("properties", {}))
    for key in e.value:
        if key not in allowed:
            yield Problem(e.pos(key, key=True), "E301",
                          f"{e.where} 中有未知的键 \"{key}\"{suggest(key, allowed)}允许的键：{'、'.join(allowed)}。")


def _missing_keys(e: _Error) -> Iterator[Problem]:
    props = e.schema.get("properties", {})
    for key in e.error.validator_value:
        if isinstance(e.value, dict) and key not in e.value:
            sub = props.get(key, {})
            hint = _hint(_resolve(sub, load_schema("common"))[0] if "$ref" in sub and not sub.get("description") else sub)
            yield Problem(e.pos(), "E302", f"{e.where} 缺少必填项 \"{key}\"" + (f"（{hint}）" if hint else "") + "：请补上。")


def _wrong_type(e: _Error) -> Iterator[Problem]:
    value, want = e.value, e.error.validator_value
    if "boolean" in want and isinstance(value, str) and value.lower() in _YAML11_BOOLS:
        yield Problem(e.pos(), "E111", f"“{value}”不是是非值：YAML 1.1 会把它当作是非值，本手册不会。请写 true 或 false。")
    elif isinstance(value, str) and _FLOAT.fullmatch(value) and too_big(value):
        yield Problem(e.pos(), "E307", f"{e.where} 的值 {_show(value)} 超出范围：数值太大。{_end(_hint(e.schema))}")
    else:
        want = [want] if isinstance(want, str) else want
        names = "或".join(TYPE_NAMES.get(w, w) for w in want)
        yield Problem(e.pos(), "E303", f"{e.where} 应为{names}，实际是{_got(value)}。{_end(_hint(e.schema))}")


def _not_in_enum(e: _Error) -> Iterator[Problem]:
    choices = [str(c) for c in e.error.validator_value]
    yield Problem(e.pos(), "E304",
                  f"{e.where} 的值 {_show(e.value)} 不在可选范围内{suggest(str(e.value), choices)}可选值：{'、'.join(choices)}"
                  + (f"（{_hint(e.schema)}）。" if _hint(e.schema) else "。"))


def _bad_format(e: _Error) -> Iterator[Problem]:
    value, schema = e.value, e.schema
    if e.error.validator == "format" and "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        return  # the pattern error says the same
    if schema.get("format") == "date" and isinstance(value, str) and _DATE_SHAPE.fullmatch(value):
        why, near = date_problem(value)
        yield Problem(e.pos(), "E305", f"{e.where} 的日期 \"{value}\" 不存在（{why}）：应为 YYYY-MM-DD 格式的真实日期"
                      + (f"，如 {near}。" if near else "。"))
    else:
        yield Problem(e.pos(), "E305", f"{e.where} 的值 {_show(value)} 格式不对：{_hint(schema) or e.error.validator_value}。")


def _bad_length(e: _Error) -> Iterator[Problem]:
    limit, value = e.error.validator_value, e.value
    what = {"minItems": f"至少要有 {limit} 条", "maxItems": f"最多 {limit} 条",
            "minLength": "不能为空" if limit == 1 else f"至少 {limit} 个字",
            "maxLength": f"最多 {limit} 个字（现有 {len(value) if isinstance(value, str) else '?'} 个）"}[e.error.validator]
    yield Problem(e.pos(), "E306", f"{e.where} {what}。{_end(_hint(e.schema))}")


def _out_of_range(e: _Error) -> Iterator[Problem]:
    sign = {"minimum": "≥", "maximum": "≤", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[e.error.validator]
    number = str(e.value) if len(str(e.value)) <= 40 else f"{str(e.value)[:40]}…"  # a 300-digit integer stays readable
    yield Problem(e.pos(), "E307", f"{e.where} 的值 {number} 超出范围：应 {sign} {e.error.validator_value}。")


def _one_of(e: _Error) -> Iterator[Problem]:
    return _map_alternatives(e.error, e.doc, e.where)


# how each kind of validation error (by its JSON Schema keyword) is told; any other says jsonschema's words
_MAPPERS: dict[str, Callable[[_Error], Iterator[Problem]]] = {
    "additionalProperties": _unknown_keys, "required": _missing_keys, "type": _wrong_type, "enum": _not_in_enum,
    "pattern": _bad_format, "format": _bad_format,
    **dict.fromkeys(("minItems", "maxItems", "minLength", "maxLength"), _bad_length),
    **dict.fromkeys(("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"), _out_of_range),
    "oneOf": _one_of, "anyOf": _one_of,
}


def _map_alternatives(error: ValidationError, doc: Document, where: str) -> Iterator[Problem]:
    """For "text or list" style alternatives, report the errors of the branch whose type matches."""
    got = _json_type(error.instance)
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        by_branch.setdefault(sub.schema_path[0], []).append(sub)
    keyed = _keyed_alternatives(error.validator_value)
    if got == "object" and keyed:
        # blocks told apart by a key of their own (a form's layout: label, approval, signature …)
        index = next((i for i, key in keyed if key in error.instance), None)
        if index is not None:
            for sub in by_branch.get(index, []):
                yield from _map_error(sub, doc)
            return
        keys = "、".join(key for _, key in keyed)
        yield Problem(doc.pos(tuple(error.absolute_path)), "E302",
                      f"{where} 应有下列键之一：{keys}（填写栏目用 label，审批栏用 approval，签字栏用 signature）。")
        return
    wanted: list[str] = []
    for index, alt in enumerate(error.validator_value):
        alt_schema, _ = _resolve(alt, load_schema("common"))
        types = _types(alt_schema)
        wanted.extend(t for t in types if t not in wanted)
        if got in types or (got == "integer" and "number" in types):
            for sub in by_branch.get(index, []):
                yield from _map_error(sub, doc)
            return
    names = "或".join(TYPE_NAMES.get(w, w) for w in wanted)
    yield Problem(doc.pos(tuple(error.absolute_path)), "E303",
                  f"{where} 应为{names}，实际是{_got(error.instance)}。{_end(_hint(error.schema))}")


def _keyed_alternatives(alternatives: list) -> list[tuple[int, str]]:
    """(index, key) when every alternative is an object schema that requires a key of its own."""
    out = []
    for i, alt in enumerate(alternatives):
        alt_schema, _ = _resolve(alt, load_schema("common"))
        required = alt_schema.get("required") or []
        if alt_schema.get("type") != "object" or not required:
            return []
        out.append((i, required[0]))
    return out if len({key for _, key in out}) == len(out) else []
