"""Stage 2: JSON Schema. Coerce plain scalars to the types the schema asks for, validate, and map
every error back to the line:col of the offending value with a Chinese message that says how to fix it."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily: only invalid documents need the detailed validator
    from jsonschema import Draft7Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

from .problems import Problem
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


@cache
def validator(kind: str) -> Draft7Validator:
    from jsonschema import Draft7Validator

    return Draft7Validator(load_schema(kind), registry=_registry())


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
                                         retriever=lambda uri: resources[uri.rsplit("/", 1)[-1]])


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
    fast = fast_validator(kind)
    if fast is not None and fast.is_valid(data):
        return data, []
    return data, [p for error in validator(kind).iter_errors(data) for p in _map_error(error, doc)]


def _map_error(error: ValidationError, doc: Document) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    value = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    v = error.validator
    where = where_text(path)
    if v == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for key in value:
            if key not in allowed:
                yield Problem(doc.pos(path + (key,), key=True), "E301",
                              f"{where} 中有未知的键 \"{key}\"{suggest(key, allowed)}允许的键：{'、'.join(allowed)}。")
    elif v == "required":
        props = schema.get("properties", {})
        for key in error.validator_value:
            if isinstance(value, dict) and key not in value:
                sub = props.get(key, {})
                hint = _hint(_resolve(sub, load_schema("common"))[0] if "$ref" in sub and not sub.get("description") else sub)
                yield Problem(doc.pos(path), "E302", f"{where} 缺少必填项 \"{key}\"" + (f"（{hint}）" if hint else "") + "：请补上。")
    elif v == "type" and "boolean" in error.validator_value and isinstance(value, str) and value.lower() in _YAML11_BOOLS:
        yield Problem(doc.pos(path), "E111", f"“{value}”不是是非值：YAML 1.1 会把它当作是非值，本手册不会。请写 true 或 false。")
    elif v == "type":
        want = error.validator_value
        want = [want] if isinstance(want, str) else want
        names = "或".join(TYPE_NAMES.get(w, w) for w in want)
        yield Problem(doc.pos(path), "E303", f"{where} 应为{names}，实际是{_got(value)}。{_end(_hint(schema))}")
    elif v == "enum":
        choices = [str(c) for c in error.validator_value]
        yield Problem(doc.pos(path), "E304",
                      f"{where} 的值 {_show(value)} 不在可选范围内{suggest(str(value), choices)}可选值：{'、'.join(choices)}"
                      + (f"（{_hint(schema)}）。" if _hint(schema) else "。"))
    elif v in ("pattern", "format"):
        yield Problem(doc.pos(path), "E305", f"{where} 的值 {_show(value)} 格式不对：{_hint(schema) or error.validator_value}。")
    elif v in ("minItems", "maxItems", "minLength", "maxLength"):
        limit = error.validator_value
        what = {"minItems": f"至少要有 {limit} 条", "maxItems": f"最多 {limit} 条",
                "minLength": "不能为空" if limit == 1 else f"至少 {limit} 个字",
                "maxLength": f"最多 {limit} 个字（现有 {len(value) if isinstance(value, str) else '?'} 个）"}[v]
        yield Problem(doc.pos(path), "E306", f"{where} {what}。{_end(_hint(schema))}")
    elif v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        sign = {"minimum": "≥", "maximum": "≤", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[v]
        yield Problem(doc.pos(path), "E307", f"{where} 的值 {value} 超出范围：应 {sign} {error.validator_value}。")
    elif v in ("oneOf", "anyOf"):
        yield from _map_alternatives(error, doc, where)
    else:
        yield Problem(doc.pos(path), "E303", f"{where}：{error.message}")


def _map_alternatives(error: ValidationError, doc: Document, where: str) -> Iterator[Problem]:
    """For "text or list" style alternatives, report the errors of the branch whose type matches."""
    got = _json_type(error.instance)
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        by_branch.setdefault(sub.schema_path[0], []).append(sub)
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
