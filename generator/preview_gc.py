"""The preview's garbage collection: none while a rebuild runs, one full collection once it is idle.

A `serve` process holds the whole handbook, MkDocs' pages and the render caches: hundreds of thousands
of objects. Python's collector walks all of them each time enough new objects have piled up, which
during a rebuild at N=500 happened three times and cost 0.8 s of a 4 s rebuild. A rebuild's garbage is
mostly freed by reference counting anyway, so the rebuild runs with the collector off; the cycles it
left are collected a moment after it ends, while the admin is reading the page, and what survives is
frozen so that the collector's runs between rebuilds skip it.
"""

from __future__ import annotations

import gc
import threading

IDLE_AFTER_S = 1.5  # after a rebuild: the browser has fetched the reloaded page by then

_timer: threading.Timer | None = None
_lock = threading.Lock()


def _cancel() -> None:
    global _timer
    if _timer is not None:
        _timer.cancel()
        _timer = None


def pause() -> None:
    """A rebuild begins: no collection until it ends (a collection due from the last one waits too)."""
    with _lock:
        _cancel()
        gc.disable()


def resume(delay: float = IDLE_AFTER_S) -> None:
    """A rebuild ended (or failed): collect, and turn the collector back on, once it has been idle for
    `delay` seconds (turned on now, it would collect at once, before the browser has the page)."""
    global _timer
    with _lock:
        _cancel()
        _timer = threading.Timer(delay, collect_idle)
        _timer.daemon = True
        _timer.start()


def collect_idle() -> None:
    """One full collection of everything, frozen objects included, then freeze what is left."""
    global _timer
    with _lock:
        if _timer is None:  # a rebuild started meanwhile (pause): it collects once it ends
            return
        _timer = None
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        gc.enable()


def stop() -> None:
    """The preview stops: the collector as it was."""
    with _lock:
        _cancel()
        gc.unfreeze()
        gc.enable()
