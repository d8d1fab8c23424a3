"""The preview's file watcher: the system's file events where it has them, else polling.

MkDocs polls the watched folders every 0.5 s (we asked for 0.1 s), and waits for 0.1 s without
changes before it rebuilds: a save waited about 0.2 s before its rebuild began, and at N=500 each
poll took 6 ms of the interpreter while the rebuild ran. With inotify (Linux), FSEvents (macOS) or
ReadDirectoryChangesW (Windows) the change is heard at once; when they cannot be used (the inotify
watch limit, a network drive), the watcher polls as before.
"""

from __future__ import annotations

import logging

POLL_S = 0.1  # when polling
CHANGES: list[type] = []  # the events that are changes (filled on first use: watchdog is imported late)
QUIET_S = 0.05  # without further changes before the rebuild begins (an editor's save is a burst of events)

log = logging.getLogger("mkdocs.plugins.handbook")


def _changes() -> list[type]:
    from watchdog import events as e

    return [e.FileCreatedEvent, e.FileDeletedEvent, e.FileModifiedEvent, e.FileMovedEvent, e.FileClosedEvent,
            e.DirCreatedEvent, e.DirDeletedEvent, e.DirMovedEvent]


class Watcher:
    """What MkDocs' LiveReloadServer uses of a watchdog observer: schedule, unschedule, start, stop, join."""

    def __init__(self, poll_s: float = POLL_S) -> None:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        global CHANGES
        CHANGES = CHANGES or _changes()
        self._polling = PollingObserver(timeout=poll_s)
        self._active = Observer() if Observer is not PollingObserver else self._polling
        self._scheduled: list[tuple[object, str, bool]] = []

    @property
    def native(self) -> bool:
        return self._active is not self._polling

    def schedule(self, handler, path: str, recursive: bool = False):
        self._scheduled.append((handler, path, recursive))
        if not self.native:
            return self._active.schedule(handler, path, recursive=recursive)
        # inotify also tells of files opened and closed unchanged: every rebuild reads every YAML file,
        # and MkDocs would take each read for a change and rebuild again, for ever
        return self._active.schedule(handler, path, recursive=recursive, event_filter=CHANGES)

    def unschedule(self, watch) -> None:
        self._scheduled = [s for s in self._scheduled if (s[1], s[2]) != (watch.path, watch.is_recursive)]
        self._active.unschedule(watch)

    def start(self) -> None:
        try:
            self._active.start()
        except OSError as exc:
            if not self.native:
                raise
            log.info("系统文件通知不可用（%s），改为每 %.1f 秒检查一次文件。", exc, self._polling.timeout)
            try:
                self._active.stop()
            except Exception:  # it never started
                pass
            self._active = self._polling
            for handler, path, recursive in self._scheduled:
                self._polling.schedule(handler, path, recursive=recursive)
            self._polling.start()

    def stop(self) -> None:
        self._active.stop()

    def join(self, timeout: float | None = None) -> None:
        self._active.join(timeout)


def use_in_mkdocs() -> None:
    """MkDocs' preview server gets this watcher and the shorter quiet time (once per process)."""
    from mkdocs import livereload

    server = livereload.LiveReloadServer
    if getattr(server.__init__, "_handbook", False):
        return
    original = server.__init__

    def init(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        self.observer = Watcher()
        self.build_delay = QUIET_S

    init._handbook = True  # type: ignore[attr-defined]
    server.__init__ = init
