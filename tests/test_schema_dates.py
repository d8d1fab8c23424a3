"""Dates are validated as dates, and the fast validator (jsonschema-rs, "valid?") agrees with the
detailed one (jsonschema, the messages) on every date: an impossible date is never accepted by one
and reported by the other, nor accepted by both and left for the model to crash on."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from office_handbook.schema import fast_validator, is_real_date, load_schema, validator

DATE_PATTERN = re.compile(load_schema("common")["definitions"]["date"]["pattern"])
BASE = {
    "id": "x", "code": "LC-GW-01", "title": "收文", "category": "公文管理", "version": "1.0", "status": "active",
    "owner": "office-director", "effective": "2026-01-01", "review": {"interval_months": 12, "last": "2026-01-01"},
    "purpose": "规范收文。", "scope": "全公司。", "steps": [{"id": "a", "name": "登记", "role": "office-clerk", "next": "end"}],
    "changelog": [{"version": "1.0", "date": "2026-01-01", "summary": "发布。"}],
}


def with_date(where: str, value: str) -> dict:
    data = {**BASE, "review": dict(BASE["review"]), "changelog": [dict(BASE["changelog"][0])]}
    if where == "effective":
        data["effective"] = value
    elif where == "review.last":
        data["review"]["last"] = value
    else:
        data["changelog"][0]["date"] = value
    return data


def test_the_base_procedure_is_valid():
    assert not list(validator("procedure").iter_errors(BASE))


def agree(value: str) -> bool:
    """Both validators' answer for `value` in every date field of a procedure; they must agree."""
    answers = set()
    for where in ("effective", "review.last", "changelog"):
        data = with_date(where, value)
        fast = fast_validator("procedure").is_valid(data)
        slow = not list(validator("procedure").iter_errors(data))
        assert fast == slow, (where, value, fast, slow)
        answers.add(fast)
    assert len(answers) == 1
    return answers.pop()


def real(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(DATE_PATTERN.search(value))


@pytest.mark.parametrize("value", ["2026-01-01", "2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31",
                                   "2026-02-30", "2025-02-29", "1900-02-29", "2100-02-29", "2026-04-31", "2026-13-01",
                                   "2026-00-10", "2026-01-00", "2026-01-32", "0000-01-01", "2026-1-1", "20260101",
                                   "2026-02-30x", " 2026-01-01", "2026-01-01\n", "２０２６-01-01", "2026-W01-1", ""])
def test_known_dates(value):
    assert agree(value) == real(value)
    if DATE_PATTERN.search(value):
        assert is_real_date(value) == real(value)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.one_of(st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True), st.dates().map(dt.date.isoformat),
                 st.text(alphabet="0123456789-", max_size=12)))
def test_fast_and_detailed_validators_agree_on_dates(value):
    assert agree(value) == real(value)
