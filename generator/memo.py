"""Answers remembered per model object, for `serve`.

A model object is never changed once built, and `serve`'s loader gives an unchanged file's object
again on the next save (loader._built_memo): so what a check works out from one object alone can be
kept for as long as that very object is the one in the handbook.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
LIMIT = 100_000  # objects remembered per function; past it, the memo starts again


def per_object(fn: Callable[..., T] | None = None, *, rest_in_key: bool = False):
    """`fn(obj, *rest)` remembered by the identity of `obj` (the memo holds `obj`, so its id is not
    reused while remembered). With `rest_in_key`, also by the other arguments, which must then be
    hashable; without it, they must not change the answer for the same object (a source map for the
    line:col of the same text, say)."""
    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        memo: dict[tuple, tuple[Any, T]] = {}

        @functools.wraps(fn)
        def remembered(obj: Any, *rest: Any) -> T:
            key = (id(obj), *rest) if rest_in_key else (id(obj),)
            hit = memo.get(key)
            if hit is not None and hit[0] is obj:
                return hit[1]
            if len(memo) >= LIMIT:
                memo.clear()
            value = fn(obj, *rest)
            memo[key] = (obj, value)
            return value

        return remembered

    return decorate(fn) if fn is not None else decorate
