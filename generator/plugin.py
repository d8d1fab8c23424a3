"""The MkDocs plugin `handbook`: a thin shell that loads and checks the YAML, then adds the rendered
pages and files as generated files. Rendering itself lives in `generator.render` and knows no MkDocs."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import secrets
import threading
import time
import warnings
from html import escape as escape_html
from importlib import resources
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from . import preview_gc, progress, timing
from .engine import Engine
from .loader import fill_names
from .outputs import OutputRefused, check_folder, inputs_of, write_marker
from .pipeline import check
from .render.cache import Cache
from .render.charts import PRINTED, printed_figure
from .render.nav import build_nav
from .render.search import search_dictionary
from .render.search_index import SEARCH_FOLDER, build_search_index, category_locations, page_infos, read_synonyms
from .render.site import render_site
from .render.static import CSS, IFRAME_WORKER, JS, missing_assets, static_files

log = logging.getLogger("mkdocs.plugins.handbook")
# jieba (imported by Material's search) imports pkg_resources, which warns about its own end on every build
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
_CHART_IMG = re.compile(r'<img\b[^>]*\bdata-chart="([a-z0-9-]+)"[^>]*>')  # the screen chart; the printed one goes beside it


class HandbookConfig(Config):
    root = c.Optional(c.Dir(exists=True))  # the handbook folder; default: the folder of mkdocs.yml
    charts = c.Type(bool, default=True)
    pdfs = c.Type(bool, default=True)
    cache = c.Type(bool, default=True)  # .cache/handbook/ in the handbook; HANDBOOK_NO_CACHE=1 also turns it off


# Markdown extensions our pages use, with the settings they need; added when mkdocs.yml lacks them
EXTENSIONS: dict[str, dict] = {
    "tables": {}, "attr_list": {}, "md_in_html": {}, "admonition": {}, "pymdownx.details": {}, "pymdownx.superfences": {},
    "toc": {"permalink": True},
}


class HandbookPlugin(BasePlugin[HandbookConfig]):
    supports_multiple_instances = False
    # `mkdocs serve` makes a new plugin for every rebuild but calls on_startup only once
    incremental = False

    serving = False
    _had_problems = False
    _served = False  # `serve` has built once: the builds after it are rebuilds
    _last_good: tuple | None = None  # (checked, generated) of the last build whose check passed, for `serve`
    _serve_engine: Engine | None = None  # `serve` keeps its workers and in-memory cache between rebuilds
    # Set by `handbook build` before it runs MkDocs: the check it has just done and the engine to render
    # with, so a build checks once. Plain `mkdocs build` leaves them unset and the plugin does both.
    prechecked = None
    engine: Engine | None = None
    today: dt.date | None = None
    _nav = False  # whether on_files builds the nav from the model (not for the problems-only page)
    _raw_tables: dict[str, list[str]]  # page → its tables, between on_page_markdown and on_page_content

    def on_startup(self, *, command, dirty):
        HandbookPlugin.incremental = command == "serve" and dirty
        HandbookPlugin.serving = command == "serve"
        if command == "serve":
            logging.getLogger("mkdocs.commands.build").addFilter(_no_dirty_warning)
            _keep_theme_env()
        _quiet_jieba()

    def on_config(self, config):
        _search_later.wait()  # the last rebuild's search files are written before anything of this one
        if self.serving and HandbookPlugin._served:  # a rebuild: see preview_gc
            preview_gc.pause()
        self.root = Path(self.config.root or Path(config.config_file_path).parent).resolve()
        self._raw_tables = {}
        _quiet_jieba()
        _refuse_unsafe_site_dir(config, self.root)
        _require_theme_and_assets(config)
        _add_extensions(config)
        use_cache = self.config.cache and not os.environ.get("HANDBOOK_NO_CACHE")
        self.started = Cache.build_started()
        self.today = self.today or dt.date.today()
        checked = self.prechecked or check(self.root, self.today, use_cache=use_cache)
        HandbookPlugin.prechecked = None  # `serve` hands over its first check only; each rebuild checks again
        for p in checked.warnings:
            log.info("%s", p)  # warnings never fail a --strict build; the page shows them
        self.problems: list = []
        if checked.errors:
            if self.serving:  # the preview shows the problems in the browser and keeps the last good pages
                return self._serve_problems(config, checked)
            for p in checked.errors:
                log.error("%s", p)
            raise PluginError(f"handbook check 发现 {len(checked.errors)} 个错误，未生成网站。请按上面各行的提示修改后重试。")
        self.checked = checked
        self._configure_search(config, checked)
        engine, own = self._engine(use_cache)
        if self.serving:  # the binder and the forms bundle follow a save a few seconds late, not before the page
            engine.keep_stale = True
            engine.on_late = _late_writer(Path(config.site_dir), self.root / ".cache" / "handbook" / "pages" if self.incremental else None)
        try:
            self.generated = render_site(checked.handbook, checked.settings, self.today, engine=engine,
                                         charts=self.config.charts, pdfs=self.config.pdfs, directory_urls=config.use_directory_urls)
            engine.cache.finish_build(self.started, complete=self.config.charts and self.config.pdfs)
        finally:
            if own:
                engine.close()
        _report_rendering(self.generated)
        self._nav = True
        if self.serving:
            HandbookPlugin._last_good = (checked, self.generated)
        return config

    def _engine(self, use_cache: bool) -> tuple[Engine, bool]:
        """The engine to render with, and whether this build should close it afterwards."""
        directory = self.root / ".cache" / "handbook" if use_cache else None
        if self.engine is not None:
            return self.engine, False
        if not self.serving:
            return Engine(Cache(directory)), True
        current = HandbookPlugin._serve_engine
        if current is None or current.cache.directory != directory:
            if current is not None:
                current.close()
            HandbookPlugin._serve_engine = Engine(Cache(directory))
        return HandbookPlugin._serve_engine, False

    def _serve_problems(self, config, checked):
        """A failed check during `serve`: every page carries the problems at its top (no waiting for a
        build that never comes); the next save that passes the check brings the pages back as usual."""
        for p in checked.errors:
            log.warning("%s", p)
        self.problems = checked.errors
        if HandbookPlugin._last_good is not None:
            self.checked, self.generated = HandbookPlugin._last_good
            self._nav = True
        else:
            self.checked = checked
            lines = "\n".join(str(p) for p in checked.errors)
            self.generated = {"index.md": f"# 检查未通过\n\n请按下面各行的提示修改 YAML，保存后页面会自动刷新。\n\n```text\n{lines}\n```\n"}
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
        shipped = static_files()
        for path, content in self.generated.items():
            if files.get_file_from_path(path) is not None:
                if path in shipped and shipped[path] == content:
                    continue  # the handbook's own copy of a guide page or asset takes precedence
                raise PluginError(f"docs/{path} 与生成的页面同名：请给手写页面改名。")
            if self.incremental:
                # written to disk only when changed, so `serve --dirty` rebuilds just the pages that changed
                files.append(_materialize(config, out_dir, path, content))
            else:
                files.append(File.generated(config, path, content=content))
        if self.incremental and (self.problems or HandbookPlugin._had_problems):
            for f in files.documentation_pages():  # the banner comes or goes on every page, unchanged ones too
                with contextlib.suppress(OSError):
                    os.utime(f.abs_dest_path, (0, 0))  # the page in the preview's own site folder, never a source
        HandbookPlugin._had_problems = bool(self.problems)
        if not config.nav and self._nav:
            generated = set(self.generated)
            handwritten = [f.src_uri for f in files.documentation_pages() if f.src_uri not in generated]
            config.nav = build_nav(self.checked.handbook, generated, handwritten, self.checked.settings.categories)
        return files

    def on_pre_build(self, config):
        _memoize_jieba()

    def on_build_error(self, error):
        _forget_jieba_memo()
        self._end_serve_build()

    def _inline_charts(self, output: str, page) -> str:
        """Swap the chart image for the inline SVG: clickable steps, lane links, text for screen readers.
        Done on the finished HTML so neither Markdown nor the search index has to read the SVG."""
        if 'data-chart="' not in output:
            return output

        def inline(match: re.Match) -> str:
            folder = page.file.src_uri.rsplit("/", 1)[0]
            svg = self.generated.get(f"{folder}/{match.group(1)}.svg")
            if not isinstance(svg, str):
                return match.group(0)
            printed = self.generated.get(f"{folder}/{match.group(1)}{PRINTED}.svg")
            if isinstance(printed, str):
                svg += printed_figure(printed, f"{escape_html(str(page.title))}流程图")
            return svg

        return _CHART_IMG.sub(inline, output)

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        """Hand-written pages (policies) may name the office as {办公室} too. A generated page's big
        tables (raw HTML on one line, final URLs) step around Markdown, whose HTML parser would read
        every cell again only to pass them through: each becomes a placeholder paragraph until
        on_page_content."""
        if page.file.src_uri in self.generated:
            if _RAW_TABLE_START in markdown:
                tables: list[str] = []

                def stash(match: re.Match) -> str:
                    tables.append(match.group(0))
                    return f"{_RAW_TABLE_TOKEN}{len(tables) - 1}"

                markdown = _RAW_TABLE.sub(stash, markdown)
                self._raw_tables[page.file.src_uri] = tables
            return markdown
        if "{" in markdown:
            return fill_names(markdown, self.checked.settings.names)
        return markdown

    def on_page_content(self, html: str, page, config, files) -> str:
        tables = self._raw_tables.pop(page.file.src_uri, None)
        if not tables:
            return html
        return re.sub(rf"<p>{_RAW_TABLE_TOKEN}(\d+)</p>", lambda m: tables[int(m.group(1))], html)

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

    def on_nav(self, nav, config, files):
        reporter = progress.current()
        if reporter is not None:
            self.pages_started = time.perf_counter()
            reporter.start_bar("网页", len(files.documentation_pages()))
        return nav

    def on_post_page(self, output: str, page, config) -> str:
        reporter = progress.current()
        if reporter is not None:
            reporter.step()
        if self.problems:
            output = _PROBLEMS_AT.sub(lambda m: m.group(0) + _problems_banner(self.problems), output, count=1)
        return self._inline_charts(output, page)

    @event_priority(-50)  # after the search plugin has written its index, before the offline plugin reads it
    def on_post_build(self, config):
        _forget_jieba_memo()
        if self._nav:  # not for the problems-only page
            index = (Path(config.site_dir), self.checked, config.use_directory_urls)
            if self.serving:  # the page first: the search files follow a moment later
                _search_later.start(_write_search_index, *index)
            else:
                _write_search_index(*index)
        write_marker(Path(config.site_dir), "site")  # so the next build knows this folder is ours to replace
        reporter = progress.current()
        if reporter is not None and hasattr(self, "pages_started"):
            pages = sum(1 for _ in Path(config.site_dir).rglob("*.html"))
            reporter.phase("网页和检索索引", time.perf_counter() - self.pages_started, f"{pages} 页")
        self._end_serve_build()

    def _end_serve_build(self) -> None:
        """A `serve` build ended, well or not: the next one is a rebuild, and the collector may run once idle."""
        if self.serving:
            HandbookPlugin._served = True
            preview_gc.resume()

    def on_shutdown(self):
        _search_later.wait()
        preview_gc.stop()
        if HandbookPlugin._serve_engine is not None:
            HandbookPlugin._serve_engine.close()
            HandbookPlugin._serve_engine = None

    def on_serve(self, server, config, builder):
        for folder in ("procedures", "records", "roles"):
            path = self.root / folder
            if path.is_dir():
                server.watch(str(path))
        if (self.root / "handbook.yml").exists():
            server.watch(str(self.root / "handbook.yml"))
        return server


# a table from templating.html_table: a line of its own, which no Markdown source line can be
_RAW_TABLE_START = "<table><thead>"
_RAW_TABLE = re.compile(r"^<table><thead>.*</table>$", re.M)
_RAW_TABLE_TOKEN = "hb-raw-table-" + secrets.token_hex(8) + "-"

_PROBLEMS_AT = re.compile(r'<article class="md-content__inner[^"]*">')


def _problems_banner(problems) -> str:
    import html

    items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems[:50])
    more = f"<p>……另有 {len(problems) - 50} 个问题，见终端。</p>" if len(problems) > 50 else ""
    return (f'<div class="admonition failure hb-problems" role="alert"><p class="admonition-title">检查未通过：{len(problems)} 个错误'
            f"（页面是上次通过检查时的内容；改好并保存后自动刷新）</p><ul>{items}</ul>{more}</div>")


def _no_dirty_warning(record: logging.LogRecord) -> bool:
    return "'dirty' build" not in record.getMessage()


def _quiet_jieba() -> None:
    """jieba prints four English lines about its dictionary on every build: not for our readers."""
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(logging.WARNING)
    jieba.default_logger.setLevel(logging.WARNING)


def _report_rendering(generated: dict) -> None:
    reporter = progress.current()
    if reporter is None:
        return
    counts = {"流程图": (".svg", "张", "render: charts"), "PDF": (".pdf", "份", "render: forms and PDFs"), "页面": (".md", "页", "render: pages")}
    for name, (suffix, unit, stage) in counts.items():
        n = sum(1 for path in generated if path.endswith(suffix))
        reporter.phase(name, timing.last.get(stage, 0.0), f"{n} {unit}")


def _refuse_unsafe_site_dir(config, root: Path) -> None:
    """Plain `mkdocs build` empties site_dir before it writes: refuse, before that, a site_dir that is
    the handbook, above it, holds an input, or is somebody's folder (MkDocs checks only docs_dir)."""
    inputs = inputs_of(root, Path(config.docs_dir), Path(config.config_file_path) if config.config_file_path else None)
    try:
        check_folder(config.site_dir, root, inputs, "site_dir")
    except OutputRefused as exc:
        raise PluginError(str(exc)) from None


def _require_theme_and_assets(config) -> None:
    """Our pages are written for Material and our own stylesheets; without them a build would pass
    and show raw markup, load scripts from outside, or print forms on US Letter."""
    if config.theme.name != "material":
        raise PluginError(f"手册需要 Material 主题：在 mkdocs.yml 中写 theme: {{name: material, language: zh, font: false}}"
                          f"（现在是 \"{config.theme.name}\"）。")
    if config.theme.get("font") is not False:
        raise PluginError("mkdocs.yml 的 theme 中要写 font: false：否则网站会从互联网加载字体，内网中打不开。")
    missing = missing_assets()
    if missing:
        raise PluginError(f"安装的 office-handbook 缺少样式或脚本 {'、'.join(missing)}：请重新安装（pip install --force-reinstall office-handbook）。")
    if "generator" not in config.extra:
        config.extra["generator"] = False  # no "Made with Material for MkDocs" (English) in every footer
    for key, assets in (("extra_css", CSS), ("extra_javascript", JS)):  # the plugin provides its own assets
        listed = [str(x) for x in config[key]]
        config[key].extend(a for a in assets if a not in listed)
    if any(name in config.plugins for name in ("material/offline", "offline")):
        # the offline site's search runs in an iframe; Material would load that shim from a CDN
        polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in str(p)]
        config.extra["polyfills"] = [*polyfills, IFRAME_WORKER]


def _add_extensions(config) -> None:
    for name, options in EXTENSIONS.items():
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)
            config.mdx_configs[name] = dict(options)
    toc = config.mdx_configs.setdefault("toc", {})
    toc.setdefault("permalink", True)
    toc.setdefault("permalink_title", "本节的链接")  # the toc extension's default title is English
    if "slugify" not in toc:
        from pymdownx.slugs import slugify

        toc["slugify"] = slugify(case="lower")  # readable anchors for Chinese headings


def _write_search_index(site_dir: Path, checked, directory_urls: bool) -> None:
    """Replace Material's one big search index with the split one (render/search_index.py) that
    search.js reads; Material's file keeps its settings and an empty page list."""
    path = site_dir / "search" / "search_index.json"
    try:
        material = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # no search plugin
    entries = material.get("docs", [])
    hb, settings = checked.handbook, checked.settings
    synonyms = read_synonyms(resources.files(__package__).joinpath("assets", "search-synonyms.txt").read_text(encoding="utf-8"))
    categories = category_locations(entries, list(hb.categories(settings.categories)))
    files = build_search_index(entries, page_infos(hb, directory_urls), synonyms, categories)
    folder = site_dir / "search" / SEARCH_FOLDER
    written = _search_written.setdefault(str(folder), {})
    if not folder.is_dir():
        written.clear()
        folder.mkdir(parents=True)
    for old in folder.iterdir():  # inside the site folder, which this build owns (checked before it began)
        if old.name not in files:
            old.unlink()
            written.pop(old.name, None)
    for name, text in files.items():
        if written.get(name) != text or not (folder / name).is_file():  # `serve`: only what changed
            (folder / name).write_text(text, encoding="utf-8")
            written[name] = text
    material["config"]["handbook"] = {"folder": f"search/{SEARCH_FOLDER}/"}
    material["docs"] = []
    path.write_text(json.dumps(material, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _late_writer(site_dir: Path, out_dir: Path | None):
    """`serve`: puts a download remade in the background (the binder) where the preview serves it.
    Only a file this build wrote is replaced, and never once the preview's folder is gone."""
    def write(path: str, data: bytes) -> None:
        for base in (out_dir, site_dir):
            target = base / path if base is not None else None
            if target is None or not target.is_file():
                continue
            tmp = target.with_name(target.name + ".handbook-tmp")
            try:
                tmp.write_bytes(data)
                os.replace(tmp, target)
            except OSError:
                with contextlib.suppress(OSError):
                    tmp.unlink()
        log.info("已在后台更新 %s", path)
    return write


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


_jieba_memo: dict = {}  # kept between `serve` rebuilds; jieba itself is patched only while we build
_theme_env: dict = {}  # the theme's Jinja environment, kept between `serve` rebuilds (on_env)
_search_written: dict[str, dict[str, str]] = {}  # the search files last written, by folder


class _Later:
    """`serve`: one piece of work run beside the preview after a rebuild (the split search index,
    0.2 s at the shipped size), so that the reloaded page does not wait for it."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None

    def start(self, fn, *args) -> None:
        self.wait()

        def run() -> None:
            try:
                fn(*args)
            except Exception as exc:  # the preview goes on; the next rebuild writes the files again
                log.warning("检索索引未能写出（%s）：下次保存时会重写。", exc)

        self._thread = threading.Thread(target=run, name="handbook-search-index", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None


_search_later = _Later()


def _keep_theme_env() -> None:
    """`serve` keeps the theme's Jinja environment between rebuilds, and so its compiled templates and
    its list of files (MkDocs makes a new one and walks Material's thousands of files each time: 0.5 s
    of every rebuild), as long as the theme's folders and any template an admin overrides are unchanged."""
    from mkdocs.theme import Theme

    if getattr(Theme.get_env, "_handbook_original", None) is not None:
        return
    original = Theme.get_env

    def get_env(theme):
        key = (tuple(theme.dirs), str(theme.locale), _override_stamps(theme.dirs))
        kept = _theme_env.get(key)
        if kept is None:
            _theme_env.clear()
            kept = _theme_env[key] = original(theme)
            names = kept.loader.list_templates()

            def list_templates(extensions=None, filter_func=None):  # jinja2.Environment.list_templates, on a list made once
                found = [n for n in names if not extensions or ("." in n and n.rsplit(".", 1)[1] in extensions)]
                return [n for n in found if filter_func is None or filter_func(n)]

            kept.list_templates = list_templates
        return kept

    get_env._handbook_original = original
    Theme.get_env = get_env


def _override_stamps(folders: list[str]) -> tuple:
    """The templates an adopter may edit while previewing (folders outside installed packages), by time."""
    stamps = []
    for folder in folders:
        if "site-packages" in folder or "dist-packages" in folder:
            continue
        stamps += sorted((str(f), f.stat().st_mtime_ns) for f in Path(folder).rglob("*") if f.is_file())
    return tuple(stamps)


def _memoize_jieba() -> None:
    """Material segments every page's text with jieba on every build; unchanged text segments the
    same way, so `serve` remembers the answers. `jieba.cut` is replaced for the build only."""
    try:
        import jieba
    except ImportError:
        return
    if getattr(jieba.cut, "_handbook_original", None) is not None:
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

    cut._handbook_original = original
    jieba.cut = cut


def _forget_jieba_memo() -> None:
    """Give jieba its own `cut` back."""
    try:
        import jieba
    except ImportError:
        return
    original = getattr(jieba.cut, "_handbook_original", None)
    if original is not None:
        jieba.cut = original
