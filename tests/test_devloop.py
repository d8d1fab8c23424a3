"""The admin's loop as they live it: follow the guide literally, preview with `handbook serve`, and
an interrupted build leaves the previous site as it was."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, make_mini

pytestmark = pytest.mark.slow

ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def handbook(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "office_handbook.cli", *args], cwd=cwd, capture_output=True, text=True, env=ENV, timeout=600)


def copy_content(dst: Path) -> Path:
    for name in ("procedures", "records", "roles", "docs"):
        shutil.copytree(REPO / name, dst / name)
    for name in ("mkdocs.yml", "handbook.yml"):
        shutil.copy(REPO / name, dst / name)
    return dst


def test_the_editing_guide_followed_literally(tmp_path):
    """Every `handbook new …` command of the guide's editing page, run as written, gives files that pass
    `handbook check`, and the new procedure appears in the built site."""
    root = copy_content(tmp_path / "book")
    guide = (REPO / "generator/site/guide/editing.md").read_text(encoding="utf-8")
    commands = re.findall(r"^handbook (new [^#\n]+?)\s*(?:#.*)?$", guide, re.M)
    assert len(commands) >= 3
    for command in commands:
        r = handbook(*command.split(), cwd=root)
        assert r.returncode == 0, (command, r.stderr)
    r = handbook("check", cwd=root)
    assert r.returncode == 0, r.stdout + r.stderr
    new_proc = next(c.split()[2] for c in commands if c.startswith("new procedure"))
    r = handbook("build", "--site-dir", str(tmp_path / "site"), cwd=root)
    assert r.returncode == 0, r.stderr[-2000:]
    assert list((tmp_path / "site/procedures").glob(f"*/{new_proc}/index.html"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return ""


def test_serve_rebuilds_when_a_yaml_file_changes(tmp_path):
    """The preview prints its address, rebuilds on save, shows a failed check in the page (no endless
    wait), and comes back when the file is fixed; MkDocs' English dirty-build warning is not shown."""
    root = tmp_path / "book"
    make_mini(root)
    port = free_port()
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "office_handbook.cli", "serve", "--root", str(root), "-a", f"127.0.0.1:{port}"],
                            cwd=root, env=ENV, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/procedures/gongwen/shouwen/"
    path = root / "procedures/gongwen/shouwen.yaml"
    try:
        deadline = time.time() + 120
        while time.time() < deadline and "签收、登记" not in fetch(url):
            time.sleep(0.5)
        assert "签收、登记" in fetch(url), "serve did not come up"
        time.sleep(1.5)
        path = root / "procedures/gongwen/shouwen.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("name: 签收、登记", "name: 签收并登记来文"), encoding="utf-8")
        deadline = time.time() + 90
        while time.time() < deadline and "签收并登记来文" not in fetch(url):
            time.sleep(0.3)
        assert "签收并登记来文" in fetch(url)
        good = path.read_text(encoding="utf-8")
        time.sleep(1.5)
        path.write_text(good.replace("role: office-clerk", "role: office-clerkk", 1), encoding="utf-8")
        deadline = time.time() + 90
        while time.time() < deadline and "检查未通过" not in fetch(url):
            time.sleep(0.3)
        page = fetch(url)
        assert "检查未通过" in page and "E203" in page and "office-clerkk" in page
        time.sleep(1.5)
        path.write_text(good.replace("name: 签收并登记来文", "name: 签收后登记来件"), encoding="utf-8")
        deadline = time.time() + 90
        while time.time() < deadline and "签收后登记来件" not in fetch(url):
            time.sleep(0.3)
        page = fetch(url)
        assert "签收后登记来件" in page and "检查未通过" not in page
    finally:
        workers = _descendants(proc.pid)
        proc.terminate()  # SIGTERM, as a service manager or a benchmark stops it
        proc.wait(timeout=30)
        log.seek(0)
        output = log.read()
        log.close()
    assert f"预览地址：http://127.0.0.1:{port}/" in output
    assert "dirty" not in output and "Traceback" not in output, output
    deadline = time.time() + 15
    while time.time() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    assert not [w for w in workers if _alive(w)], "worker processes outlived the stopped preview"


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc), workers and the forkserver's children included."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_interrupted_build_leaves_the_previous_site(tmp_path):
    root = tmp_path / "book"
    make_mini(root)
    assert handbook("build", cwd=root).returncode == 0
    before = sorted((p.relative_to(root / "site").as_posix(), p.read_bytes()) for p in (root / "site").rglob("*") if p.is_file())
    (root / "procedures/gongwen/shouwen.yaml").write_text(
        (root / "procedures/gongwen/shouwen.yaml").read_text(encoding="utf-8").replace("title: 收文", "title: 收文（新）"), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "office_handbook.cli", "build"], cwd=root, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not list(root.glob(".site.building-*")) and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)  # what Ctrl+C does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in err
    after = sorted((p.relative_to(root / "site").as_posix(), p.read_bytes()) for p in (root / "site").rglob("*") if p.is_file())
    assert after == before
    assert not list(root.glob(".site.*"))


def test_serve_starts_with_a_broken_file_and_shows_the_problems(tmp_path):
    root = tmp_path / "book"
    make_mini(root)
    path = root / "procedures/gongwen/shouwen.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("role: office-clerk", "role: office-clerkk", 1), encoding="utf-8")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "office_handbook.cli", "serve", "--root", str(root), "-a", f"127.0.0.1:{port}"],
                            cwd=root, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 120
        while time.time() < deadline and "检查未通过" not in fetch(url):
            time.sleep(0.5)
        page = fetch(url)
        assert "检查未通过" in page and "office-clerkk" in page
        time.sleep(1.5)
        path.write_text(good, encoding="utf-8")
        deadline = time.time() + 90
        while time.time() < deadline and "签收、登记" not in fetch(url + "procedures/gongwen/shouwen/"):
            time.sleep(0.3)
        assert "签收、登记" in fetch(url + "procedures/gongwen/shouwen/")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
