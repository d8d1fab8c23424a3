"""The wheel works for an office that is not this repository: build it, carry it and every dependency
to a machine as a wheelhouse (the offline install route of the deployment guide), install with
--no-index into a fresh venv, `handbook init` in an empty folder, check, build, and open the site in
Chromium: theme, our stylesheets, Chinese search and a chart."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

from browser import browser, serve
from conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def sh(*args, cwd: Path | None = None, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    r = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{args}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed offline from a wheelhouse; returns its bin folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    wheels = tmp / "wheelhouse"
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, REPO)
    wheel = next(wheels.glob("office_handbook-*.whl"))
    top = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert top == {"office_handbook", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"}, top
    # the offline route: every dependency as a wheel, made once on a machine with internet (jieba is
    # published only as source, so `pip wheel` rather than `pip download`), then installed with --no-index
    sh(sys.executable, "-m", "pip", "wheel", "-q", "-w", wheels, "-c", REPO / "constraints.txt", wheel)
    venv = tmp / "venv"
    sh(sys.executable, "-m", "venv", venv)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    sh(bin_dir / "python", "-m", "pip", "install", "-q", "--no-index", "--find-links", wheels, "office-handbook")
    return bin_dir


def test_wheel_to_site(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{installed}{os.pathsep}{env.get('PATH', '')}"
    book = tmp_path / "acme"
    book.mkdir()
    sh(installed / "handbook", "init", "--org", "某某有限公司", "--office", "综合办公室", cwd=book, env=env)
    assert "office_handbook" not in (book / "procedures/xingzheng/yongpin-shenling.yaml").read_text(encoding="utf-8")
    r = sh(installed / "handbook", "check", cwd=book, env=env)
    assert "检查通过" in r.stderr
    sh(installed / "handbook", "build", "-q", cwd=book, env=env)
    site = book / "site"
    with serve(site) as url, browser() as b:
        page = b.new_page()
        page.goto(f"{url}/procedures/xingzheng/yongpin-shenling/")
        assert page.query_selector(".md-header") is not None  # Material's theme
        assert page.query_selector(".hb-chart svg") is not None  # the chart, inlined
        sheets = page.evaluate("[...document.styleSheets].map(s => s.href || '')")
        assert any("assets/handbook/handbook.css" in s for s in sheets), sheets
        page.goto(f"{url}/?q={quote('办公用品')}")
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        hits = page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link", "els => els.map(e => e.href)")
        assert any("yongpin-shenling" in h or "supplies-requisition" in h for h in hits[:2]), hits[:3]
        page.close()


def test_example_from_the_wheel(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    book = tmp_path / "ex"
    sh(installed / "handbook", "init", book, "--example", env=env)
    assert len(list(book.glob("procedures/**/*.yaml"))) >= 30
    sh(installed / "handbook", "check", "--root", book, env=env)
