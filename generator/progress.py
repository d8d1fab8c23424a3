"""What `handbook build` tells the person waiting: each phase in Chinese with its count and time, and
a progress bar on a terminal for the long phase (the pages MkDocs writes). -q keeps only the result,
-v adds detail. Without a reporter (plain `mkdocs build`) the plugin logs through MkDocs instead."""

from __future__ import annotations

import sys
import time
import unicodedata
from typing import TextIO

QUIET, NORMAL, VERBOSE = 0, 1, 2


class Reporter:
    def __init__(self, stream: TextIO | None = None, level: int = NORMAL, tty: bool | None = None):
        self.stream = stream or sys.stderr
        self.level = level
        self.tty = self.stream.isatty() if tty is None else tty
        self._bar: tuple[str, int, int, float] | None = None  # phase, done, total, last drawn

    def phase(self, name: str, seconds: float, detail: str = "") -> None:
        """One finished phase: `流程图   39 张   1.2 秒`."""
        if self.level < NORMAL:
            return
        self._clear_bar()
        print(f"{pad(name, 14)}{pad(detail, 34)}{seconds:6.1f} 秒", file=self.stream, flush=True)

    def detail(self, text: str) -> None:
        if self.level >= VERBOSE:
            self._clear_bar()
            print(f"  {text}", file=self.stream, flush=True)

    def start_bar(self, name: str, total: int) -> None:
        self._bar = (name, 0, total, 0.0)

    def step(self) -> None:
        if self._bar is None:
            return
        name, done, total, drawn = self._bar
        done += 1
        now = time.monotonic()
        if self.tty and self.level >= NORMAL and (now - drawn > 0.1 or done == total):
            width = 30
            filled = int(width * done / max(total, 1))
            self.stream.write(f"\r{name} [{'#' * filled}{'-' * (width - filled)}] {done}/{total}")
            self.stream.flush()
            drawn = now
        self._bar = (name, done, total, drawn)

    def _clear_bar(self) -> None:
        if self._bar is not None and self.tty and self._bar[1]:
            self.stream.write("\r" + " " * 60 + "\r")
        self._bar = None


def width(text: str) -> int:
    """Columns a terminal gives `text`: two for each Chinese character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(1, columns - width(text))


_current: Reporter | None = None


def use(reporter: Reporter | None) -> None:
    global _current
    _current = reporter


def current() -> Reporter | None:
    return _current
