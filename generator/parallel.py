"""Worker processes that are safe to start whatever this process is doing.

Work goes to workers as picklable data (module-level functions and plain objects), so every start
method works. Forking is the cheapest, but a child forked while another thread holds a lock
(Typst's and wasmtime's native threads, `serve`'s HTTP thread) can hang forever: fork is used only on
Linux while this process has one thread; otherwise forkserver (POSIX) or spawn (Windows, macOS)."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor


def _single_threaded() -> bool:
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False  # threads cannot be counted: assume there are some


def start_method() -> str:
    methods = mp.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and _single_threaded():
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def ignore_interrupt(nice: int = 0) -> None:
    """Workers leave Ctrl+C to the parent, which cleans up and says so once (no trace from each worker).
    A worker for background jobs also yields the processor to the work someone is waiting for."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if nice and hasattr(os, "nice"):
        os.nice(nice)


def _die_with_parent() -> None:
    """Linux: the worker is ended when the process that started it ends, however it ends (a `serve`
    stopped with SIGTERM or SIGKILL left its workers waiting for work forever)."""
    if sys.platform != "linux":
        return
    import ctypes

    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the call
        os._exit(0)


def pool(workers: int, method: str | None = None, nice: int = 0) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method or start_method()),
                               initializer=ignore_interrupt, initargs=(nice,))
