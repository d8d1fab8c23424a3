"""The preview benchmark: `python benchmarks/serve_bench.py [shipped] [N ...]` (default: shipped 500).

Starts `handbook serve` on a copy (the shipped example handbook, or a synthetic one of N procedures),
then saves one procedure several times, a title edit (the page, its neighbours, the nav and the
indexes change) and a details edit (one page changes), and prints for each the seconds from the save
to the served page showing the new text: min / median / max. Saves are SPACING seconds apart, as an
admin edits, so the binder and workbooks remade in the background after one save are part of what
the next save competes with.
"""

from __future__ import annotations

import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import ENV, PY, fetch, free_port  # noqa: E402
from synth import make_handbook  # noqa: E402

REPO = HERE.parent
SAVES = 4
SPACING = 8.0


def shipped_copy(root: Path) -> Path:
    ignore = shutil.ignore_patterns(".git", ".cache", "site", "build", "*.egg-info", "benchmarks", "tests", "generator")
    shutil.copytree(REPO, root, ignore=ignore)
    return root


def wait_for(url: str, text: str, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in (fetch(url) or ""):
            return time.perf_counter() - start
        time.sleep(0.05)
    return float("nan")


def measure(root: Path, yaml: str, page: str, edits: dict[str, str]) -> dict[str, list[float]]:
    """`edits`: per kind, the start of a YAML line ("key: text") that a marker is put after; the
    page must then show the marker. The first edit's text tells when the site is up."""
    port = free_port()
    proc = subprocess.Popen([PY, "-m", "office_handbook.cli", "serve", "--root", str(root), "-a", f"127.0.0.1:{port}"],
                            cwd=root, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/{page}"
    path = root / yaml
    original = path.read_text(encoding="utf-8")
    first = next(iter(edits.values())).split(": ", 1)[1]
    times: dict[str, list[float]] = {kind: [] for kind in edits}
    try:
        if math.isnan(wait_for(url, first, 900)):
            raise RuntimeError(f"{url} 未能打开")
        time.sleep(SPACING)  # the first build's background jobs
        for i in range(SAVES):
            for kind, line in edits.items():
                marker = f"改{kind}{i}"
                assert line in original, line
                path.write_text(original.replace(line, line + marker, 1), encoding="utf-8")
                times[kind].append(wait_for(url, marker, 300))
                time.sleep(SPACING)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        path.write_text(original, encoding="utf-8")
    return times


def main() -> None:
    which = sys.argv[1:] or ["shipped", "500"]
    with tempfile.TemporaryDirectory(prefix="handbook-serve-") as tmp:
        for name in which:
            if name == "shipped":
                root = shipped_copy(Path(tmp) / "shipped")
                times = measure(root, "procedures/yinzhang/yongyin.yaml", "procedures/yinzhang/yongyin/",
                                {"title": "title: 用印", "details": "purpose: 确保印章使用安全"})
            else:
                root = make_handbook(Path(tmp) / f"hb{name}", int(name))
                times = measure(root, "procedures/cat0/proc-0.yaml", "procedures/cat0/proc-0/",
                                {"title": "title: 流程0", "details": "purpose: 测试流程"})
            for kind, values in times.items():
                print(f"{name:>8} {kind:8} save → page s: min {min(values):.1f} / median {statistics.median(values):.1f} "
                      f"/ max {max(values):.1f}  ({', '.join(f'{v:.1f}' for v in values)})", flush=True)


if __name__ == "__main__":
    main()
