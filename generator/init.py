"""`handbook init [DIR]`: a small valid handbook that checks and builds (names, mkdocs.yml, starter
roles, one procedure and its form, one policy page, editor settings and schemas, pre-commit, CI for
GitHub and GitLab, .gitignore), or with `--example` the full example handbook. Never overwrites a file."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .config import FORMAT_VERSION

PACKAGE = Path(__file__).resolve().parent
STARTER = PACKAGE / "starter"
RAW = {".github/workflows/handbook.yml", ".gitlab-ci.yml"}  # GitHub's own ${{ }} syntax: not templates
CONTENT = ("procedures", "records", "roles", "docs/policies")
SKIP = ("README", "screenshots")


@dataclass
class Names:
    organisation: str = "××公司"
    office: str = "办公室"
    title: str = ""

    @property
    def site_title(self) -> str:
        return self.title or f"{self.office}流程手册"


@dataclass
class Result:
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # already there: left as they were


def _target_name(rel: str) -> str:
    """Dot-files are kept without their dot in the package (package data skips hidden files)."""
    return "/".join("." + part[4:] if part.startswith("dot-") else part for part in rel.split("/"))


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>&#|])", r"\\\1", text)


@functools.cache
def _environment():
    import jinja2

    env = jinja2.Environment(keep_trailing_newline=True, undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["yaml"] = lambda v: json.dumps(str(v), ensure_ascii=False)  # a JSON string is a YAML scalar
    env.filters["yq"] = lambda v: json.dumps(str(v), ensure_ascii=False)[1:-1]  # inside "…"
    return env


def _render(template: str, names: Names, today: dt.date) -> str:
    return _environment().from_string(template).render(organisation=names.organisation, office=names.office, title=names.site_title,
                                            today=today.isoformat(), format=FORMAT_VERSION)


def starter_files(names: Names, today: dt.date) -> dict[str, str]:
    out = {}
    for path in sorted(STARTER.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        rel = _target_name(path.relative_to(STARTER).as_posix())
        text = path.read_text(encoding="utf-8")
        if rel in RAW:
            out[rel] = text.replace("@VERSION@", __version__)
        elif rel.endswith(".md"):  # names written into Markdown are escaped for Markdown
            out[rel] = _render(text, Names(_md(names.organisation), _md(names.office), _md(names.site_title)), today)
        else:
            out[rel] = _render(text, names, today)
    return out


def example_source() -> Path | None:
    """The full example handbook: packed into the wheel as office_handbook/example/, or, in a checkout of
    the tool, the repository the package folder sits in."""
    for base in (PACKAGE / "example", PACKAGE.parent):
        if (base / "handbook.yml").is_file() and (base / "procedures").is_dir():
            return base
    return None


def example_files(names: Names, today: dt.date) -> dict[str, str | bytes]:
    base = example_source()
    if base is None:
        raise FileNotFoundError("这个安装中没有示例手册")
    files: dict[str, str | bytes] = {rel: text for rel, text in starter_files(names, today).items() if not rel.startswith(CONTENT)}
    for folder in CONTENT:
        for path in sorted((base / folder).rglob("*")):
            if path.is_file() and not any(s in path.parts for s in SKIP) and "__pycache__" not in path.parts:
                files[path.relative_to(base).as_posix()] = path.read_bytes()
    files["handbook.yml"] = set_names((base / "handbook.yml").read_text(encoding="utf-8"), names)
    return files


def set_names(text: str, names: Names) -> str:
    """handbook.yml with its organisation, office and title set (targeted line edits: comments stay)."""
    for key, value in (("organisation", names.organisation), ("office", names.office), ("title", names.site_title)):
        line = f"{key}: {json.dumps(value, ensure_ascii=False)}"
        pattern = re.compile(rf"^{key}:[^\n#]*?(?=\s*(#|$))", re.M)
        text = pattern.sub(lambda _m, line=line: line, text, count=1) if pattern.search(text) else text.rstrip("\n") + f"\n{line}\n"
    return text


def init(target: Path, names: Names, today: dt.date, *, example: bool = False) -> Result:
    """Write the handbook into `target`; a file that exists is kept as it is and reported."""
    from .outputs import create_file

    files = example_files(names, today) if example else starter_files(names, today)
    result = Result()
    for rel, content in files.items():
        path = target / rel
        if path.exists() or path.is_symlink():
            result.kept.append(rel)
            continue
        if isinstance(content, bytes):
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("xb") as fh:
                fh.write(content)
        else:
            create_file(path, content)
        result.written.append(rel)
    return result
