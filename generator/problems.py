"""Problems found in a handbook, and the one table of every problem code."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Pos:
    """A place in a source file: path relative to the handbook root, 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class CodeInfo:
    title: str  # short Chinese name of the rule
    fix: str  # how to fix it, in Chinese (shown in the docs)
    severity: str = "error"


# Every problem code, in one place. The docs page of error codes is generated from this table.
CODES: dict[str, CodeInfo] = {
    # E1xx: the file itself (reading YAML)
    "E101": CodeInfo("文件不是有效的 UTF-8 编码", "用编辑器以 UTF-8（无 BOM 亦可）重新保存文件。"),
    "E102": CodeInfo("用 Tab 缩进", "YAML 只能用空格缩进：把行首的 Tab 换成两个空格。"),
    "E103": CodeInfo("YAML 语法错误", "检查该行附近的冒号、引号、缩进和列表符号“- ”：都要用半角（中文输入法常打成全角的“：”“，”“　”），“- ”后要有空格，同一层要对齐。"),
    "E104": CodeInfo("重复的键", "同一层里每个键只能出现一次：删除或合并重复的那一个。"),
    "E105": CodeInfo("文件顶层不是键值映射", "文件应以 id: … 这样的键值对开头，而不是列表或单个值。"),
    "E106": CodeInfo("使用了 YAML 锚点或别名", "手册不支持 &锚点 / *别名 / <<: 合并：把内容直接写出来。"),
    "E107": CodeInfo("id 与文件名不一致", "把 id 改成文件名（不含 .yaml），或把文件改名为 id.yaml。"),
    "E108": CodeInfo("文件是空的", "写入内容（可用 handbook new 生成骨架），或删除该文件。"),
    "E109": CodeInfo("文件过大或嵌套过深", "一个文件只写一个流程/表单/岗位；拆分过大的内容。"),
    "E110": CodeInfo("文件在手册目录之外", "符号链接不能指向手册仓库以外：把文件复制进仓库。"),
    "E111": CodeInfo("yes/no/on/off 被当作是非值", "是非值请写 true 或 false；若是文字请加引号。"),
    "E112": CodeInfo("文件名不合规", "文件名只能用小写字母、数字和连字符，扩展名为 .yaml。"),
    "E113": CodeInfo("内容文件不会被读取", "流程放在 procedures/<类别>/ 下，表单和岗位直接放在 records/、roles/ 下（不要子文件夹），扩展名用小写 .yaml。"),
    "E114": CodeInfo("手册格式比工具新", "升级 office-handbook：pip install --upgrade office-handbook。"),
    "E115": CodeInfo("手册格式过旧，需要迁移", "运行 handbook migrate（可先加 --dry-run 查看要改的地方）。"),
    # E2xx: references between files
    "E201": CodeInfo("流程不存在", "改成已有流程的 id（procedures/ 下的文件名），或先新建该流程。"),
    "E202": CodeInfo("表单不存在", "改成已有表单的 id（records/ 下的文件名），或先新建该表单。"),
    "E203": CodeInfo("岗位不存在", "改成已有岗位的 id（roles/ 下的文件名），或先新建该岗位。"),
    "E204": CodeInfo("步骤不存在", "next 和 branches 只能指向本流程中的步骤 id，或写 end。"),
    "E205": CodeInfo("风险点不存在", "步骤的 risks 只能引用本流程 risks 中的编号（如 FK1）。"),
    "E206": CodeInfo("制度页面不存在", "改成 docs/policies/ 下已有页面的文件名（不含 .md），或先新建该页面。"),
    "E207": CodeInfo("id 重复", "每个 id 在同类中必须唯一：给其中一个改名。"),
    "E208": CodeInfo("编号重复", "每个编号（code）在整个手册中必须唯一：给其中一个换编号。"),
    "E209": CodeInfo("汇报关系成环", "reports_to 不能绕回自己：检查汇报链。"),
    "E210": CodeInfo("同一文件夹中类别不一致", "同一文件夹中的流程应使用相同的 category。"),
    "E211": CodeInfo("链接的生成页面不存在", "手写页面中指向流程、表单、岗位页面的链接要写成 procedures/<文件夹>/<流程 id>.md、records/<表单 id>.md、roles/<岗位 id>.md 的相对路径：改成已有的页面，或删除链接。"),
    "E212": CodeInfo("链接的锚点不存在", "锚点要是该页面上的标题或步骤（步骤的锚点是 #step-<步骤 id>）：步骤删除或改名后，同时修改指向它的链接。"),
    "E213": CodeInfo("跳转的目标页面不存在", "handbook.yml 的 redirects 中，冒号后面的新地址要是现有的页面（如 records/<表单 id>.md）：改成改名后的页面，或删去这一行（旧地址将打不开）。"),
    # E3xx: schema (keys, types and values)
    "E301": CodeInfo("未知的键", "检查拼写；允许的键见编辑器提示或 JSON Schema。"),
    "E302": CodeInfo("缺少必填项", "补上该键。"),
    "E303": CodeInfo("值的类型不对", "按提示改成文字、数字、列表或键值映射。"),
    "E304": CodeInfo("值不在允许范围内", "从列出的可选值中选一个。"),
    "E305": CodeInfo("格式不对", "按提示的格式书写（如日期 YYYY-MM-DD、id 用小写字母和连字符）。"),
    "E306": CodeInfo("条目数或长度不符合要求", "按提示增减条目或文字长度。"),
    "E307": CodeInfo("数值超出范围", "按提示改成范围内的数。"),
    # E4xx: the flow of a procedure
    "E401": CodeInfo("步骤 id 重复", "同一流程内每个步骤的 id 必须唯一。"),
    "E402": CodeInfo("步骤无法到达", "从第一步出发走不到该步骤：让前面某一步的 next 或分支指向它，或删除它。"),
    "E403": CodeInfo("步骤没有去向", "给该步骤写 next（下一步的 id，或 end 表示结束），或写 branches。"),
    "E404": CodeInfo("流程走不到结束", "这些步骤构成没有出口的循环：至少让其中一步通向 end 或循环外的步骤。"),
    "E405": CodeInfo("判断分支不足或不完整", "判断步骤至少要有两条带标签的分支，标签互不相同。"),
    "E406": CodeInfo("步骤同时写了 next 和 branches", "二选一：普通步骤写 next，判断步骤写 branches。"),
    "E407": CodeInfo("步骤指向自己", "next 不能是步骤自己的 id：改成下一步的 id 或 end。"),
    "E408": CodeInfo("流程有多个起点", "只有第一步可以是起点：让前面的某一步指向该步骤，或删除它。"),
    "E409": CodeInfo("风险点编号重复", "同一流程内风险点编号（FK1…）必须唯一。"),
    "E410": CodeInfo("表单在正式字号下放不下", "减少栏目或多行栏的行数，改用 A4 纸，或写 pages: 2 让表单续印第二页；字号不会为了放下而缩小。"),
    # W5xx: warnings (do not fail the build)
    "W501": CodeInfo("流程已过审核日期", "按流程组织审核，更新 review.last（并视情况提高版本号、补记变更记录）。", "warning"),
    "W502": CodeInfo("内容改动但版本号或变更记录未更新", "提高 version，并在 changelog 最前面补一条记录。", "warning"),
    "W503": CodeInfo("变更记录与版本号不一致", "changelog 的第一条应是当前 version。", "warning"),
    "W504": CodeInfo("编辑器用的格式说明或 id 列表已过时", "运行 handbook schema，并提交 .handbook/schemas/。", "warning"),
    "W505": CodeInfo("内容文件夹中有不会被读取的文件", "把不属于手册的文件移出 procedures/、records/、roles/，或删除它。", "warning"),
    "W506": CodeInfo("手册文件格式较旧", "运行 handbook migrate 更新到当前格式。", "warning"),
    "W507": CodeInfo("网站名称与 handbook.yml 不一致", "把 mkdocs.yml 的 site_name 改成与 handbook.yml 的 title 相同。", "warning"),
    "W508": CodeInfo("凭证的保存期限短于它证明的记录", "延长该表单的 retention 或 archive_class，至少与 evidences 中的记录一样长。", "warning"),
    "W509": CodeInfo("标点有误", "删去重复的标点；中文之间用全角标点（，；：？！（））。", "warning"),
    "W510": CodeInfo("用了不推荐的说法", "按 handbook.yml 的 glossary 改成规范用语。", "warning"),
    "W511": CodeInfo("判断步骤的名称不是问题", "判断步骤（写了 branches 的步骤）的名称写成问题，如“是否同意？”“审查是否通过？”。", "warning"),
    "W512": CodeInfo("归档信息不完整", "归档的表单写 archive_class（永久、定期30年、定期10年）和 archive_when；永久保存的表单必须归档。", "warning"),
    "W513": CodeInfo("来源没有名称", "在 handbook.yml 的 source_titles 中给这个来源写上读者看得懂的名称。", "warning"),
    "W514": CodeInfo("handbook.yml 列出的类别没有流程", "把 categories 中的类别改成流程的 category 中用到的名称（检查错别字），或删去它。", "warning"),
    "W515": CodeInfo("跳转不起作用", "redirects 的两边都写成页面路径（records/old.md: records/new.md）；旧地址又成了一个页面时删去这一行。", "warning"),
}


@dataclass(frozen=True)
class Problem:
    pos: Pos
    code: str
    message: str

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        return f"{self.pos}: {self.code} {self.message}"

    def sort_key(self) -> tuple:
        return (self.pos.path, self.pos.line, self.pos.col, self.code, self.message)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    unique = {(p.pos, p.code, p.message): p for p in problems}
    return sorted(unique.values(), key=Problem.sort_key)


def to_json(problems: Iterable[Problem]) -> str:
    rows = []
    for p in problems:
        row = asdict(p.pos) | {"code": p.code, "severity": p.severity, "message": p.message}
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False, indent=2)


def to_github(problems: Iterable[Problem]) -> str:
    """GitHub Actions workflow commands: one annotation per problem on the changed line."""
    from .render.escape import github_message as esc
    from .render.escape import github_property as esc_prop

    lines = []
    for p in problems:
        kind = "error" if p.is_error else "warning"
        lines.append(
            f"::{kind} file={esc_prop(p.pos.path)},line={p.pos.line},col={p.pos.col},"
            f"title={esc_prop(p.code)}::{esc(p.message)}"
        )
    return "\n".join(lines)
