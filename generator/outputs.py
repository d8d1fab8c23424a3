"""The one writer of output: where a command may write, and how a finished folder replaces an old one.

Every command that writes (build, gen, serve, the plugin's site_dir, codeowners, schema, new) asks
here first. A target is refused when it is the handbook itself or a folder above it, when it is or
contains an input (procedures/, records/, roles/, the docs folder, handbook.yml, mkdocs.yml, .git),
when it is a file where a folder is wanted, or when its parent is missing. A folder is replaced only
when it is missing, empty, or carries the marker a previous run wrote (an older site of ours,
recognisable by its content, is accepted once); anything else might be somebody's only copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

MARKER = ".handbook-output"
INPUT_NAMES = ("procedures", "records", "roles", "docs", "handbook.yml", "mkdocs.yml", ".git")


class OutputRefused(Exception):
    """A target that a command will not write to; the message says why and what to do, in Chinese."""


def absolute(path: Path | str, base: Path | None = None) -> Path:
    """The path as the filesystem sees it (symlinks followed), without requiring it to exist."""
    p = Path(path).expanduser()
    if not p.is_absolute():
        p = (base or Path.cwd()) / p
    return Path(os.path.realpath(p))


def inputs_of(root: Path, docs_dir: Path | None = None, config_file: Path | None = None) -> list[Path]:
    """Every path a handbook reads (or keeps in version control): none of them may be written over."""
    root = absolute(root)
    paths = [root / name for name in INPUT_NAMES]
    if docs_dir is not None:
        paths.append(absolute(docs_dir, root))
    if config_file is not None:
        paths.append(absolute(config_file, root))
    return paths


def _show(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root).as_posix()
        return rel if rel != "." else "手册目录"
    except ValueError:
        return str(path)


def _refuse_overlap(target: Path, root: Path, inputs: Iterable[Path], what: str, instead: str = "请换一个目录，如 site/") -> None:
    shown = _show(target, root)
    if target == root:
        raise OutputRefused(f"{what}就是手册目录本身（{root}）：写到这里会弄乱或删掉手册的内容。{instead}。")
    if root.is_relative_to(target):
        raise OutputRefused(f"{what} {target} 是手册目录的上级目录：写到这里会删掉整个手册。{instead}。")
    for item in inputs:
        if target == item or target.is_relative_to(item):
            raise OutputRefused(f"{what} {shown} 是手册的输入 {_show(item, root)}（或在其中）：输出不能与输入重叠，{instead}。")
        if item.is_relative_to(target) and item.exists():
            raise OutputRefused(f"{what} {shown} 包含手册的输入 {_show(item, root)}：输出不能与输入重叠，{instead}。")


def looks_like_old_output(folder: Path) -> bool:
    """A folder an earlier version of the tool wrote before it left a marker: a built site, or gen's tree."""
    site = (folder / "index.html").is_file() and (folder / "search" / "search_index.json").is_file() and (folder / "indexes").is_dir()
    gen = any((base / "index.md").is_file() and (base / "guide" / "error-codes.md").is_file() for base in (folder, folder / "docs"))
    return site or gen


def is_ours(folder: Path) -> bool:
    return (folder / MARKER).is_file() or looks_like_old_output(folder)


def check_folder(target: Path | str, root: Path, inputs: Iterable[Path], what: str = "输出目录") -> Path:
    """The absolute folder to write, or OutputRefused. The folder itself is not touched."""
    root = absolute(root)
    target = absolute(target)
    _refuse_overlap(target, root, inputs, what)
    shown = _show(target, root)
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise OutputRefused(f"{what} {shown} 已存在，但它是文件而不是目录：请换一个目录名，或先把该文件移走。")
        if any(target.iterdir()) and not is_ours(target):
            raise OutputRefused(f"{what} {shown} 已存在且不是空目录，也不是 handbook 生成的（其中没有 {MARKER} 标记）："
                                "为免删掉其中的文件，未写出。请换一个目录，或先手动清空它。")
    elif not target.parent.is_dir():
        raise OutputRefused(f"{what} {shown} 的上级目录 {target.parent} 不存在：请先创建它，或换一个目录。")
    return target


def check_file(target: Path | str, root: Path, inputs: Iterable[Path], owned: Callable[[str], bool],
               what: str = "输出文件", *, make_parent: bool = False) -> Path:
    """The absolute file to write, or OutputRefused. An existing file is replaced only when `owned`
    says of its text that an earlier run of ours wrote it (the header this tool writes)."""
    root = absolute(root)
    target = absolute(target)
    _refuse_overlap(target, root, inputs, what, "请用 --out 写到别的文件")
    shown = _show(target, root)
    if target.is_dir():
        raise OutputRefused(f"{what} {shown} 是一个目录：请指定文件名。")
    if target.exists():
        try:
            text = target.read_bytes()[:4096].decode("utf-8-sig", errors="replace")
        except OSError as exc:
            raise OutputRefused(f"无法读取已有的 {shown}：{exc.strerror}。") from None
        if not owned(text):
            raise OutputRefused(f"{shown} 已存在，且不是 handbook 生成的：为免覆盖其中的内容，未写出。"
                                "请用 --out 写到别的文件，或先把原文件改名后重试。")
    if not make_parent and not target.parent.is_dir():
        raise OutputRefused(f"{what} {shown} 的上级目录 {target.parent} 不存在：请先创建它，或换一个路径。")
    existing = next(p for p in target.parents if p.exists() or p.is_symlink())
    if not existing.is_dir():
        raise OutputRefused(f"{what} {shown} 的上级 {_show(existing, root)} 是文件而不是目录：请换一个路径。")
    return target


def write_marker(folder: Path, kind: str) -> None:
    from . import __version__

    (folder / MARKER).write_text(json.dumps({"tool": "office-handbook", "kind": kind, "version": __version__}) + "\n",
                                 encoding="utf-8")


@contextlib.contextmanager
def no_interrupt() -> Iterator[None]:
    """Hold Ctrl+C (SIGINT) for a few statements that must not be cut in half; it is delivered after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def staging(final: Path, kind: str) -> Iterator[Path]:
    """A temporary folder beside `final` to build into; on success it carries the marker and replaces
    `final` (which `check_folder` has accepted); on any failure it is removed and `final` is untouched."""
    with no_interrupt():  # Ctrl+C waits until the temporary folder is known, so it is always removed
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.building-", dir=final.parent))
    try:
        yield tmp
        write_marker(tmp, kind)
        _swap_into_place(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _swap_into_place(new: Path, target: Path) -> None:
    """Replace `target` with the finished folder `new`; the old one is removed only afterwards.
    The two renames happen with Ctrl+C held, so there is always a complete folder in place."""
    old = None
    with no_interrupt():
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            target.rename(old)
        try:
            new.rename(target)
        except OSError:
            if old is not None:
                old.rename(target)
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_tree(files: Mapping[str, str | bytes], folder: Path) -> None:
    """Write `{relative path: content}` below `folder` (a fresh staging folder); paths never leave it."""
    base = absolute(folder)
    for rel, content in files.items():
        target = absolute(base / rel)
        if not target.is_relative_to(base) or target == base:
            raise OutputRefused(f"生成的文件路径 {rel} 不在输出目录内：这是 handbook 的错误，请报告。")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def write_file(target: Path, text: str) -> None:
    """Write a file that `check_file` has accepted: to a temporary file first, then renamed over it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def create_file(target: Path, text: str) -> None:
    """Write a new file; never replaces one that exists (exclusive create)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except FileExistsError:
        raise OutputRefused(f"{target} 已存在：未覆盖。请换一个 id，或先把原文件改名。") from None
