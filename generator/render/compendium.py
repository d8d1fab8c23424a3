"""手册汇编: the whole handbook as one PDF for the office's binder — a cover, a table of contents,
every procedure with its chart and steps, then every blank form. Typeset with Typst, which reads
the charts (SVG) and the forms (PDF) as images; all YAML text goes in as string literals."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..analysis import way_on
from ..labels import STATUS_NAMES
from ..model import as_list
from . import cache
from .context import Context
from .typst_forms import SERIF, font_dir, lit

SANS = "Noto Sans SC"
FILE = "handbook.pdf"


def _text(value) -> str:
    return "；".join(as_list(value))


def source(ctx: Context, charts: dict[str, str], forms: dict[str, bytes]) -> str:
    hb, s = ctx.hb, ctx.settings
    out = [
        '#set page(paper: "a4", margin: (x: 18mm, y: 20mm), numbering: "1", number-align: center)',
        f'#set text(font: ("{SERIF}", "{SANS}"), size: 10pt, lang: "zh", region: "cn")',
        "#set par(leading: 0.7em, justify: true)",
        f'#show heading: set text(font: "{SANS}")',
        "#show heading.where(level: 1): set text(size: 18pt)",
        f"#set document(title: {lit(s.organisation + s.site_title)})",
        # cover
        "#page(numbering: none)[#v(30%)#align(center)[",
        f'#text(font: "{SANS}", size: 14pt, {lit(s.organisation)})#v(1em)',
        f'#text(font: "{SANS}", size: 30pt, {lit(s.site_title)})#v(1.5em)',
        f"#text(size: 12pt, {lit(f'{len(hb.procedures)} 个流程 · {len(hb.records)} 种表单 · {len(hb.roles)} 个岗位')})#v(0.6em)",
        f"#text(size: 11pt, {lit(f'{s.office} 编 · {ctx.today.isoformat()}')})]]",
        '#outline(title: "目录", depth: 2)',
    ]
    for category, procs in hb.categories(s.categories).items():
        for i, p in enumerate(procs):
            out.append("#pagebreak(weak: true)")  # every procedure starts a page, its category on the first
            if i == 0:
                out.append(f"#heading(level: 1, {lit(category)})")
            out.append(f"#heading(level: 2, {lit(p.title)})")
            meta = (f"编号 {p.code} · 版本 {p.version} · {STATUS_NAMES[p.status]} · 责任岗位 {hb.role_title(p.owner)} · "
                    f"生效 {p.effective} · 下次审核 {p.next_review.isoformat()}")
            out.append(f"#text(size: 8.5pt, fill: luma(80), {lit(meta)})")
            out.append(f"#par[#strong[目的：]#{lit(_text(p.purpose))}]")
            out.append(f"#par[#strong[范围：]#{lit(_text(p.scope))}]")
            if p.id in charts:
                out.append(f'#align(center, image("charts/{p.id}.svg", width: 100%, height: 16cm, fit: "contain"))')
            cells = []
            for st in p.steps:
                details = _text(st.details)
                if st.branches:
                    details += ("；" if details else "") + "；".join(f"{b.label}→{way_on(p, b.next)}" for b in st.branches)
                cells += [lit(str(st.number)), lit(st.name), lit(hb.role_title(st.role)), lit(details),
                          lit("、".join(t.short for t in st.time_limits) or "—"),
                          lit("、".join(hb.records[r].title for r in st.records if r in hb.records) or "—")]
            out.append("#table(columns: (auto, 5em, 5em, 1fr, auto, 6em), inset: 4pt, stroke: 0.4pt + luma(120),"
                       " table.header(..(\"序号\", \"步骤\", \"岗位\", \"说明\", \"时限\", \"表单\").map(h => strong(h))),"
                       f" ..({', '.join(cells)},).map(c => text(size: 8.5pt, c)))")
    if forms:
        records = [r for r in ctx.records() if r.id in forms]
        out.append('#pagebreak(weak: true)#heading(level: 1, "空白表单")')
        rows = ", ".join(f"{lit(r.code)}, {lit(r.title)}, {lit(r.lifecycle.retention_label)}" for r in records)
        out.append('#table(columns: (auto, 1fr, auto), inset: 4pt, stroke: 0.4pt + luma(120), '
                   f'table.header(strong("编号"), strong("表单"), strong("保存期限")), {rows})')
        for r in records:
            flipped = "true" if r.orientation == "landscape" else "false"
            out.append(f'#page(flipped: {flipped}, margin: 8mm, numbering: none)'
                       f'[#image("forms/{r.id}.pdf", width: 100%, height: 100%, fit: "contain")]')
    return "\n".join(out) + "\n"


def render_compendium(ctx: Context, charts: dict[str, str], forms: dict[str, bytes]) -> bytes:
    """The binder PDF; cached by its source and every chart and form it includes."""
    text = source(ctx, charts, forms)
    k = cache.key(text, *(charts[i] for i in sorted(charts)), *(forms[i] for i in sorted(forms)))
    hit = cache.get("compendium", k)
    if hit is not None:
        return hit
    import typst

    with tempfile.TemporaryDirectory(prefix="handbook-binder-") as tmp:
        root = Path(tmp)
        (root / "charts").mkdir()
        (root / "forms").mkdir()
        for pid, svg in charts.items():
            (root / "charts" / f"{pid}.svg").write_text(svg, encoding="utf-8")
        for rid, pdf in forms.items():
            (root / "forms" / f"{rid}.pdf").write_bytes(pdf)
        (root / "main.typ").write_text(text, encoding="utf-8")
        pdf = bytes(typst.compile(str(root / "main.typ"), root=str(root), font_paths=[font_dir()], ignore_system_fonts=True,
                                  format="pdf"))
    cache.put("compendium", k, pdf)
    return pdf
