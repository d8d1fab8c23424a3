"""The one engine for the expensive jobs (DOT → SVG charts, Typst → PDF sheets).

A job is a small picklable object (plain data plus a `run()` that returns bytes), so it works with
any start method (see parallel.py for the one chosen; tests run the jobs under spawn). Workers stay up for the engine's life
and keep what they loaded (the Graphviz WebAssembly, Typst and its fonts), so `serve` pays for that
once. Jobs found in the cache are not run; when the rest is little work it runs in this process,
since starting workers costs about a second.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol

from .parallel import pool
from .render.cache import Cache

# Below this many estimated seconds of work the jobs run here: starting two warm workers costs about
# 0.9 s (the Graphviz WebAssembly alone is 0.8 s), which this process pays too, but only once.
PARALLEL_FROM_SECONDS = 1.5


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
        self.ran_in_workers = 0  # how many jobs went to workers (for tests and benchmarks)

    def run(self, jobs: Sequence[Job]) -> list[bytes]:
        """Each job's result, in order: from the cache, or run (and cached)."""
        results: list[bytes | None] = [self.cache.get(job.kind, job.key) for job in jobs]
        todo = [i for i, r in enumerate(results) if r is None]
        for i, data in zip(todo, self._execute([jobs[i] for i in todo])):
            self.cache.put(jobs[i].kind, jobs[i].key, data)
            results[i] = data
        return results  # type: ignore[return-value]

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
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
