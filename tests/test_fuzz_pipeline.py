"""Property-based, through the whole pipeline: take the real fixture handbook, damage its data the way
an admin's edit might (other types, empty values, unknown ids, duplicated steps, deleted keys, lists
and mappings swapped, huge numbers, hostile text), write it back and run load → schema → model →
checks → render. Whatever the damage, no exception escapes: either problems are reported (each at a
real place of a real file), or the site renders."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, make_mini
from office_handbook import pipeline
from office_handbook.problems import CODES
from office_handbook.render.site import render_site

MINI = FIXTURES / "mini"
TODAY = dt.date(2026, 12, 1)
FILES = sorted(p.relative_to(MINI).as_posix() for p in MINI.glob("*/**/*.yaml"))
# procedures hold most of the logic (flow, references, time limits), records the form layout
WEIGHTED = [rel for rel in FILES for _ in range({"procedures": 6, "records": 4}.get(rel.split("/")[0], 1))]
ORIGINAL = {rel: yaml.safe_load((MINI / rel).read_text(encoding="utf-8")) for rel in FILES}


def _ids(key: str) -> list[str]:
    """Every value written under `key` anywhere in the fixture: the ids a mutation may point at."""
    out: set[str] = set()

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k == key and isinstance(v, str):
                    out.add(v)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(ORIGINAL)
    return sorted(out)


KNOWN = sorted({rel.rsplit("/", 1)[-1].removesuffix(".yaml") for rel in FILES} | set(_ids("id")) | set(_ids("next")))
SAMPLES = ["", " ", "end", "nowhere", "FK1", "FK9", "<script>alert(1)</script>", "{{ config }}", "a|b\\c", "# x", "😀" * 30,
           "很长" * 500, "2026-02-30", "2026-02-28", "9999-12-31", "0001-01-01", "1.0", "1e400", "-0", "yes", "off", "null",
           "A4", "A3", "landscape", "register", "form", "certificate", "daily", "yearly", "permanent", "long-term",
           "within", "before", "hour", "workday", "month", "urgent", "active", "retired", "draft", "high", "choice",
           "signature", "related", "upstream", "external", "\u202e\u0000x", "\t", "---", "[]", "{}", *KNOWN]
SCALARS = st.one_of(
    st.none(), st.booleans(),
    st.sampled_from([0, 1, -1, 2, 12, 60, 61, 100, 101, 10**6, 10**30, -(10**30), 2**63, 10**400, -(10**4000), 0.5, 0.0001,
                     1e300, -1e300, 1e-300]),
    st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(SAMPLES), st.text(max_size=30),
)
VALUES = st.recursive(SCALARS, lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.sampled_from(
    ["id", "name", "role", "next", "label", "amount", "unit", "label", "type", "options", "width", "x"]), kids, max_size=4)),
    max_leaves=8)
KEYS = st.sampled_from(["id", "title", "next", "branches", "role", "records", "risks", "steps", "fields", "columns", "rows",
                        "lifecycle", "retention", "fill", "tasks", "frequency", "review", "last", "interval_months",
                        "time_limits", "amount", "unit", "kind", "paper", "size", "orientation", "approvals", "options",
                        "wide", "lines", "pages", "signatures", "interfaces", "procedure", "relation", "changelog",
                        "version", "date", "evidence", "policies", "owner", "reports_to", "x-unknown"])


def _paths(data, here=()):
    """Every place in a document (the root excluded)."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield here + (k,)
            yield from _paths(v, here + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield here + (i,)
            yield from _paths(v, here + (i,))


def _get(data, path):
    for part in path:
        data = data[part]
    return data


def _same_kind(value):
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.one_of(st.sampled_from([0, 1, 2, 3, 12, 20, 59, 60, 61, 99, 100, 101, 10**9, 10**400, 10**4000]), st.integers(-5, 200))
    if isinstance(value, float):
        return st.one_of(st.sampled_from([0.5, 0.51, 9.99, 10.0, 10.5, 1e-9, 1e9, 1e300]), st.floats(0, 20))
    if isinstance(value, str):
        return st.one_of(st.sampled_from(SAMPLES), st.text(min_size=1, max_size=40))
    if isinstance(value, list):
        return st.lists(st.sampled_from(value), min_size=1, max_size=len(value) + 2) if value else st.just([])
    if isinstance(value, dict):
        return st.dictionaries(st.sampled_from(sorted(value) or ["x"]), st.sampled_from(list(value.values()) or [None]))
    if isinstance(value, dt.date):
        return st.one_of(st.dates(), st.sampled_from(["2026-02-30", "2025-02-29", "2026-13-01", "0000-01-01", "9999-12-31", "2026-1-1"]))
    return st.just(value)


@st.composite
def mutation(draw, doc):
    """One change to `doc` (in place)."""
    paths = list(_paths(doc))
    path = draw(st.sampled_from(paths))
    parent, last = _get(doc, path[:-1]), path[-1]
    value = parent[last]
    op = draw(st.sampled_from(["retype", "same-kind", "same-kind", "same-kind", "same-kind", "delete", "duplicate",
                               "reorder", "swap", "empty", "add-key", "rename", "point-elsewhere", "point-elsewhere"]))
    if op == "retype":
        parent[last] = draw(VALUES)
    elif op == "same-kind":  # still the type the schema asks for, so the later stages see it
        parent[last] = draw(_same_kind(value))
    elif op == "reorder" and isinstance(value, list):
        parent[last] = draw(st.permutations(value)) if len(value) < 8 else value[::-1]
    elif op == "delete":
        del parent[last]
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(last, yaml.safe_load(yaml.safe_dump(value)))  # a duplicated step, risk, branch …
    elif op == "swap":
        if isinstance(value, list):
            parent[last] = {str(i): v for i, v in enumerate(value)}
        elif isinstance(value, dict):
            parent[last] = list(value.values())
        else:
            parent[last] = [value]
    elif op == "empty":
        parent[last] = draw(st.sampled_from([[], {}, "", None]))
    elif op == "add-key" and isinstance(value, dict):
        value[draw(KEYS)] = draw(VALUES)
    elif op == "rename" and isinstance(parent, dict):
        new = draw(KEYS)
        parent[new] = parent.pop(last)
    elif op == "point-elsewhere" and isinstance(value, str):
        parent[last] = draw(st.sampled_from(KNOWN + ["end", "nowhere", "FK1", "FK2"]))
    return op


ROLES = sorted(rel.removeprefix("roles/").removesuffix(".yaml") for rel in FILES if rel.startswith("roles/"))
RECORDS = sorted(rel.removeprefix("records/").removesuffix(".yaml") for rel in FILES if rel.startswith("records/"))
STEP_IDS = ["a", "b", "c", "d", "e", "f", "g"]


@st.composite
def flow(draw):
    """A new set of steps: a graph over a few step ids, every step reached from the first and able
    to reach the end (forward edges, loops back, decisions with up to five branches), then now and
    then broken on purpose (a self-loop, an unknown target, a duplicate id or label)."""
    n = draw(st.integers(1, 7))
    ids = STEP_IDS[:n]
    labels = ["是", "否", "同意", "不同意", "退回修改", "很长的分支标签很长的分支标签", "<b>x</b>"]
    steps = []
    for i, sid in enumerate(ids):
        ahead = ids[i + 1:] + ["end"]
        extra = st.sampled_from(ahead + [t for t in ids[:i]])  # forward, or back into a loop
        step = {"id": sid, "name": draw(st.sampled_from(["登记", "审核", "签发", "归档", "x", "<i>&amp;</i>", "很长的步骤名称很长的步骤名称"])),
                "role": draw(st.sampled_from(ROLES))}
        if draw(st.booleans()) and len(ahead + ids[:i]) >= 1:
            count = draw(st.integers(2, 5))
            names = draw(st.lists(st.sampled_from(labels), min_size=count, max_size=count, unique=True))
            step["branches"] = [{"label": name, "next": ahead[0] if j == 0 else draw(extra)} for j, name in enumerate(names)]
            step["criteria"] = "判断标准"
        else:
            step["next"] = ahead[0]
        if draw(st.booleans()):
            step["records"] = draw(st.lists(st.sampled_from(RECORDS), max_size=3))
        if draw(st.booleans()):
            step["risks"] = draw(st.lists(st.sampled_from(["FK1", "FK2"]), min_size=1, max_size=2, unique=True))
        if draw(st.booleans()):
            step["time_limits"] = [{"amount": draw(st.sampled_from([1, 0.5, 2, 24, 365, 1e-3])),
                                    "unit": draw(st.sampled_from(["minute", "hour", "day", "workday", "week", "month"])),
                                    "kind": draw(st.sampled_from(["within", "before"])),
                                    **({"urgency": draw(st.sampled_from(["normal", "urgent", "critical"]))} if draw(st.booleans()) else {})}
                                   for _ in range(draw(st.integers(1, 3)))]
        steps.append(step)
    if steps and draw(st.integers(0, 7)) == 0:
        victim = draw(st.sampled_from(steps))
        how = draw(st.sampled_from(["self", "unknown", "duplicate-id", "no-way", "both", "end-id"]))
        if how == "self":
            victim["next"] = victim["id"]
            victim.pop("branches", None)
        elif how == "unknown":
            victim["next"] = "nowhere"
            victim.pop("branches", None)
        elif how == "duplicate-id":
            victim["id"] = steps[0]["id"]
        elif how == "no-way":
            victim.pop("next", None)
            victim.pop("branches", None)
        elif how == "both":
            victim["next"] = "end"
            victim["branches"] = [{"label": "是", "next": "end"}, {"label": "否", "next": "end"}]
        else:
            victim["id"] = "end"
    return steps


@st.composite
def damaged_handbook(draw):
    """The fixture's files: up to two procedures with a new flow, up to three other changes, and maybe a handbook.yml."""
    files = {rel: yaml.safe_load(yaml.safe_dump(data)) for rel, data in ORIGINAL.items()}
    reflowed = draw(st.lists(st.sampled_from([r for r in FILES if r.startswith("procedures/")]), max_size=2, unique=True))
    for rel in reflowed:
        files[rel]["steps"] = draw(flow())
        files[rel]["risks"] = [{"id": "FK1", "risk": "风险", "control": "控制"}, {"id": "FK2", "risk": "风险二", "control": ["控制", "复核"]}]
    for _ in range(draw(st.integers(0 if reflowed else 1, 3))):
        rel = draw(st.sampled_from(WEIGHTED))
        if isinstance(files[rel], dict) and files[rel]:
            draw(mutation(files[rel]))
    texts = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=20))
    config = draw(st.one_of(st.none(), st.fixed_dictionaries({"format": st.sampled_from([2, 2, 2, 2, 1, 3, 0, "x"])}, optional={
        "organisation": texts, "title": texts, "office": texts, "edit_url": st.sampled_from(
            ["", "https://git.example.com/x/edit/main/", "javascript:alert(1)", "<script>", "http://[::1", "%%%"]),
        "popular_records": st.lists(st.sampled_from(KNOWN + ["nowhere", ""]), max_size=4),
        "categories": st.lists(st.sampled_from(["公文管理", "其他", "", "<b>x</b>", "公文管理"]), max_size=4),
        "owners": st.dictionaries(st.sampled_from(KNOWN + ["nowhere"]), st.lists(texts, max_size=3), max_size=3),
        "source_titles": st.dictionaries(st.sampled_from(["seeds/001", "seeds/002", "x", ""]), texts, max_size=3),
    })))
    return files, config


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # a value used twice is written out twice, as an admin would
        return True


def write_handbook(root: Path, files: dict, config) -> None:
    for d in ("procedures", "records", "roles", ".cache", "handbook.yml"):
        target = root / d
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if config is not None:
        (root / "handbook.yml").write_text(yaml.dump(config, Dumper=_Dumper, allow_unicode=True), encoding="utf-8")


def run_pipeline(root: Path, *, pdfs: bool = False) -> None:
    """The property: problems at real places, or a rendered site; never an exception."""
    checked = pipeline.check(root, TODAY)
    for p in checked.problems:
        assert p.code in CODES, p
        assert p.pos.line >= 1 and p.pos.col >= 1, p
        assert (root / p.pos.path).exists(), p
        assert p.message.strip(), p
    if checked.errors:
        return
    files = render_site(checked.handbook, checked.settings, TODAY, charts=True, pdfs=pdfs)
    assert files["index.md"]
    assert all(isinstance(v, (str, bytes)) for v in files.values())


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="handbook-fuzz-") as tmp:
        root = Path(tmp) / "book"
        (root / "docs").mkdir(parents=True)
        shutil.copytree(MINI / "docs", root / "docs", dirs_exist_ok=True)
        yield root


def test_the_undamaged_fixture_renders(workdir):
    write_handbook(workdir, ORIGINAL, None)
    checked = pipeline.check(workdir, TODAY)
    assert not checked.errors, checked.errors
    run_pipeline(workdir)


@pytest.mark.slow  # about 35 s: part of the full run (CI), skipped by pytest -m 'not slow'
@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(damaged_handbook())
def test_damaged_handbook_never_crashes(workdir, case):
    files, config = case
    write_handbook(workdir, files, config)
    run_pipeline(workdir)


@pytest.mark.slow  # about 35 s: part of the full run (CI), skipped by pytest -m 'not slow'
@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(damaged_handbook())
def test_damaged_handbook_with_pdfs(workdir, case):
    files, config = case
    write_handbook(workdir, files, config)
    run_pipeline(workdir, pdfs=True)


SHOUWEN = "procedures/gongwen/shouwen.yaml"
CLERK = "roles/office-clerk.yaml"

# What the fuzzing (and the reasoning around it) found, each fixed at its cause: (file, old, new, expected
# code or None when the site must now render).
FOUND = [
    # a control character written as an escape reached the chart's SVG: xml.etree ParseError in charts.decorate
    ("control character in a step name", SHOUWEN, "    name: 签收、登记", '    name: "签收\\x18登记"', "E305"),
    ("control character in handbook.yml", "handbook.yml", "format: 3", 'format: 3\norganisation: "××\\x07公司"', "E305"),
    # the same character written as such: E103 at 1:1 with libyaml's English text; now at its line:col
    ("raw control character", CLERK, "title: 办公室文员", "title: 办公室\x1b文员", "E103"),
    # 2026-02-30 passed the date pattern: ValueError in date.fromisoformat (model.next_review)
    ("impossible review date", SHOUWEN, "  last: 2026-10-15", "  last: 2026-02-30", "E305"),
    ("year 0000", SHOUWEN, "effective: 2026-01-01", "effective: 0000-01-01", "E305"),
    # the next review of 9999-12-31 falls after date.max: AssertionError("unreachable") in model.next_review
    ("review at the end of time", SHOUWEN, "  last: 2026-10-15", "  last: 9999-12-31", None),
    # int() of a number with thousands of digits raises ValueError (Python's digit limit) in schema.Plan.scalar
    ("5000-digit number", SHOUWEN, "  interval_months: 12", "  interval_months: " + "7" * 5000, "E307"),
    # 1e400 became float('inf') and passed exclusiveMinimum: the pages said "≤inf小时"
    ("infinite amount", SHOUWEN, "amount: 2, unit: hour", "amount: 1e400, unit: hour", "E307"),
    ("huge amount", SHOUWEN, "amount: 2, unit: hour", "amount: 1e300, unit: month", "E307"),
    # two risks FK1: duplicate anchors on the page, no problem reported (E409 was never emitted)
    ("duplicate risk id", SHOUWEN, "policies: [shoufawen]", "  - {id: FK1, risk: 又一个, control: 复核。}\npolicies: [shoufawen]", "E409"),
]


@pytest.mark.parametrize("name, rel, old, new, code", FOUND, ids=[c[0] for c in FOUND])
def test_found_by_fuzzing(tmp_path, name, rel, old, new, code):
    root = make_mini(tmp_path / "book")
    text = (root / rel).read_text(encoding="utf-8")
    assert old in text
    (root / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    run_pipeline(root)
    problems = pipeline.check(root, TODAY).problems
    if code is None:
        assert not [p for p in problems if p.is_error], problems
    else:
        first = text.count("\n", 0, text.index(old)) + 1  # the problem is on one of the lines written
        written = range(first, first + len(new.splitlines()))
        assert [p for p in problems if p.code == code and p.pos.path == rel and p.pos.line in written], problems
