"""Render many independent items on all cores. Workers are forked and see the function and the
items already (nothing of the model is pickled); only index ranges go out and results come back.
Below a threshold the start-up cost is not worth it and the items render in order."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
_job: list = []  # (fn, items) of the running map, inherited by the forked workers


def ignore_interrupt() -> None:
    """Workers leave Ctrl+C to the parent, which cleans up and says so once (no trace from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def can_fork() -> bool:
    """Forking is safe only while this process has one thread: a child forked while another thread
    holds a lock (Typst's and wasmtime's native threads, serve's HTTP thread) can hang forever.
    Where threads cannot be counted (no /proc), do not fork at all."""
    if "fork" not in mp.get_all_start_methods():
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"), initializer=ignore_interrupt)


def _run(span: tuple[int, int]) -> list:
    fn, items = _job
    return [fn(items[i]) for i in range(*span)]


def map_items(fn: Callable[[T], R], items: Sequence[T], *, min_items: int = 150) -> list[R]:
    workers = os.cpu_count() or 1
    if workers < 2 or len(items) < min_items or not can_fork():
        return [fn(item) for item in items]
    _job[:] = [fn, items]
    size = max(1, len(items) // (workers * 4))
    spans = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    executor = pool(workers)
    try:
        return [r for part in executor.map(_run, spans) for r in part]
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        _job.clear()
