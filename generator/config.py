"""Handbook settings: `handbook.yml` at the root of the handbook (all keys optional)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass
class Settings:
    organisation: str = "××公司"  # printed on every form; replace with the real name
    office: str = "综合办公室"
    edit_url: str = ""  # e.g. https://git.example.com/office/handbook/edit/main/ — the YAML path is appended
    popular_records: list[str] = field(default_factory=list)  # record ids shown first on the home page
    categories: list[str] = field(default_factory=list)  # category names in the order the site lists them
    owners: dict[str, list[str]] = field(default_factory=dict)
    source_titles: dict[str, str] = field(default_factory=dict)  # source doc id (seeds/002) → title shown to readers  # role id → people or teams (@user, @org/team) for CODEOWNERS
    synonyms: dict[str, list[str]] = field(default_factory=dict)  # search term → extra words on a page


def load_settings(root: Path) -> Settings:
    path = root / "handbook.yml"
    if not path.exists():
        return Settings()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    known = Settings.__dataclass_fields__
    return Settings(**{k: v for k, v in data.items() if k in known})
