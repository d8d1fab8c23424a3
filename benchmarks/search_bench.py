"""The search benchmark: `python benchmarks/search_bench.py [N ...]` (default: 100 500 2000).

Builds a synthetic handbook of N procedures (charts and PDFs off: they play no part in search), serves
it over HTTP and, in a fresh headless Chromium each time (nothing cached), opens the home page with a
query in its address (`?q=`, as a search box link does) and waits for the first result. Prints, per N,
the index's size on disk and, for each query (median of RUNS), the milliseconds from navigation to the
first result on screen, the bytes of the search index fetched and of everything the page fetched.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from synth import make_handbook  # noqa: E402

from browser import browser, serve  # noqa: E402

RUNS = 3
QUERIES = ("盖章", "归档复印", "流程1234 审核")
# set before any page script runs: the moment the first result is in the list
FIRST_RESULT = """new MutationObserver((_, obs) => {
  if (document.querySelector('.md-search-result__item')) { window.__firstResult = performance.now(); obs.disconnect(); }
}).observe(document, {subtree: true, childList: true});"""


def build(n: int, root: Path) -> float:
    make_handbook(root, n)
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("  - handbook\n", "  - handbook:\n      charts: false\n      pdfs: false\n"),
                   encoding="utf-8")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "office_handbook.cli", "build", "--root", str(root), "-q"], check=True)
    return time.perf_counter() - t0


def measure(site: Path, query: str) -> tuple[float, float, int, int]:
    with serve(site) as base, browser() as b:
        times, loaded, search_bytes, all_bytes = [], [], [], []
        for _ in range(RUNS):
            context = b.new_context()
            page = context.new_page()
            page.add_init_script(FIRST_RESULT)
            sizes: list[tuple[str, int]] = []
            page.on("requestfinished", lambda req, sizes=sizes: sizes.append((req.url, req.sizes()["responseBodySize"])))
            page.goto(f"{base}/?q={quote(query)}")
            page.wait_for_function("window.__firstResult !== undefined", timeout=60000)
            times.append(page.evaluate("window.__firstResult"))
            loaded.append(page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"))
            page.wait_for_timeout(300)  # fetches still finishing for the result list's later items count too
            search_bytes.append(sum(s for u, s in sizes if "/search/" in u))
            all_bytes.append(sum(s for _, s in sizes))
            context.close()
    return statistics.median(times), statistics.median(loaded), int(statistics.median(search_bytes)), int(statistics.median(all_bytes))


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 500, 2000]
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        for n in sizes:
            root = Path(tmp) / f"n{n}"
            seconds = build(n, root)
            index = root / "site/search"
            on_disk = sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
            pages = len(list((root / "site").rglob("index.html")))
            print(f"N={n}: {pages} pages, built in {seconds:.0f} s; search index on disk {on_disk / 1e6:.1f} MB")
            for q in QUERIES:
                ms, dom_ms, search_b, all_b = measure(root / "site", q)
                print(f"  {q:10s} first result {ms:6.0f} ms (page ready at {dom_ms:4.0f} ms) · search index fetched {search_b / 1e3:5.0f} KB · "
                      f"page total {all_b / 1e3:7.0f} KB")


if __name__ == "__main__":
    main()
