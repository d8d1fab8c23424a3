"""Shared helpers: small fixture handbooks copied to a temp dir, and the CLI run in-process."""

from __future__ import annotations

import functools
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from office_handbook.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.out.splitlines() if line.strip()]


class Book:
    """A fixture handbook in a temp dir that a test may break."""

    def __init__(self, root: Path, capsys):
        self.root = root
        self._capsys = capsys

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str | bytes) -> Path:
        p = self.path(rel)
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
        return p

    def replace(self, rel: str, old: str, new: str, count: int = 1) -> None:
        text = self.read(rel)
        assert old in text, f"{old!r} not in {rel}"
        self.write(rel, text.replace(old, new, count))

    def line_of(self, rel: str, needle: str, nth: int = 1) -> int:
        seen = 0
        for i, line in enumerate(self.read(rel).splitlines(), 1):
            if needle in line:
                seen += 1
                if seen == nth:
                    return i
        raise AssertionError(f"{needle!r} not in {rel}")

    def run(self, *args: str) -> Run:
        self._capsys.readouterr()
        code = main([*args, "--root", str(self.root)] if args and args[0] not in ("--help",) else list(args))
        captured = self._capsys.readouterr()
        return Run(code, captured.out, captured.err)


def make_mini(root: Path) -> Path:
    """The small fixture handbook at `root`, with the repository's own mkdocs.yml."""
    shutil.copytree(FIXTURES / "mini", root, ignore=shutil.ignore_patterns("site", ".cache"))
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture
def book(tmp_path, capsys) -> Book:
    return Book(make_mini(tmp_path / "book"), capsys)


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory) -> Path:
    """The shipped example handbook, built once per test session (read-only for the tests)."""
    out = tmp_path_factory.mktemp("shipped") / "site"
    assert main(["build", "--root", str(REPO), "--site-dir", str(out)]) == 0
    return out


@functools.cache
def shipped_checked():
    """The shipped example handbook, loaded and checked once, when a test first needs it (never at import)."""
    from office_handbook.pipeline import check

    return check(REPO)


class Lazy:
    """A module-level name for something computed on first use, so collecting tests stays cheap."""

    def __init__(self, make):
        self._make = make

    def __getattr__(self, name):
        return getattr(self._make(), name)


SHIPPED = Lazy(shipped_checked)
SHIPPED_HB = Lazy(lambda: shipped_checked().handbook)
