"""Property-based: whatever YAML (or not-YAML) a file holds, the loader answers with problems, never a crash."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from office_handbook.schema import validate
from office_handbook.yamlsource import LoadError, decode, parse

KINDS = ("procedure", "record", "role")

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
                    st.sampled_from(["yes", "no", "on", "2026-01-01", "1.0", "~", "end", "office-clerk", "<script>", "&a", "*a", "<<"]))
keys = st.one_of(st.text(max_size=12), st.sampled_from(["id", "title", "steps", "next", "branches", "role", "records", "lifecycle",
                                                         "retention", "fields", "columns", "tasks", "frequency", "review"]))
trees = st.recursive(scalars, lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=6)),
                     max_leaves=40)


def load_text(text: str, kind: str) -> None:
    try:
        doc = parse(decode(text.encode("utf-8", "surrogatepass"), "x.yaml"), "x.yaml")
        _, problems = validate(doc, kind)
    except LoadError as exc:
        problems = [exc.problem]
    for p in problems:
        assert p.pos.line >= 1 and p.pos.col >= 1 and p.code[0] in "EW"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees, st.sampled_from(KINDS))
def test_random_structures_never_crash(tree, kind):
    load_text(yaml.safe_dump(tree, allow_unicode=True), kind)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200), st.sampled_from(KINDS))
def test_random_text_never_crashes(text, kind):
    load_text(text, kind)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["id: x\n", "title: 岗位\n", "- a\n", "  - b\n", "\t", "[", "]", "{", "}", ": ", "&a ", "*a\n",
                                 "<<: ", "'", '"', "#", "\n", "steps:\n", "  - {id: a, next: end}\n", "---\n", "...\n", "!!python/object "]),
                max_size=30), st.sampled_from(KINDS))
def test_yaml_token_soup_never_crashes(parts, kind):
    load_text("".join(parts), kind)
