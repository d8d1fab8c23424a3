"""The site's search index, split so a browser loads only what a query needs.

Material's search sends the whole site's text to the browser, where lunr builds its index before the
first result: 25 MB for 2,000 procedures. Here the index is made once, at build time, from the
entries Material's search plugin collected (every page and section, hand-written pages too):

- `manifest.js`: every page's address, title, kind and code, the synonym dictionary and the number
  of shards (a few hundred KB at 2,000 pages);
- `s{k}.js`: the postings of the tokens whose hash falls in shard k: a query loads the few it needs;
- `d{i}.js`: page i's sections (title and the start of their text), for the results shown.

Tokens are what the browser can make from a query without a dictionary: each pair of neighbouring
Chinese characters (a lone character stands for itself) and each run of letters or digits. A token's
weight in a page adds up its fields: title, aliases (keywords and tags), headings, body. Files are
JavaScript (a call with the data), so the index also loads from disk in the offline build.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass

FIELD_WEIGHTS = {"title": 10.0, "aliases": 6.0, "headings": 2.0, "body": 1.0}
KINDS = ("procedure", "record", "role", "index", "policy", "guide", "home", "other")
SECTION_TEXT = 160  # characters of a section's text kept for the result list
VERSION = 1
SEARCH_FOLDER = "handbook"  # under the site's search/
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class PageInfo:
    """What the model knows of a page that the search should use: its kind, code and aliases."""

    kind: str
    code: str = ""
    aliases: tuple[str, ...] = ()


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits become half-width), lower case, no zero-width spaces
    (Material's jieba segmentation puts one between words)."""
    return unicodedata.normalize("NFKC", text).replace("\u200b", "").lower()


def tokens(text: str) -> list[str]:
    """The tokens of a text, as search.js makes them from a query."""
    text = normalize(text)
    out: list[str] = []
    for run in _HAN.findall(text):
        out.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
    out.extend(_WORD.findall(text))
    return out


def shard_of(token: str, shards: int) -> int:
    """crc32 of the UTF-8 bytes, as search.js computes it."""
    return zlib.crc32(token.encode("utf-8")) % shards


def plain(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", markup)).replace("\u200b", "")


def shard_count(pages: int) -> int:
    """About 8 pages of postings per shard, between 4 and 256 shards."""
    return max(4, min(256, 2 ** math.ceil(math.log2(max(1, pages / 8)))))


def _script(kind: str, name: str, data: object) -> str:
    return f"__hbSearch({json.dumps(kind)},{json.dumps(name)},{json.dumps(data, ensure_ascii=False, separators=(',', ':'))});\n"


def build_search_index(entries: list[dict], pages: dict[str, PageInfo], synonyms: list[tuple[str, list[str]]],
                       categories: list[tuple[str, str]]) -> dict[str, str]:
    """`entries`: Material's search entries ({location, title, text}, a page then its sections).
    `pages`: what the model says about a page, by its address. `categories`: (name, address) offered
    when a query finds nothing. Returns {file name: JavaScript} for the folder search/handbook/."""
    docs: list[dict] = []
    by_page: dict[str, int] = {}
    for e in entries:
        location = e.get("location", "")
        path, _, anchor = location.partition("#")
        title = plain(e.get("title", ""))
        text = " ".join(plain(e.get("text", "")).split())
        if path not in by_page:
            by_page[path] = len(docs)
            info = pages.get(path) or PageInfo(_kind_of(path))
            docs.append({"path": path, "title": title, "info": info, "sections": [], "headings": [], "body": [text]})
            continue
        doc = docs[by_page[path]]
        doc["headings"].append(title)
        doc["body"].append(text)
        if anchor:
            doc["sections"].append([anchor, title, text[:SECTION_TEXT]])
    shards = shard_count(len(docs))
    postings: list[dict[str, list[float]]] = [defaultdict(list) for _ in range(shards)]
    for i, doc in enumerate(docs):
        for tok, w in _weights(doc["title"], doc["info"].aliases, tuple(doc["headings"]), tuple(doc["body"])):
            postings[shard_of(tok, shards)][tok].extend((i, w))
    files = {f"s{k}.js": _script("shard", str(k), postings[k]) for k in range(shards)}
    for i, doc in enumerate(docs):
        files[f"d{i}.js"] = _script("doc", str(i), {"text": " ".join(doc["body"][0].split())[:SECTION_TEXT], "sections": doc["sections"]})
    manifest = {
        "version": VERSION, "shards": shards, "kinds": KINDS,
        "docs": [[d["path"], d["title"], KINDS.index(d["info"].kind), d["info"].code, "|".join(d["info"].aliases)] for d in docs],
        "synonyms": synonyms, "categories": categories,
    }
    files["manifest.js"] = _script("manifest", "", manifest)
    return files


@functools.lru_cache(maxsize=16384)  # `serve` rebuilds: an unchanged page is not tokenized again
def _weights(title: str, aliases: tuple[str, ...], headings: tuple[str, ...], body: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    """A page's tokens and their weights: the field's weight times 1 + log of the count, summed over fields."""
    weights: dict[str, float] = defaultdict(float)
    for field, texts in (("title", (title,)), ("aliases", aliases), ("headings", headings), ("body", body)):
        counts: dict[str, int] = defaultdict(int)
        for text in texts:
            for tok in tokens(text):
                counts[tok] += 1
        for tok, n in counts.items():
            weights[tok] += FIELD_WEIGHTS[field] * (1 + math.log(n))
    return tuple((tok, round(w, 1)) for tok, w in weights.items())


def _kind_of(path: str) -> str:
    if path in ("", "index.html"):
        return "home"
    head = path.split("/", 1)[0]
    return {"indexes": "index", "policies": "policy", "guide": "guide"}.get(head, "other")


def read_synonyms(text: str) -> list[tuple[str, list[str]]]:
    """The synonym file: one line per everyday phrase, then the handbook's words it means
    ("盖章 用印"); # starts a comment."""
    out = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            out.append((normalize(words[0]), [normalize(w) for w in words[1:]]))
    return sorted(out, key=lambda s: -len(s[0]))  # search.js takes the longest phrase first: 复印档案 before 复印


def page_infos(hb, directory_urls: bool) -> dict[str, PageInfo]:
    """Kind, code and aliases (keywords and tags) of every procedure, record and role page, by address."""
    from .context import procedure_page, record_page, role_page, site_url

    out: dict[str, PageInfo] = {}
    for p in hb.procedures.values():
        out[site_url(procedure_page(p), directory_urls)] = PageInfo("procedure", p.code, tuple(p.keywords) + tuple(p.tags))
    for r in hb.records.values():
        out[site_url(record_page(r), directory_urls)] = PageInfo("record", r.code, tuple(r.keywords))
    for role in hb.roles.values():
        out[site_url(role_page(role), directory_urls)] = PageInfo("role", "", tuple(role.keywords))
    return out


def category_locations(entries: list[dict], categories: list[str]) -> list[tuple[str, str]]:
    """(category, address of its heading on the home page), for a query that finds nothing."""
    home = {plain(e.get("title", "")): e["location"] for e in entries if e.get("location", "").startswith("#")}
    return [(c, home[c]) for c in categories if c in home]
