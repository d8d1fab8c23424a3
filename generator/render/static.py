"""Files the package ships into every site as they are: the stylesheets and scripts (print CSS, the
search engine) under assets/handbook/, and the admin guide's pages under guide/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "site"
TEXT = (".md", ".css", ".js", ".txt", ".svg", ".html")
CSS = ["assets/handbook/handbook.css", "assets/handbook/forms.css"]
JS = ["assets/handbook/search.js", "assets/handbook/handbook.js"]
IFRAME_WORKER = "assets/handbook/iframe-worker-shim.js"  # for the offline (file://) site's search


@lru_cache(maxsize=1)
def _read() -> tuple[tuple[str, str | bytes], ...]:
    out = []
    for path in sorted(SITE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(SITE).as_posix()
            out.append((rel, path.read_text(encoding="utf-8") if path.suffix in TEXT else path.read_bytes()))
    return tuple(out)


def static_files() -> dict[str, str | bytes]:
    return dict(_read())


def missing_assets() -> list[str]:
    """Our own stylesheets and scripts that this installation lacks (a broken or partial install)."""
    have = {rel for rel, _ in _read()}
    return [a for a in CSS + JS if a not in have]
