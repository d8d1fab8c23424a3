"""A handbook's mkdocs.yml read as plain data, without running MkDocs (which would load every plugin):
for the docs folder the output guard protects, the plugin check, and the config `handbook gen` writes."""

from __future__ import annotations

from pathlib import Path

import yaml


class _Tolerant(yaml.SafeLoader):
    """Reads a mkdocs.yml that holds !!python/… or !ENV tags (their values are dropped)."""


_Tolerant.add_multi_constructor("", lambda loader, suffix, node: None)


def read(config_file: Path) -> dict:
    """The mapping in mkdocs.yml; empty when the file is missing, unreadable or not a mapping."""
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Tolerant)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def docs_dir_of(config_file: Path) -> Path:
    """The docs folder mkdocs.yml names (default docs/ beside it)."""
    docs = read(config_file).get("docs_dir")
    return config_file.parent / (docs if isinstance(docs, str) and docs else "docs")


def plugin_names(config_file: Path) -> list[str]:
    plugins = read(config_file).get("plugins") or []
    return [p if isinstance(p, str) else next(iter(p), "") for p in plugins if isinstance(p, (str, dict))]
