"""The MkDocs plugin `handbook`: a thin shell that loads and checks the YAML, then adds the rendered
pages and files as generated files. Rendering itself lives in `generator.render` and knows no MkDocs."""

from __future__ import annotations

import logging
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


class HandbookConfig(Config):
    root = c.Optional(c.Dir(exists=True))  # the handbook folder; default: the folder of mkdocs.yml
    charts = c.Type(bool, default=True)
    pdfs = c.Type(bool, default=True)


class HandbookPlugin(BasePlugin[HandbookConfig]):
    supports_multiple_instances = False

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
        for path, content in self.generated.items():
            if files.get_file_from_path(path) is not None:
                raise PluginError(f"docs/{path} 与生成的页面同名：请给手写页面改名。")
            files.append(File.generated(config, path, content=content))
        return files

    def on_page_context(self, context, page, config, nav):
        source = page.meta.get("handbook_source")
        if source:
            base = self.checked.settings.edit_url or (config.repo_url or "").rstrip("/") + "/edit/main/"
            page.edit_url = base.rstrip("/") + "/" + source if base.strip("/") else None
        return context

    def on_serve(self, server, config, builder):
        for folder in ("procedures", "records", "roles"):
            path = self.root / folder
            if path.is_dir():
                server.watch(str(path))
        if (self.root / "handbook.yml").exists():
            server.watch(str(self.root / "handbook.yml"))
        return server
