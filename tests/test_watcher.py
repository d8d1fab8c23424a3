"""The preview's watcher hears a save at once, never a read, and polls when system events fail."""

import time

from watchdog.events import FileSystemEventHandler

from office_handbook.watcher import Watcher


def _watch(watcher: Watcher, folder) -> list:
    seen: list = []
    handler = FileSystemEventHandler()
    handler.on_any_event = lambda event: None if event.is_directory else seen.append(event)
    watcher.schedule(handler, str(folder), recursive=True)
    return seen


def _until(predicate, timeout=5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_a_read_is_no_change_and_a_save_is(tmp_path):
    (tmp_path / "shouwen.yaml").write_text("id: shouwen\n", encoding="utf-8")
    watcher = Watcher()
    seen = _watch(watcher, tmp_path)
    watcher.start()
    try:
        time.sleep(0.3)
        (tmp_path / "shouwen.yaml").read_bytes()  # as every rebuild does with every file
        time.sleep(0.5)
        assert seen == [], seen  # a rebuild would set off another, for ever
        (tmp_path / "shouwen.yaml").write_text("id: shouwen\ntitle: 收文\n", encoding="utf-8")
        assert _until(lambda: seen)
    finally:
        watcher.stop()
        watcher.join()


def test_when_system_events_fail_it_polls(tmp_path, monkeypatch):
    watcher = Watcher(poll_s=0.05)
    if not watcher.native:
        return  # this system polls anyway (the first test covers it)
    seen = _watch(watcher, tmp_path)

    def fail():
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watcher._active, "start", fail)
    watcher.start()
    try:
        assert not watcher.native
        (tmp_path / "fawen.yaml").write_text("id: fawen\n", encoding="utf-8")
        assert _until(lambda: seen)
    finally:
        watcher.stop()
        watcher.join()
