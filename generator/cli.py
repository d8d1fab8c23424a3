"""The `handbook` command line."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import signal
import sys
from pathlib import Path

from . import __version__
from .problems import to_github, to_json

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
ID_HELP = "小写字母、数字和连字符，如 yongyin-waichu"


class UsageError(Exception):
    pass


def _root(args) -> Path:
    from .pipeline import find_root, is_handbook

    if args.root is not None:
        root = Path(args.root).resolve()
        if not is_handbook(root):
            raise UsageError(f"{root} 不是手册目录（其中应有 handbook.yml，或 procedures/、records/、roles/）：请用 --root 指定手册目录。")
        return root
    root = find_root(Path.cwd())
    if root is None:
        raise UsageError(f"{Path.cwd()} 及其上级目录中都没有手册（handbook.yml）：请到手册目录中运行，用 --root 指定，"
                         "或用 handbook init 新建一个手册。")
    return root


def _today(args) -> dt.date:
    if getattr(args, "today", None):
        try:
            return dt.date.fromisoformat(args.today)
        except ValueError:
            raise UsageError(f"--today 的日期 \"{args.today}\" 格式不对：应为 YYYY-MM-DD。") from None
    return dt.date.today()


def _print_problems(problems, fmt: str) -> None:
    if fmt == "json":
        print(to_json(problems))
    elif fmt == "github":
        if problems:
            print(to_github(problems))
    else:
        for p in problems:
            print(p)


def cmd_check(args) -> int:
    from .pipeline import check

    checked = check(_root(args), _today(args), use_cache=not args.no_cache)
    _print_problems(checked.problems, args.format)
    if args.format == "text":
        e, w = len(checked.errors), len(checked.warnings)
        summary = "检查通过" if not e else "检查未通过"
        print(f"{summary}：{e} 个错误，{w} 个警告。", file=sys.stderr)
    return EXIT_PROBLEMS if checked.errors else EXIT_OK


def _check_or_fail(root: Path, today: dt.date, args=None):
    from . import progress, timing
    from .pipeline import check

    timing.reset()
    checked = check(root, today, use_cache=not getattr(args, "no_cache", False))
    reporter = progress.current()
    if reporter is not None:
        hb = checked.handbook
        reporter.phase("读取", timing.last.get("load", 0.0), f"{len(hb.procedures)} 个流程、{len(hb.records)} 种表单、{len(hb.roles)} 个岗位")
        reporter.phase("检查", timing.last.get("check", 0.0), f"{len(checked.errors)} 个错误、{len(checked.warnings)} 个警告")
    if checked.errors:
        _print_problems(checked.problems, "text")
        print(f"发现 {len(checked.errors)} 个错误，未写出任何文件。", file=sys.stderr)
    return checked


def cmd_gen(args) -> int:
    from .outputs import check_folder, staging, write_tree
    from .render.site import render_site

    root = _root(args)
    _use_reporter(args)
    out = _guard(lambda: check_folder(args.out, root, _inputs(root, args), "输出目录"))
    checked = _check_or_fail(root, _today(args), args)
    if checked.errors:
        return EXIT_PROBLEMS
    from .gentree import engine_neutral_tree

    with _engine(root, args) as engine:
        files = render_site(checked.handbook, checked.settings, _today(args), engine=engine,
                            charts=not args.no_charts, pdfs=not args.no_pdfs)
    config_file = Path(args.config_file) if getattr(args, "config_file", None) else root / "mkdocs.yml"
    tree = engine_neutral_tree(checked, files, config_file)
    with staging(out, "gen") as tmp:
        write_tree(tree, tmp)
    print(f"已生成 {len(tree)} 个文件到 {out}（mkdocs.yml 和 docs/：不需要 handbook 插件也能构建）。", file=sys.stderr)
    return EXIT_OK


def _inputs(root: Path, args) -> list[Path]:
    """The handbook's inputs, including the docs folder and config file mkdocs.yml names."""
    from .mkdocs_yml import docs_dir_of
    from .outputs import inputs_of

    config_file = Path(args.config_file) if getattr(args, "config_file", None) else root / "mkdocs.yml"
    return inputs_of(root, docs_dir_of(config_file), config_file)


def _use_reporter(args) -> None:
    from . import progress

    level = progress.QUIET if getattr(args, "quiet", False) else progress.VERBOSE if getattr(args, "verbose", False) else progress.NORMAL
    progress.use(progress.Reporter(sys.stderr, level))


def _guard(fn):
    """Run an output check; a refusal becomes one usage line (exit 2) before anything is written."""
    from .outputs import OutputRefused

    try:
        return fn()
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None


def _engine(root: Path, args):
    """The engine (workers and the cache in .cache/handbook/, unless --no-cache) for this command."""
    from .engine import Engine
    from .render.cache import Cache

    off = getattr(args, "no_cache", False)
    if off:
        os.environ["HANDBOOK_NO_CACHE"] = "1"  # the plugin, run by MkDocs in this process, reads it too
    return Engine(Cache(None if off else root / ".cache" / "handbook"))


def _hand_over(config, checked, engine, today: dt.date) -> None:
    """Give the plugin this command's check, engine and date: one check per build, one set of workers."""
    plugin = config.plugins.get("handbook")
    if plugin is not None:
        plugin.prechecked, plugin.engine, plugin.today = checked, engine, today


def _mkdocs_config(root: Path, args, **overrides):
    from mkdocs.config import load_config

    config_file = Path(args.config_file) if args.config_file else root / "mkdocs.yml"
    if not config_file.exists():
        raise UsageError(f"找不到 {config_file}：手册目录中应有 mkdocs.yml。")
    from mkdocs.exceptions import ConfigurationError

    try:
        return load_config(str(config_file), **overrides)
    except ConfigurationError as exc:
        raise UsageError(f"{config_file.name} 有误：{exc}") from None


def _mkdocs_logging() -> None:
    """Show MkDocs' own warnings (broken links, strict-mode failures) on stderr, without colour codes."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)  # from jieba
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    log = logging.getLogger("mkdocs")
    if not any(getattr(h, "_handbook", False) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handler.setLevel(logging.WARNING)
        handler._handbook = True  # type: ignore[attr-defined]
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def cmd_build(args) -> int:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    from .outputs import check_folder, staging

    root = _root(args)
    _mkdocs_logging()
    _use_reporter(args)
    _config_with_plugin(root, args)
    config = _mkdocs_config(root, args, strict=True)
    inputs = _inputs(root, args) + [Path(config.docs_dir)]
    final = _guard(lambda: check_folder(args.site_dir or config.site_dir, root, inputs, "网站目录"))
    checked = _check_or_fail(root, _today(args), args)
    if checked.errors:
        return EXIT_PROBLEMS
    try:
        with _engine(root, args) as engine, staging(final, "site") as tmp:
            if args.offline:
                config = _mkdocs_config(root, args, strict=True, site_dir=str(tmp), use_directory_urls=False)
                _add_offline_plugin(config)
            else:
                config = _mkdocs_config(root, args, strict=True, site_dir=str(tmp))
            _hand_over(config, checked, engine, _today(args))
            build(config)
    except (Abort, MkDocsException) as exc:
        print(f"构建失败：{exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    for p in checked.warnings:
        print(p)
    print(f"网站已生成：{final}", file=sys.stderr)
    return EXIT_OK


def _add_offline_plugin(config) -> None:
    """Material's offline plugin: pages link to …/index.html and search works opened from disk (file://)."""
    if "material/offline" in config.plugins or "offline" in config.plugins:
        return
    from material.plugins.offline.plugin import OfflinePlugin

    plugin = OfflinePlugin()
    errors, _ = plugin.load_config({"enabled": True})
    if errors:
        raise UsageError(f"无法启用离线插件：{errors}")
    config.plugins["material/offline"] = plugin


def _stop_on_term(signum, frame) -> None:
    raise KeyboardInterrupt


def cmd_serve(args) -> int:
    import socket

    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import Abort, MkDocsException

    root = _root(args)
    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"预览地址 \"{args.dev_addr}\" 不对：应写成 地址:端口，如 127.0.0.1:8000。")
    with socket.socket() as probe:  # a port in use would otherwise end in a traceback inside MkDocs
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            raise UsageError(f"无法使用 {args.dev_addr}（{exc.strerror}）：端口可能已被占用，请换一个，如 -a 127.0.0.1:{int(port) + 1}。") from None
    checked = _check_or_fail(root, _today(args), args)
    if checked.errors:
        print("预览照常启动：页面顶部会列出这些问题，改好并保存后自动刷新。", file=sys.stderr)
    if args.no_cache:
        os.environ["HANDBOOK_NO_CACHE"] = "1"  # serve's plugin makes and keeps its own engine
    _mkdocs_logging()
    config_file = _config_with_plugin(root, args)
    from .plugin import HandbookPlugin

    HandbookPlugin.prechecked = checked  # the first build uses this check; each rebuild checks again
    print(f"预览地址：http://{host}:{port}/  （保存 YAML 后页面自动刷新；按 Ctrl+C 停止）", file=sys.stderr, flush=True)
    from .watcher import use_in_mkdocs

    use_in_mkdocs()  # heard at once, not at the next poll
    signal.signal(signal.SIGTERM, _stop_on_term)  # as Ctrl+C: MkDocs stops its server, our workers are ended
    try:
        serve(str(config_file), dev_addr=args.dev_addr, livereload=True, build_type=None if args.full else "dirty")
    except (Abort, MkDocsException, OSError) as exc:
        print(f"预览停止：{exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def _config_with_plugin(root: Path, args) -> Path:
    """mkdocs.yml, refused in one line when it is not set up for the handbook (a site without our plugin
    would build "successfully" with none of the procedures)."""
    config_file = Path(args.config_file) if getattr(args, "config_file", None) else root / "mkdocs.yml"
    from .mkdocs_yml import plugin_names

    if config_file.is_file() and "handbook" not in plugin_names(config_file):
        raise UsageError(f"{config_file.name} 没有启用手册插件，生成的网站里不会有流程、表单和岗位：在其中写上 "
                         "theme: {name: material, language: zh, font: false} 和 plugins: [handbook, {search: {lang: zh}}, tags]"
                         "（或把它改名，再运行 handbook init 写一个新的 mkdocs.yml）。")
    return config_file


def cmd_new(args) -> int:
    import re

    from .pipeline import check
    from .skeletons import new_procedure, new_record, new_role

    root = _root(args)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.id):
        raise UsageError(f"id \"{args.id}\" 不合规：应为{ID_HELP}。")
    hb = check(root).handbook
    today = _today(args)
    if args.kind == "procedure":
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", args.folder):
            raise UsageError(f"文件夹名 \"{args.folder}\" 不合规：应为{ID_HELP}。")
        path, text = new_procedure(hb, root, args.id, args.folder, today)
    elif args.kind == "record":
        path, text = new_record(hb, root, args.id, today)
    else:
        path, text = new_role(hb, root, args.id, today)
    if args.id in hb.known_ids[args.kind]:
        raise UsageError(f"{args.kind} \"{args.id}\" 已经存在：请换一个 id。")
    from .outputs import create_file

    _guard(lambda: create_file(path, text))
    print(path.relative_to(root).as_posix())
    return EXIT_OK


def cmd_export(args) -> int:
    from .export import export
    from .pipeline import check

    checked = check(_root(args), _today(args))
    if checked.errors:
        _print_problems(checked.errors, "text")
        return EXIT_PROBLEMS
    json.dump(export(checked.handbook), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return EXIT_OK


def cmd_stats(args) -> int:
    from .analysis import STAT_NAMES, stats
    from .pipeline import check

    checked = check(_root(args), _today(args))
    numbers = stats(checked.handbook)
    if args.format == "json":
        print(json.dumps(numbers, ensure_ascii=False, indent=2))
    else:
        width = max(len(v) for v in STAT_NAMES.values())
        for key, value in numbers.items():
            print(f"{STAT_NAMES[key]:\u3000<{width}} {value:>5}")
    return EXIT_PROBLEMS if checked.errors else EXIT_OK


def cmd_diff(args) -> int:
    from .diff import DiffError, compare, load_at_ref, render
    from .pipeline import check

    root = _root(args)
    checked = check(root, _today(args))
    if checked.errors:
        _print_problems(checked.errors, "text")
        return EXIT_PROBLEMS
    try:
        base = load_at_ref(root, args.base)
    except DiffError as exc:
        raise UsageError(str(exc)) from None
    changes = compare(base, checked.handbook)
    print(render(changes, args.base, args.format), end="")
    for problem in changes.problems:
        print(problem, file=sys.stderr)
    return EXIT_OK


def _docs_and_config(root: Path, args) -> tuple[Path, Path]:
    from .mkdocs_yml import docs_dir_of

    config_file = Path(args.config_file) if getattr(args, "config_file", None) else root / "mkdocs.yml"
    return docs_dir_of(config_file), config_file


def cmd_where(args) -> int:
    from .pipeline import check
    from .where import KIND_NAMES, KINDS, kinds_of, title_of, uses

    root = _root(args)
    hb = check(root, _today(args)).handbook
    kinds = [args.kind] if args.kind else kinds_of(hb, args.id)
    if not kinds or (args.kind and args.id not in hb.known_ids[args.kind]):
        from .schema import suggest

        known = {i for k in (kinds or KINDS) for i in hb.known_ids[k]}
        what = KIND_NAMES[args.kind] if args.kind else "岗位、表单或流程"
        raise UsageError(f"没有 id 为 \"{args.id}\" 的{what}{suggest(args.id, known).rstrip('。')}")
    docs_dir, config_file = _docs_and_config(root, args)
    for kind in kinds:
        found = uses(root, hb, kind, args.id, docs_dir, config_file)
        refs = [u for u in found if u.role != "define"]
        files = len({u.path for u in found})
        print(f"{KIND_NAMES[kind]} {args.id}（{title_of(hb, kind, args.id)}）：{len(refs)} 处引用，在 {files} 个文件中")
        for u in found:
            print(f"  {u}")
    return EXIT_OK


def cmd_rename(args) -> int:
    from .pipeline import check
    from .rename import RenameError, apply, plan
    from .where import KIND_NAMES, title_of

    root = _root(args)
    today = _today(args)
    before = check(root, today)
    if before.errors:
        _print_problems(before.errors, "text")
        print(f"手册现在有 {len(before.errors)} 个错误：请先改好（handbook check），再改名，这样改名后的检查才说明问题。",
              file=sys.stderr)
        return EXIT_PROBLEMS
    hb = before.handbook
    docs_dir, config_file = _docs_and_config(root, args)
    try:
        p = plan(root, hb, args.kind, args.old, args.new, docs_dir, config_file)
    except RenameError as exc:
        raise UsageError(str(exc)) from None
    if p.fixed:
        for u in p.fixed:
            print(f"{u.path}:{u.line}:{u.col}: {u.keys} 用了引号内的转义或多行写法，无法自动改：请先写成 {args.old}。", file=sys.stderr)
        print("未改动任何文件。", file=sys.stderr)
        return EXIT_PROBLEMS
    name = KIND_NAMES[args.kind]
    print(f"{name} {args.old}（{title_of(hb, args.kind, args.old)}）改名为 {args.new}：")
    print(f"  移动 {p.move[0]} → {p.move[1]}")
    for edit in p.edits:
        print(f"  {edit}")
    schema_note = _schema_note(root)
    if schema_note:
        print(f"  {schema_note}")
    count = f"{len(p.edits) + bool(schema_note)} 处修改，{len(p.files) + bool(schema_note)} 个文件"
    if args.dry_run:
        print(f"（--dry-run：未写出任何文件）共 {count}。去掉 --dry-run 即改名；改名后运行完整检查，不通过时全部还原。", file=sys.stderr)
        return EXIT_OK
    after_check: list = []

    def after(tx) -> bool:
        _refresh_editor_ids(root, tx)
        checked = check(root, today)
        after_check.append(checked)
        return not checked.errors

    try:
        kept = apply(root, p, after)
    except KeyboardInterrupt:
        print("已中断：全部文件已还原，未改名。", file=sys.stderr)
        return 130
    except Exception as exc:  # any failure: the files are back as they were
        print(f"改名失败（{type(exc).__name__}: {exc}）：全部文件已还原，未改名。", file=sys.stderr)
        return EXIT_PROBLEMS
    if not kept:
        checked = after_check[-1]
        _print_problems(checked.errors, "text")
        print(f"改名后检查发现 {len(checked.errors)} 个错误：全部文件已还原，未改名。", file=sys.stderr)
        return EXIT_PROBLEMS
    checked = after_check[-1]
    for w in checked.warnings:
        print(w)
    print(f"已改名：{count}；检查通过（{len(checked.warnings)} 个警告）。旧页面地址会跳转到新页面（handbook.yml 的 redirects）。"
          "请检查 git diff 后提交。", file=sys.stderr)
    return EXIT_OK


def _schema_note(root: Path) -> str:
    from .editor_schema import IDS_FILE

    return f"更新 {IDS_FILE}（编辑器补全用的 id 列表）" if (root / IDS_FILE).is_file() else ""


def _refresh_editor_ids(root: Path, tx) -> None:
    """The editor's id list, written again when it is there and ours (else `handbook check` warns W504)."""
    from .config import read_settings
    from .editor_schema import IDS_FILE, IDS_TITLE, ids_schema_text
    from .loader import load

    path = root / IDS_FILE
    if not path.is_file():
        return
    old = path.read_text(encoding="utf-8", errors="replace")
    if IDS_TITLE not in old:
        return
    text = ids_schema_text(load(root, names=read_settings(root)[0].names).handbook)
    if text != old:
        tx.write(IDS_FILE, text)


def cmd_review(args) -> int:
    from .pipeline import check

    checked = check(_root(args), _today(args))
    today = _today(args)
    hb = checked.handbook
    try:
        soon = today + dt.timedelta(days=args.days)
    except OverflowError:
        raise UsageError(f"--days {args.days} 太大：{today.isoformat()} 之后这么多天超出了日历的范围，请改小一些。") from None
    from .analysis import review_plan

    rows = review_plan(hb, today, args.days)
    late = [p for p, state in rows if state.overdue]
    if not rows:
        print(f"没有在 {soon.isoformat()} 前需要审核的流程。")
    for p, state in rows:
        print(f"{p.path}: {p.title}（{p.code}）下次审核 {state.due.isoformat()}，{state.words}；责任岗位：{hb.role_title(p.owner)}")
    print(f"{len(late)} 个流程已逾期，{len(rows) - len(late)} 个将在 {args.days} 天内到期。", file=sys.stderr)
    return EXIT_PROBLEMS if late else EXIT_OK


def cmd_codeowners(args) -> int:
    from .codeowners import DEFAULT, codeowners, written_by_us
    from .pipeline import check

    root = _root(args)
    checked = check(root, _today(args))
    if checked.errors:  # an owners typo would silently drop that role's rules
        _print_problems(checked.problems, "text")
        print(f"发现 {len(checked.errors)} 个错误，未写出 CODEOWNERS：请先改正（owners 的岗位 id 要是 roles/ 下的文件名）。", file=sys.stderr)
        return EXIT_PROBLEMS
    result = codeowners(checked.handbook, checked.settings.owners)
    if args.out == "-":
        print(result.text, end="")
    else:
        from .outputs import check_file, write_file

        out = _guard(lambda: check_file(root / args.out, root, _inputs(root, args), written_by_us, "CODEOWNERS 文件",
                                        make_parent=args.out == DEFAULT))
        write_file(out, result.text)
        print(f"已写出 {out}（{len(result.rules)} 条规则）。", file=sys.stderr)
    for role_id in sorted(result.unassigned):
        print(f"handbook.yml: 岗位 \"{role_id}\"（{checked.handbook.role_title(role_id)}）负责流程，但 owners 中没有对应的人员或团队。",
              file=sys.stderr)
    return EXIT_OK


def cmd_schema(args) -> int:
    from .editor_schema import IDS_TITLE, SCHEMA_DIR, schema_files
    from .outputs import absolute, check_file, write_file
    from .pipeline import check

    root = _root(args)
    checked = check(root, _today(args))
    base = Path(args.out) if args.out else root / SCHEMA_DIR
    if absolute(base) == root:
        raise UsageError("编辑器格式文件会直接写在手册目录里：请写到一个单独的目录，如 .handbook/schemas/。")
    inputs = _inputs(root, args)
    changed = 0
    for rel, text in schema_files(checked.handbook).items():
        target = base / Path(rel).name
        out = _guard(lambda target=target: check_file(target, root, inputs, lambda old: IDS_TITLE in old,
                                                      "编辑器格式文件", make_parent=True))
        if not (out.exists() and out.read_text(encoding="utf-8") == text):
            write_file(out, text)
            changed += 1
    shown = base.relative_to(root).as_posix() if base.is_relative_to(root) else str(base)
    if changed:
        print(f"已更新 {shown}/ 中的 {changed} 个文件：编辑器会按当前的格式检查，并提示岗位、表单、流程和制度的 id。", file=sys.stderr)
    else:
        print(f"{shown}/ 已是最新。", file=sys.stderr)
    return EXIT_OK


def cmd_init(args) -> int:
    from .init import Names, init
    from .outputs import absolute
    from .pipeline import find_root

    target = absolute(args.dir)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} 是一个文件：请指定要新建手册的目录。")
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent} 不存在：请先创建它，或换一个目录。")
    outer = find_root(target.parent) if target.parent != target else None
    if outer is not None and (outer / "handbook.yml").is_file():
        raise UsageError(f"{target} 在已有的手册 {outer} 之中：请换一个不在手册里的目录。")
    names = Names(args.org or Names.organisation, args.office or Names.office, args.title or "")
    target.mkdir(exist_ok=True)
    try:
        result = init(target, names, _today(args), example=args.example)
    except FileNotFoundError as exc:
        raise UsageError(f"{exc}：请从 PyPI 重新安装 office-handbook。") from None
    from .editor_schema import schema_files
    from .outputs import create_file
    from .pipeline import check

    checked = check(target, _today(args))
    for rel, text in schema_files(checked.handbook).items():
        if not (target / rel).exists():
            create_file(target / rel, text)
            result.written.append(rel)
    for rel in result.kept:
        print(f"已存在，未改动：{rel}", file=sys.stderr)
    shown = os.path.relpath(target)
    print(f"已在 {shown} 中新建手册（{len(result.written)} 个文件）。下一步：", file=sys.stderr)
    steps = [] if shown == "." else [f"cd {shown}"]
    if not (args.org and args.office):
        steps.append("在 handbook.yml 中填写单位、办公室和网站名称（mkdocs.yml 的 site_name 与 title 保持一致）")
    steps += ["handbook check", "handbook build    # 或 handbook serve 边改边预览"]
    for i, step in enumerate(steps, 1):
        print(f"  {i}. {step}", file=sys.stderr)
    if checked.errors:
        _print_problems(checked.errors, "text")
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_migrate(args) -> int:
    from .config import FORMAT_VERSION
    from .migrate import plan
    from .outputs import write_file

    root = _root(args)
    version, edits, steps = plan(root)
    if not steps:
        print(f"手册已是当前格式（format {FORMAT_VERSION}），无需迁移。", file=sys.stderr)
        return EXIT_OK
    verb = "将修改" if args.dry_run else "已修改"
    for rel in sorted(edits):
        print(f"{verb} {rel}")
    for step in steps:
        print(f"  · {step}", file=sys.stderr)
    if args.dry_run:
        print(f"（--dry-run：未写出任何文件）格式 {version} → {FORMAT_VERSION}，共 {len(edits)} 个文件。", file=sys.stderr)
        return EXIT_OK
    for rel, text in edits.items():
        write_file(root / rel, text)
    print(f"格式 {version} → {FORMAT_VERSION}：已修改 {len(edits)} 个文件。请运行 handbook schema 更新编辑器格式文件，再 handbook check。",
          file=sys.stderr)
    return EXIT_OK


# argparse's own words (it looks them up with gettext's `_` when it runs): the headings, the -h help
# and its error messages, so that every `--help` and every usage error reads in Chinese.
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必须写的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s（用 -h 查看可用的参数）",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r 不是可选的值（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "后面要写一个值",
    "expected at least one argument": "后面至少要写一个值",
    "expected at most one argument": "后面最多写一个值",
    "expected %s argument": "后面要写 %s 个值",
    "expected %s arguments": "后面要写 %s 个值",
    "invalid %(type)s value: %(value)r": "%(value)r 不是%(type)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 必须写一个",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令 %(parser_name)r（可用：%(choices)s）",
    "ignored explicit argument %r": "多余的值 %r（这个选项不带值）",
    "can't open '%(filename)s': %(error)s": "无法打开 '%(filename)s'：%(error)s",
}


@contextlib.contextmanager
def _argparse_in_chinese():
    """argparse's gettext functions answer in Chinese while our parser builds, parses and prints."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = lambda text: ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]
    argparse.ngettext = lambda one, many, n: ARGPARSE_ZH.get(one if n == 1 else many, one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


_HEADING = re.compile(r"^(\S[^\n]*?):$", re.M)
_ACTION = re.compile(r"^( {2,6})(\S.*?)( {2,})(\S.*)$", re.M)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _align(text: str) -> str:
    """argparse pads an option's name by characters; a Chinese metavar is two columns wide per character."""
    def fix(m: re.Match) -> str:
        extra = _width(m.group(2)) - len(m.group(2))
        return m.group(1) + m.group(2) + " " * max(2, len(m.group(3)) - extra) + m.group(4)

    return _ACTION.sub(fix, text)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser whose headings, -h help and error messages are in Chinese (subcommands too:
    `add_subparsers` makes its parsers of the same class)."""

    def __init__(self, *args, **kwargs):
        with _argparse_in_chinese():
            super().__init__(*args, **kwargs)

    def add_argument_group(self, *args, **kwargs):
        with _argparse_in_chinese():
            return super().add_argument_group(*args, **kwargs)

    def add_subparsers(self, **kwargs):
        with _argparse_in_chinese():
            return super().add_subparsers(**kwargs)

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        with _argparse_in_chinese():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        with _argparse_in_chinese():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with _argparse_in_chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with _argparse_in_chinese():
            text = super().format_help()
        return _align(_HEADING.sub(r"\1：", text))  # section headings end in a full-width colon

    def error(self, message: str):
        with _argparse_in_chinese():
            super().error(message)


def _integer(text: str) -> int:
    return int(text)


_integer.__name__ = "整数"  # argparse names the type in "invalid … value"


def parser() -> argparse.ArgumentParser:
    ap = ChineseParser(prog="handbook", description="办公室流程手册：检查 YAML、生成网站、流程图和表单 PDF。")
    ap.add_argument("--version", action="version", version=f"handbook {__version__}", help="显示版本号并退出")
    sub = ap.add_subparsers(dest="command", metavar="命令", required=True)

    def common(p, config=False, cache=False, talk=False):
        p.add_argument("--root", metavar="目录", help="手册目录（默认：从当前目录向上找到的第一个有 handbook.yml 的目录）")
        if talk:
            loud = p.add_mutually_exclusive_group()
            loud.add_argument("-q", "--quiet", action="store_true", help="只显示错误和结果")
            loud.add_argument("-v", "--verbose", action="store_true", help="显示更多细节")
        if cache:
            p.add_argument("--no-cache", action="store_true", help="不读也不写 .cache/handbook/ 中的缓存（全部重新读取和生成）")
        p.add_argument("--today", metavar="日期", help="按指定日期检查审核期限（YYYY-MM-DD，默认今天）")
        if config:
            p.add_argument("-f", "--config-file", metavar="文件", help="mkdocs.yml 的路径（默认 手册目录/mkdocs.yml）")
        return p

    p = common(sub.add_parser("check", help="检查全部 YAML，不生成任何文件"), cache=True)
    p.add_argument("--format", choices=["text", "json", "github"], default="text", help="输出格式：text（默认）、json、github（GitHub Actions 注释）")
    p.set_defaults(func=cmd_check)
    p = common(sub.add_parser("build", help="检查并生成网站（出错时不写出任何文件）"), config=True, cache=True, talk=True)
    p.add_argument("-d", "--site-dir", metavar="目录", help="网站输出目录（默认 mkdocs.yml 中的 site_dir，即 site/）")
    p.add_argument("--offline", action="store_true",
                   help="生成可直接双击打开的网站（共享盘、U 盘；file://，检索也可用），而不是放在网站服务器上的网站")
    p.set_defaults(func=cmd_build)
    p = common(sub.add_parser("serve", help="本地预览网站，修改 YAML 后自动刷新"), config=True, cache=True)
    p.add_argument("-a", "--dev-addr", metavar="地址:端口", default="127.0.0.1:8000", help="地址和端口（默认 127.0.0.1:8000）")
    p.add_argument("--full", action="store_true", help="每次都完整重建（默认只重建内容变了的页面，预览时的检索只含重建过的页面）")
    p.set_defaults(func=cmd_serve)
    p = common(sub.add_parser("gen", help="写出完整的文档目录（mkdocs.yml 和 docs/，含生成的页面、流程图和 PDF），可交给别的引擎构建"), config=True, cache=True, talk=True)
    p.add_argument("--out", required=True, metavar="目录", help="输出目录")
    p.add_argument("--no-charts", action="store_true", help="不生成流程图")
    p.add_argument("--no-pdfs", action="store_true", help="不生成 PDF")
    p.set_defaults(func=cmd_gen)
    p = common(sub.add_parser("new", help="新建流程、表单或岗位的 YAML 骨架"))
    p.add_argument("kind", choices=["procedure", "record", "role"], help="procedure（流程）、record（表单）或 role（岗位）")
    p.add_argument("id", help=f"新文件的 id（{ID_HELP}）")
    p.add_argument("--folder", default="qita", metavar="文件夹", help="流程所在的文件夹（procedures/ 下，默认 qita）")
    p.set_defaults(func=cmd_new)
    p = common(sub.add_parser("diff", help="与某个 git 版本相比，用中文列出改了什么（Markdown，可贴到合并请求）"))
    p.add_argument("base", metavar="基准", help="比较的基准，如 origin/main 或某个提交")
    p.add_argument("--format", choices=["github", "gitlab", "text"], default="github",
                   help="输出格式：github（默认，GitHub 评论用的 Markdown，长的部分可折叠）、gitlab（GitLab 评论）、text（终端里看）")
    p.set_defaults(func=cmd_diff)
    p = common(sub.add_parser("rename", help="给岗位、表单或流程改 id：移动文件、改写所有引用，旧页面地址自动跳转"), config=True)
    p.add_argument("kind", choices=["role", "record", "procedure"], help="role（岗位）、record（表单）或 procedure（流程）")
    p.add_argument("old", metavar="旧id", help="现在的 id")
    p.add_argument("new", metavar="新id", help=f"新的 id（{ID_HELP}）")
    p.add_argument("--dry-run", action="store_true", help="只列出要改的地方，不写出")
    p.set_defaults(func=cmd_rename)
    p = common(sub.add_parser("where", help="列出一个岗位、表单或流程的 id 被用到的每一处（文件:行:列 和键路径）"), config=True)
    p.add_argument("id", metavar="id", help="要查的 id，如 seal-keeper")
    p.add_argument("--kind", choices=["role", "record", "procedure"], help="只查这一类（同一个 id 既是岗位又是表单时用）")
    p.set_defaults(func=cmd_where)
    p = common(sub.add_parser("review", help="列出到期或逾期需要审核的流程（有逾期时退出码为 1，供定时 CI 使用）"))
    p.add_argument("--days", type=_integer, default=30, metavar="天数", help="同时列出多少天内到期的流程（默认 30）")
    p.set_defaults(func=cmd_review)
    p = common(sub.add_parser("codeowners", help="根据流程的责任岗位生成 CODEOWNERS 文件"))
    p.add_argument("--out", default=".github/CODEOWNERS", metavar="文件", help="输出路径（默认 .github/CODEOWNERS；- 表示输出到屏幕）")
    p.set_defaults(func=cmd_codeowners)
    p = common(sub.add_parser("schema", help="更新编辑器用的格式说明和 id 列表（.handbook/schemas/）"))
    p.add_argument("--out", metavar="目录", help="写到指定目录（默认 手册目录/.handbook/schemas）")
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser("init", help="新建一个手册（handbook.yml、mkdocs.yml、示例流程和表单、编辑器和 CI 设置）")
    p.add_argument("dir", nargs="?", default=".", metavar="目录", help="新手册的目录（默认当前目录；已有的文件不会被覆盖）")
    p.add_argument("--org", metavar="单位", help="单位名称（印在每张表单上），如 某某有限公司")
    p.add_argument("--office", metavar="办公室", help="办公室名称，如 综合办公室（默认 办公室）")
    p.add_argument("--title", metavar="标题", help="网站和手册汇编的标题（默认 办公室名称 + 流程手册）")
    p.add_argument("--example", action="store_true", help="写入完整的示例手册（几十个流程、表单和岗位），而不是最小的起步内容")
    p.add_argument("--today", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_init)
    p = common(sub.add_parser("migrate", help="把旧版本写的手册文件更新到当前格式（只改需要改的几行）"))
    p.add_argument("--dry-run", action="store_true", help="只列出要改的文件，不写出")
    p.set_defaults(func=cmd_migrate)
    p = common(sub.add_parser("export", help="把整个手册输出为 JSON"))
    p.set_defaults(func=cmd_export)
    p = common(sub.add_parser("stats", help="统计流程、步骤、表单、岗位、时限和风险点的数量"))
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式：text（默认）或 json")
    p.set_defaults(func=cmd_stats)
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"handbook: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("已中断，未改动已有的输出。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
