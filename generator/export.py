"""The model as plain data (for `handbook export`, `handbook stats` and tests)."""

from __future__ import annotations

import dataclasses
from typing import Any

from .model import Handbook, Src


def to_data(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for f in dataclasses.fields(obj):
            if f.name in ("src", "known_ids"):
                continue
            name = "from" if f.name == "start" else f.name
            out[name] = to_data(getattr(obj, f.name))
        if isinstance(getattr(obj, "src", None), Src) and not hasattr(obj, "index") and not hasattr(obj, "label"):
            out["source_file"] = obj.src.path
        return out
    if isinstance(obj, dict):
        return {k: to_data(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_data(v) for v in obj]
    return obj


def export(hb: Handbook) -> dict:
    return {
        "procedures": [to_data(p) for p in sorted(hb.procedures.values(), key=lambda p: p.code)],
        "records": [to_data(r) for r in sorted(hb.records.values(), key=lambda r: r.code)],
        "roles": [to_data(r) for r in hb.roles.values()],
        "policies": [to_data(p) for p in hb.policies.values()],
    }
