"""The preview's collector: off while a rebuild runs, one collection once it is idle."""

import gc
import time
import weakref

from office_handbook import preview_gc


class _Cycle:
    def __init__(self):
        self.me = self


def _wait(predicate, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_a_rebuild_runs_without_the_collector_and_its_cycles_go_once_idle():
    try:
        preview_gc.pause()
        assert not gc.isenabled()

        ref = weakref.ref(_Cycle())  # garbage only a collection frees
        assert ref() is not None
        preview_gc.resume(delay=0.05)
        assert not gc.isenabled()  # not at once: the browser fetches the page first
        assert _wait(lambda: gc.isenabled())
        assert ref() is None
        assert gc.get_freeze_count() > 0  # what survived is skipped by the collections between rebuilds
    finally:
        preview_gc.stop()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_save_during_the_wait_puts_the_collection_after_the_next_rebuild():
    try:
        preview_gc.pause()
        preview_gc.resume(delay=0.2)
        preview_gc.pause()  # the next save
        time.sleep(0.4)
        assert not gc.isenabled()
        preview_gc.resume(delay=0.05)
        assert _wait(lambda: gc.isenabled())
    finally:
        preview_gc.stop()
