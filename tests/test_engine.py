"""The engine for the expensive jobs: picklable jobs that run the same in this process and in
workers started with spawn (as on Windows and macOS) or forkserver, through one cache."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from conftest import make_mini
from office_handbook.engine import Engine
from office_handbook.pipeline import check
from office_handbook.render.cache import Cache
from office_handbook.render.charts import chart_jobs
from office_handbook.render.context import Context


@pytest.fixture(scope="module")
def jobs(tmp_path_factory):
    root = make_mini(tmp_path_factory.mktemp("hb") / "hb")
    checked = check(root, dt.date(2026, 12, 2), use_cache=False)
    assert not checked.errors
    return list(chart_jobs(Context(checked.handbook, checked.settings, dt.date(2026, 12, 2))).values())


def test_chart_jobs_pickle(jobs):
    assert jobs
    for job in jobs:
        again = pickle.loads(pickle.dumps(job))
        assert again.key == job.key and again.procedure.id == job.procedure.id


@pytest.mark.slow
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_workers_started_by_any_method_draw_the_same_charts(jobs, method):
    here = Engine(Cache(None), workers=1).run(jobs)
    with Engine(Cache(None), workers=2, method=method, parallel_from=0) as engine:
        there = engine.run(jobs)
        assert engine.ran_in_workers == len(jobs)
    assert there == here
    assert all(svg.startswith(b"<svg") for svg in here)


def test_cached_jobs_are_not_run_again(jobs, tmp_path):
    first = Engine(Cache(tmp_path / "c"), workers=1)
    done = first.run(jobs)
    again = Engine(Cache(tmp_path / "c"), workers=2, parallel_from=0)  # any job run would go to a worker
    assert again.run(jobs) == done
    assert again.ran_in_workers == 0
    again.close()


def test_a_little_work_runs_in_this_process(jobs):
    engine = Engine(Cache(None), workers=2)
    engine.run(jobs[:3])
    assert engine.ran_in_workers == 0 and engine._pool is None


def test_a_lagging_job_keeps_its_last_result_until_a_worker_remakes_it(jobs, tmp_path):
    """`serve`: the binder of the last build is served at once after a save, and replaced when ready."""
    first, second = jobs[0], jobs[1]
    late: list[tuple[str, bytes]] = []
    with Engine(Cache(tmp_path / "c"), workers=2) as engine:
        engine.keep_stale, engine.on_late = True, lambda slot, data: late.append((slot, data))
        [made] = engine.run_lagging([("binder.pdf", first)])  # nothing earlier: made now
        assert made == first.run() and engine.ran_in_workers == 0
        [shown] = engine.run_lagging([("binder.pdf", second)])
        assert shown == made  # the earlier result, at once
        engine.wait_lagging()
        assert late == [("binder.pdf", second.run())]
        [again] = engine.run_lagging([("binder.pdf", second)])  # now in the cache: fresh, nothing run
        assert again == second.run() and engine.ran_in_workers == 1


def test_without_keep_stale_a_lagging_job_is_run_as_usual(jobs):
    engine = Engine(Cache(None), workers=1)
    engine.run_lagging([("x", jobs[0])])
    assert engine.run_lagging([("x", jobs[1])]) == [jobs[1].run()]
