"""The one engine for the expensive jobs (DOT → SVG charts, Typst → PDF sheets).

A job is a small picklable object (plain data plus a `run()` that returns bytes), so it works with
any start method (see parallel.py for the one chosen; tests run the jobs under spawn). Workers stay up for the engine's life
and keep what they loaded (the Graphviz WebAssembly, Typst and its fonts), so `serve` pays for that
once. Jobs found in the cache are not run; when the rest is little work it runs in this process,
since starting workers costs about a second.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Protocol

from .parallel import pool
from .render.cache import Cache

# Below this many estimated seconds of work the jobs run here: starting two warm workers costs about
# 0.9 s (the Graphviz WebAssembly alone is 0.8 s), which this process pays too, but only once.
PARALLEL_FROM_SECONDS = 1.5
# the binder remade after a save must not slow the next save's pages (two cores: it would take one)
BACKGROUND_NICE = 10


class Job(Protocol):
    kind: str  # the cache's folder for results of this kind
    key: str  # what the result depends on (a cache key), computed by whoever made the job
    cost: float  # estimated seconds of work, to decide whether workers are worth starting

    def run(self) -> bytes: ...


def run_job(job: Job) -> bytes:
    return job.run()


class Engine:
    """Runs jobs through a cache, in this process or on warm workers. Use as a context manager, or
    call `close()`, to stop the workers."""

    def __init__(self, cache: Cache | None = None, workers: int | None = None, method: str | None = None,
                 parallel_from: float = PARALLEL_FROM_SECONDS) -> None:
        self.cache = cache if cache is not None else Cache(None)
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.method = method  # None: parallel.start_method() when the workers start
        self.parallel_from = parallel_from
        self._pool: ProcessPoolExecutor | None = None
        self._background: ProcessPoolExecutor | None = None  # one low-priority worker for the lagging jobs
        self.ran_in_workers = 0  # how many jobs went to workers (for tests and benchmarks)
        # `serve`: a slow job that may lag (the binder) keeps its last result while a worker remakes it
        self.keep_stale = False
        self.on_late: Callable[[str, bytes], None] | None = None  # told (slot, result) when a lagging result is ready
        self._latest: dict[str, bytes] = {}
        self._pending: dict[str, tuple[str, Future]] = {}
        self._lock = threading.Lock()
        self._settled: list[threading.Event] = []

    def run(self, jobs: Sequence[Job]) -> list[bytes]:
        """Each job's result, in order: from the cache, or run (and cached)."""
        results: list[bytes | None] = [self.cache.get(job.kind, job.key) for job in jobs]
        todo = [i for i, r in enumerate(results) if r is None]
        for i, data in zip(todo, self._execute([jobs[i] for i in todo])):
            self.cache.put(jobs[i].kind, jobs[i].key, data)
            results[i] = data
        return results  # type: ignore[return-value]

    def run_lagging(self, jobs: Sequence[tuple[str, Job]]) -> list[bytes]:
        """Like `run`, for jobs a preview may show a little late, each in a named slot: with
        `keep_stale`, a job not in the cache whose slot has an earlier result returns that result at
        once and is remade on a worker (`on_late` hears when). Otherwise it is run as usual."""
        out: list[bytes | None] = []
        fresh: list[bool] = []
        now: list[tuple[int, Job]] = []
        for slot, job in jobs:
            data = self.cache.get(job.kind, job.key)
            with self._lock:
                stale = self._latest.get(slot)
            fresh.append(data is not None or not (self.keep_stale and stale is not None))
            if data is None and not fresh[-1]:
                self._remake(slot, job)
                data = stale
            elif data is None:
                now.append((len(out), job))
            out.append(data)
        for (i, job), data in zip(now, self._execute([j for _, j in now])):
            self.cache.put(job.kind, job.key, data)
            out[i] = data
        with self._lock:
            for (slot, _), data, new in zip(jobs, out, fresh):
                if new:
                    self._latest[slot] = data  # type: ignore[assignment]
        return out  # type: ignore[return-value]

    def _remake(self, slot: str, job: Job) -> None:
        with self._lock:
            pending = self._pending.get(slot)
            if pending is not None and pending[0] == job.key:
                return  # already being made
            if self._background is None:
                self._background = pool(1, self.method, nice=BACKGROUND_NICE)
            future = self._background.submit(run_job, job)
            self._pending[slot] = (job.key, future)
        self.ran_in_workers += 1

        settled = threading.Event()  # set once the callback below has run to its end
        with self._lock:
            self._settled = [e for e in self._settled if not e.is_set()] + [settled]

        def done(f: Future) -> None:
            try:
                if f.cancelled() or f.exception() is not None:
                    return
                data = f.result()
                self.cache.put(job.kind, job.key, data)
                with self._lock:
                    if self._pending.get(slot, ("", None))[1] is not f:
                        return  # a newer edit has started a newer one
                    del self._pending[slot]
                    self._latest[slot] = data
                if self.on_late is not None:
                    self.on_late(slot, data)
            finally:
                settled.set()

        future.add_done_callback(done)

    def wait_lagging(self) -> None:
        """Until every job remade in the background is done and told (tests, benchmarks)."""
        with self._lock:
            events = list(self._settled)
        for event in events:
            event.wait()

    def _execute(self, jobs: list[Job]) -> list[bytes]:
        if self.workers < 2 or sum(j.cost for j in jobs) < self.parallel_from:
            return [job.run() for job in jobs]
        executor = self._get_pool()
        # the costliest first, so no worker is left with a long job at the end
        order = sorted(range(len(jobs)), key=lambda i: -jobs[i].cost)
        futures = {i: executor.submit(run_job, jobs[i]) for i in order}
        self.ran_in_workers += len(jobs)
        return [futures[i].result() for i in range(len(jobs))]

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = pool(self.workers, self.method)
        return self._pool

    def close(self) -> None:
        for executor in (self._pool, self._background):
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
        self._pool = self._background = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
