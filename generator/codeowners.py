"""CODEOWNERS from the handbook: each procedure's file is reviewed by the people of its owner role,
each record's by its keeper's (or preparer's), each role's by its superior's (names in handbook.yml)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Handbook

DEFAULT = ".github/CODEOWNERS"
HEADER = "# 由 handbook codeowners 根据每个流程的责任岗位生成；岗位与人员的对应写在 handbook.yml 的 owners 中。"


@dataclass
class Owners:
    rules: list[str] = field(default_factory=list)
    unassigned: set[str] = field(default_factory=set)  # roles that own procedures but have nobody in owners

    @property
    def text(self) -> str:
        return "\n".join([HEADER, "", *self.rules]) + "\n"


def written_by_us(text: str) -> bool:
    return text.startswith(HEADER[:20])


def codeowners(hb: Handbook, owners: dict[str, list[str]]) -> Owners:
    out = Owners()
    for p in sorted(hb.procedures.values(), key=lambda p: p.path):
        people = owners.get(p.owner)
        if people:
            out.rules.append(f"/{p.path} {' '.join(people)}")
        else:
            out.unassigned.add(p.owner)
    for r in sorted(hb.records.values(), key=lambda r: r.path):
        people = owners.get(r.lifecycle.keeper or r.lifecycle.prepare)
        if people:
            out.rules.append(f"/{r.path} {' '.join(people)}")
    for role in sorted(hb.roles.values(), key=lambda r: r.path):
        people = owners.get(role.reports_to or role.id) or owners.get(role.id)
        if people:
            out.rules.append(f"/{role.path} {' '.join(people)}")
    return out
