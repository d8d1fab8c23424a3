"""Synthetic but valid handbooks of any size, for benchmarks and scale tests.

N procedures of 5–25 steps with decisions and loops back, N/2 records, N/20 roles (at least 5), with
cross-references throughout (step roles, records, owners, interfaces, lifecycle roles, reports-to).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = "登记 审核 批准 签收 归档 复印 盖章 通知 汇总 分发 核对 督办 反馈 采购 验收 发放 盘点 报修 派车 接待 结算 整理 移交 鉴定".split()


def _step_name(rng: random.Random) -> str:
    return "".join(rng.sample(WORDS, rng.randint(1, 3)))


def make_handbook(root: Path, n: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    for d in ("procedures", "records", "roles", "docs/assets", "docs/policies"):
        (root / d).mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "docs/policies/zhidu.md").write_text("---\ntitle: 测试制度\n---\n# 测试制度\n\n1. 条款。\n", encoding="utf-8")
    n_roles, n_records = max(5, n // 20), max(2, n // 2)
    roles = [f"role-{i}" for i in range(n_roles)]
    for i, rid in enumerate(roles):
        boss = f"reports_to: {roles[(i - 1) // 2]}\n" if i else ""
        (root / "roles" / f"{rid}.yaml").write_text(
            f"# yaml-language-server: $schema=../.handbook/schemas/role.schema.json\nid: {rid}\ntitle: 岗位{i}\n{boss}"
            f"duties:\n  - 负责第{i}项工作。\ntasks:\n  - {{name: 每日检查{i}, frequency: daily}}\n  - {{name: 每月汇总{i}, frequency: monthly}}\n",
            encoding="utf-8")
    records = [f"rec-{i}" for i in range(n_records)]
    for i, rid in enumerate(records):
        kind = ("form", "register", "certificate")[i % 3]
        body = ("columns:\n" + "".join(f"  - {{label: 列{j}}}\n" for j in range(6))) if kind == "register" else \
               ("layout:\n" + "".join(f"  - {{label: 栏目{j}}}\n" for j in range(6)) + "  - {approval: 主管意见}\n")
        (root / "records" / f"{rid}.yaml").write_text(
            f"# yaml-language-server: $schema=../.handbook/schemas/record.schema.json\nid: {rid}\ncode: GL/YJ-BG-{i + 1:04d}\n"
            f"title: 表单{i}\nkind: {kind}\nversion: \"1.0\"\npurpose: 测试用表单。\n{body}"
            f"lifecycle:\n  prepare: {rng.choice(roles)}\n  fill: [{rng.choice(roles)}]\n  review: [{rng.choice(roles)}]\n"
            f"  keeper: {rng.choice(roles)}\n  retention: {(kept := rng.choice(['1', '2', '10', 'long-term', 'permanent']))}\n"
            + ("  archive_class: permanent\n  archive_when: 次年6月底前\n" if kept == "permanent" else f"  destroy: {rng.choice(roles)}\n"),
            encoding="utf-8")
    for i in range(n):
        folder = root / "procedures" / f"cat{i % 10}"
        folder.mkdir(exist_ok=True)
        pid = f"proc-{i}"
        k = rng.randint(5, 25)
        lines = ["# yaml-language-server: $schema=../../.handbook/schemas/procedure.schema.json", f"id: {pid}",
                 f"code: LC-T{i % 10}-{i + 1:04d}", f"title: 流程{i}", f"category: 类别{i % 10}", 'version: "1.0"', "status: active",
                 f"owner: {rng.choice(roles)}", "effective: 2026-01-01", "review: {interval_months: 12, last: 2026-10-01}",
                 "purpose: 测试流程的目的。", "scope: 测试流程的范围。", "risks:", "  - {id: FK1, risk: 风险, control: 控制措施}",
                 "policies: [zhidu]", "steps:"]
        lane_roles = rng.sample(roles, min(len(roles), rng.randint(2, 6)))
        for j in range(k):
            lines.append(f"  - id: s{j}")
            name_at = len(lines)
            lines.append(f"    name: {_step_name(rng)}")
            lines.append(f"    role: {rng.choice(lane_roles)}")
            lines.append(f"    details: 第{j + 1}步的具体要求。")
            if rng.random() < 0.4:
                lines.append(f"    records: [{rng.choice(records)}]")
            if rng.random() < 0.2:
                lines.append(f"    time_limits: [{{amount: {rng.randint(1, 48)}, unit: hour, from: 收到申请}}]")
            if j == 1:
                lines.append("    risks: [FK1]")
            nxt = f"s{j + 1}" if j + 1 < k else "end"
            if j > 0 and j + 2 < k and rng.random() < 0.25:  # a decision: forward jump, or a loop back
                other = f"s{rng.randint(0, j - 1)}" if rng.random() < 0.5 else f"s{j + 2}"
                lines[name_at] += "是否通过？"  # a decision is named as its question (W511)
                lines.append("    criteria: 是否符合要求。")
                lines.append(f"    branches:\n      - {{label: 同意, next: {nxt}}}\n      - {{label: 退回, next: {other}}}")
            else:
                lines.append(f"    next: {nxt}")
        if i > 0:
            lines.append(f"interfaces:\n  - {{procedure: proc-{rng.randrange(i)}, relation: upstream}}")
        lines.append('changelog:\n  - {version: "1.0", date: 2026-01-01, summary: 生成。}')
        (folder / f"{pid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


if __name__ == "__main__":
    import sys

    make_handbook(Path(sys.argv[1]), int(sys.argv[2]))
