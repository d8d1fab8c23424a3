"""Pages at the old addresses of renamed pages, so that published links keep working.

`handbook rename` records each rename in handbook.yml (`redirects: {records/old.md: records/new.md}`,
page paths as the site's docs tree has them). Each becomes a small HTML page at the old page's URL
that sends the reader on (script first, to keep the #anchor; a meta refresh and a plain link
otherwise); a record's PDFs are served at their old names too. A redirect whose old address is a page
again, or whose target is no page (after following later renames), makes nothing.
"""

from __future__ import annotations

import html
import json
import posixpath
from collections.abc import Collection

Content = str | bytes
_COPIED = (".pdf", "-A4.pdf")  # downloads of a record that links may name directly


def _url(page: str, directory_urls: bool) -> str:
    """The URL path of a page (records/a.md → records/a/ or records/a.html), as MkDocs makes it."""
    stem = page[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/" if directory_urls else stem + ".html"


def _file_of(page: str, directory_urls: bool) -> str:
    url = _url(page, directory_urls)
    return url + "index.html" if url.endswith("/") or not url else url


def final_target(redirects: dict[str, str], files: Collection[str], old: str) -> str | None:
    """Where `old` ends up after following later renames, if that is a page in `files`."""
    seen, target = {old}, redirects[old]
    while target not in files and target in redirects and target not in seen:
        seen.add(target)
        target = redirects[target]
    return target if target in files else None


def page(href: str) -> str:
    link = html.escape(href, quote=True)
    return ("<!doctype html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n<title>页面已移动</title>\n"
            f"<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{link}\">\n"
            f"<script>location.replace({html.escape(json.dumps(href), quote=False)} + location.search + location.hash)</script>\n"
            f"<meta http-equiv=\"refresh\" content=\"0; url={link}\">\n</head>\n"
            f"<body>\n<p>本页已移到新的地址：<a href=\"{link}\">{link}</a></p>\n</body>\n</html>\n")


def redirect_pages(redirects: dict[str, str], files: dict[str, Content], directory_urls: bool) -> dict[str, Content]:
    """The redirect pages (and copied downloads) to add to the generated `files`."""
    out: dict[str, Content] = {}
    for old in sorted(redirects):
        if not old.endswith(".md") or old in files:
            continue
        target = final_target(redirects, files, old)
        if target is None or not target.endswith(".md"):
            continue
        here = _file_of(old, directory_urls)
        href = posixpath.relpath(_url(target, directory_urls) or ".", posixpath.dirname(here) or ".")
        if _url(target, directory_urls).endswith("/") or not _url(target, directory_urls):
            href += "/"
        out[here] = page(href)
        for suffix in _COPIED:
            new_file, old_file = target[:-3] + suffix, old[:-3] + suffix
            if new_file in files and old_file not in files:
                out[old_file] = files[new_file]
    return out
