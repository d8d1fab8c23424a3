"""The Chinese wording of the model's codes (units, urgency, status, kinds, frequencies …): one table each,
used by every renderer, the CLI and the checks, so a label is changed in one place."""

from __future__ import annotations

UNIT_NAMES = {"minute": "分钟", "hour": "小时", "day": "日", "workday": "个工作日", "week": "周", "month": "个月"}
URGENCY_NAMES = {"normal": "普通", "urgent": "紧急", "critical": "特急"}
STATUS_NAMES = {"draft": "草案", "active": "现行有效", "retired": "已废止"}
KIND_NAMES = {"form": "申请单/通知单", "register": "登记簿/台账", "certificate": "凭证（带存根）"}
FREQUENCY_NAMES = {"daily": "每日", "weekly": "每周", "monthly": "每月", "quarterly": "每季度",
                   "half-yearly": "每半年", "yearly": "每年"}
RELATION_NAMES = {"upstream": "上游", "downstream": "下游", "related": "相关"}
LEVEL_NAMES = {"high": "高", "medium": "中", "low": "低"}
ROLE_KIND_NAMES = {"post": "岗位", "unit": "部门/人员类别", "external": "外部"}
RETENTION_NAMES = {"long-term": "长期", "permanent": "永久"}
ARCHIVE_CLASS_NAMES = {"permanent": "永久", "30y": "定期30年", "10y": "定期10年"}
# how long each archive class keeps a record, to compare approval evidence with what it approves
ARCHIVE_CLASS_YEARS = {"permanent": float("inf"), "30y": 30.0, "10y": 10.0}
SECRECY_NAMES = {"public": "公开", "internal": "内部", "ordinary-secret": "普通商密", "core-secret": "核心商密"}
CN_DIGITS = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    if 0 <= n <= 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + CN_DIGITS[n - 10]
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)
