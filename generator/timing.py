"""Stage timings of the last run (load, check, render …), for `handbook build` and the benchmarks."""

from __future__ import annotations

import time
from contextlib import contextmanager

last: dict[str, float] = {}


@contextmanager
def stage(name: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        last[name] = last.get(name, 0.0) + time.perf_counter() - start


def reset() -> None:
    last.clear()
