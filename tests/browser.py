"""Real headless Chromium (Debian's) driven by Playwright, and a localhost server for a built site."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]


def require_chromium() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed: .ci/run installs it (apt-get install chromium fonts-wqy-microhei)")
        pytest.skip("没有安装 Debian 的 chromium，跳过浏览器测试（CI=true 时算失败）：sudo apt-get install chromium fonts-wqy-microhei")
    return CHROMIUM


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(directory: Path):
    handler = functools.partial(_Quiet, directory=str(directory))
    socketserver.TCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            httpd.shutdown()


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    exe = require_chromium()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=ARGS)
        try:
            yield b
        finally:
            b.close()


# How a page's flowchart sits in its frame: the frame's width and scroll width, the smallest label as
# drawn on screen (its font size times the SVG's scale), and whether the scroll hint shows.
CHART_FIT_JS = """() => {
  const frame = document.querySelector('.hb-chart');
  const svg = frame && frame.querySelector('svg');
  if (!svg) return null;
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize));
  const hint = document.querySelector('.hb-chart-scroll');
  return {frame: frame.clientWidth, scroll: frame.scrollWidth, smallest: Math.min(...sizes) * scale,
          hint: hint ? getComputedStyle(hint).display !== 'none' : false, page: document.documentElement.scrollWidth,
          full: hint && hint.querySelector('a') ? hint.querySelector('a').href : null};
}"""
