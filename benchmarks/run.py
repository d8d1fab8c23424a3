"""The scale benchmark: `python benchmarks/run.py [N ...]` (default 100 500 2000) prints a table.

For each N it generates a synthetic handbook (benchmarks/synth.py) and measures, each in a fresh
process: `handbook check` (wall time, peak memory), `handbook gen` (cold cache), `handbook build`
split into load / check / render (charts, PDFs, pages) / MkDocs, cold and warm (cache kept), the same
site's Markdown built by bare MkDocs Material without our plugin (ratio ours ÷ bare), and the time
from saving one YAML file to the rebuilt page in `serve`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from synth import make_handbook  # noqa: E402

PY = sys.executable
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")

BUILD_SCRIPT = """
import json, sys, time
from office_handbook import timing
from office_handbook.cli import main
t = time.perf_counter()
code = main(["build", "--root", sys.argv[1], "--site-dir", sys.argv[2]])
total = time.perf_counter() - t
print(json.dumps({"code": code, "total": total, **timing.last}))
"""


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MiB and stdout of a command in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed")
    return wall, usage.ru_maxrss // 1024, out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def serve_reload(root: Path) -> float:
    """Start `mkdocs serve`, change one procedure's title, time until the served page shows it."""
    port = free_port()
    proc = subprocess.Popen([PY, "-m", "office_handbook.cli", "serve", "--root", str(root), "-a", f"127.0.0.1:{port}"], cwd=root, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/procedures/cat0/proc-0/"
        deadline = time.time() + 900
        while time.time() < deadline and (fetch(url) or "").find("流程0") < 0:
            time.sleep(0.5)
        time.sleep(2)  # let the watcher settle
        path = root / "procedures/cat0/proc-0.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("title: 流程0", "title: 改过的流程0"), encoding="utf-8")
        start = time.perf_counter()
        while time.perf_counter() - start < 600:
            if "改过的流程0" in (fetch(url) or ""):
                return time.perf_counter() - start
            time.sleep(0.05)
        return float("nan")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        path = root / "procedures/cat0/proc-0.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("title: 改过的流程0", "title: 流程0"), encoding="utf-8")


def bare_mkdocs(root: Path, work: Path) -> float:
    """The same generated Markdown (and assets) built by MkDocs Material without our plugin."""
    gen = work / f"gen-bare-{root.name}"
    run([PY, "-m", "office_handbook.cli", "gen", "--root", str(root), "--out", str(gen)])
    bare = work / f"bare-{root.name}"
    shutil.copytree(root / "docs", bare / "docs")
    shutil.copytree(gen, bare / "docs", dirs_exist_ok=True)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("  - handbook\n", "")
    (bare / "mkdocs.yml").write_text(config, encoding="utf-8")
    wall, _, _ = run([PY, "-m", "mkdocs", "build", "-q", "-d", str(work / f"bare-site-{root.name}")], cwd=bare)
    return wall


def measure(n: int, work: Path, with_serve: bool) -> dict:
    root = make_handbook(work / f"hb{n}", n)
    row: dict = {"N": n, "files": sum(1 for _ in root.rglob("*.yaml"))}
    row["check_s"], row["check_mib"], _ = run([PY, "-m", "office_handbook.cli", "check", "--root", str(root)])
    shutil.rmtree(root / ".cache", ignore_errors=True)
    row["gen_s"], _, _ = run([PY, "-m", "office_handbook.cli", "gen", "--root", str(root), "--out", str(work / f"gen{n}")])
    for label in ("cold", "warm"):
        if label == "cold":
            shutil.rmtree(root / ".cache", ignore_errors=True)
        wall, mib, out = run([PY, "-c", BUILD_SCRIPT, str(root), str(work / f"site{n}")])
        t = json.loads(out.strip().splitlines()[-1])
        render = t.get("render: charts", 0) + t.get("render: forms and PDFs", 0) + t.get("render: pages", 0)
        row[f"build_{label}"] = {"wall": wall, "total": t["total"], "load": t.get("load", 0), "check": t.get("check", 0),
                                 "charts": t.get("render: charts", 0), "pdfs": t.get("render: forms and PDFs", 0),
                                 "pages": t.get("render: pages", 0),
                                 "mkdocs": t["total"] - t.get("load", 0) - t.get("check", 0) - render, "mib": mib}
    row["bare_s"] = bare_mkdocs(root, work)
    row["ratio_cold"] = row["build_cold"]["wall"] / row["bare_s"]
    row["ratio_warm"] = row["build_warm"]["wall"] / row["bare_s"]
    row["serve_s"] = serve_reload(root) if with_serve else None
    return row


def table(rows: list[dict]) -> str:
    head = ("| N | YAML files | check s (MiB) | gen s | build cold s: load / check / charts / PDFs / pages / MkDocs | build warm s "
            "| bare MkDocs s | ours ÷ bare (cold / warm) | serve: save → page s |")
    lines = [head, "|" + "---|" * 9]
    for r in rows:
        c, w = r["build_cold"], r["build_warm"]
        serve = f"{r['serve_s']:.1f}" if r["serve_s"] is not None else "—"
        lines.append(f"| {r['N']} | {r['files']} | {r['check_s']:.2f} ({r['check_mib']}) | {r['gen_s']:.1f} "
                     f"| {c['wall']:.1f}: {c['load']:.1f} / {c['check']:.1f} / {c['charts']:.1f} / {c['pdfs']:.1f} / {c['pages']:.1f} / {c['mkdocs']:.1f} "
                     f"| {w['wall']:.1f} | {r['bare_s']:.1f} | {r['ratio_cold']:.2f} / {r['ratio_warm']:.2f} | {serve} |")
    return "\n".join(lines)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 500, 2000]
    rows = []
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as tmp:
        for n in sizes:
            row = measure(n, Path(tmp), with_serve=n <= 500)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(table(rows))


if __name__ == "__main__":
    main()
