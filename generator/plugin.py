"""The MkDocs plugin `handbook`: a thin shell that loads and checks the YAML, then adds the rendered
pages and files as generated files. Rendering itself lives in `generator.render` and knows no MkDocs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .pipeline import check
from .render import cache
from .render.nav import build_nav
from .render.search import search_dictionary
from .render.site import render_site

log = logging.getLogger("mkdocs.plugins.handbook")
_CHART_IMG = re.compile(r'<img\b[^>]*\bdata-chart="([a-z0-9-]+)"[^>]*>')


class HandbookConfig(Config):
    root = c.Optional(c.Dir(exists=True))  # the handbook folder; default: the folder of mkdocs.yml
    charts = c.Type(bool, default=True)
    pdfs = c.Type(bool, default=True)


class HandbookPlugin(BasePlugin[HandbookConfig]):
    supports_multiple_instances = False
    # `mkdocs serve` makes a new plugin for every rebuild but calls on_startup only once
    incremental = False

    def on_startup(self, *, command, dirty):
        HandbookPlugin.incremental = command == "serve" and dirty
        _memoize_jieba()

    def on_config(self, config):
        self.root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        checked = check(self.root)
        for p in checked.warnings:
            log.info("%s", p)  # warnings never fail a --strict build; the page shows them
        if checked.errors:
            for p in checked.errors:
                log.error("%s", p)
            raise PluginError(f"handbook check 发现 {len(checked.errors)} 个错误，未生成网站。请按上面各行的提示修改后重试。")
        self.checked = checked
        cache.directory = self.root / ".cache" / "handbook"
        self._configure_search(config, checked)
        self.generated = render_site(checked.handbook, checked.settings, charts=self.config.charts, pdfs=self.config.pdfs,
                                     directory_urls=config.use_directory_urls)
        if not config.nav:
            config.nav = build_nav(checked.handbook, self.generated, Path(config.docs_dir), checked.settings.categories)
        return config

    def _configure_search(self, config, checked) -> None:
        """Give Material's jieba segmentation our office terms plus every title and keyword in the YAML,
        so that "用印" or "借档案" stay one search token and a query for them matches."""
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is None or getattr(search.config, "jieba_dict_user", "unset") is not None:  # set by the user, or no jieba option
            return
        path = self.root / ".cache" / "handbook" / "jieba-user.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = search_dictionary(checked.handbook)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        search.config.jieba_dict_user = str(path)

    def on_files(self, files: Files, config) -> Files:
        out_dir = self.root / ".cache" / "handbook" / "pages"
        for path, content in self.generated.items():
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"docs/{path} 与生成的页面同名：请给手写页面改名。")
            if self.incremental:
                # written to disk only when changed, so `serve --dirty` rebuilds just the pages that changed
                files.append(_materialize(config, out_dir, path, content))
            else:
                files.append(File.generated(config, path, content=content))
        return files

    def on_post_page(self, output: str, page, config) -> str:
        """Swap the chart image for the inline SVG: clickable steps, lane links, text for screen readers.
        Done on the finished HTML so neither Markdown nor the search index has to read the SVG."""
        if 'data-chart="' not in output:
            return output

        def inline(match: re.Match) -> str:
            folder = page.file.src_uri.rsplit("/", 1)[0]
            svg = self.generated.get(f"{folder}/{match.group(1)}.svg")
            return svg if isinstance(svg, str) else match.group(0)

        return _CHART_IMG.sub(inline, output)

    def on_page_context(self, context, page, config, nav):
        """The "编辑此页" link opens the YAML a generated page comes from (handbook.yml edit_url, or the
        repository's edit address), never the generated Markdown, which is in no repository."""
        source = page.meta.get("handbook_source")
        if page.file.generated_by or source:
            base = self.checked.settings.edit_url
            if not base and config.repo_url:
                base = config.repo_url.rstrip("/") + "/" + (config.edit_uri or "edit/main/").strip("/").removesuffix("docs") + "/"
            page.edit_url = (base.rstrip("/") + "/" + source) if base and source else None
        return context

    def on_serve(self, server, config, builder):
        for folder in ("procedures", "records", "roles"):
            path = self.root / folder
            if path.is_dir():
                server.watch(str(path))
        if (self.root / "handbook.yml").exists():
            server.watch(str(self.root / "handbook.yml"))
        return server


def _materialize(config, out_dir: Path, path: str, content: str | bytes) -> File:
    target = out_dir / path
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        unchanged = target.read_bytes() == data
    except OSError:
        unchanged = False
    if not unchanged:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return File(path, str(out_dir), config.site_dir, config.use_directory_urls)


_jieba_memo: dict = {}


def _memoize_jieba() -> None:
    """Material segments every page's text with jieba on every build; unchanged text segments the
    same way, so `serve` remembers the answers."""
    try:
        import jieba
    except ImportError:
        return
    if getattr(jieba.cut, "_handbook_memo", False):
        return
    original = jieba.cut

    def cut(sentence, *args, **kwargs):
        if args or kwargs:
            return original(sentence, *args, **kwargs)
        hit = _jieba_memo.get(sentence)
        if hit is None:
            if len(_jieba_memo) > 500_000:
                _jieba_memo.clear()
            hit = _jieba_memo[sentence] = tuple(original(sentence))
        return iter(hit)

    cut._handbook_memo = True
    jieba.cut = cut
