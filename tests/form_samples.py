"""Record YAML for the printable-form tests: one of each kind, and one full of hostile text.

The role ids are those of tests/fixtures/mini.
"""

from __future__ import annotations

HEADER = "# yaml-language-server: $schema=../.handbook/schemas/record.schema.json\n"

FORM = HEADER + """\
id: seal-use-application
code: GL/YJ-BG-16
title: 印章使用申请单
kind: form
version: "1.0"
purpose: 用印前填写，经审批后由印章管理员凭单用印。
paper: {size: A4, orientation: portrait}
fields:
  - {label: 申请部门, type: text}
  - {label: 申请人, type: text}
  - {label: 申请日期, type: date}
  - {label: 份数, type: number}
  - {label: 文件名称, type: text, wide: true}
  - {label: 印章类别, type: choice, wide: true, options: [公章, 合同专用章, 财务专用章, 法定代表人名章]}
  - {label: 用印事由, type: textarea, wide: true, lines: 3}
  - {label: 是否借出, type: choice, options: [否, 是]}
  - {label: 归还日期, type: date, hint: 借出时填写}
approvals:
  - {label: 部门负责人意见, role: office-director}
  - {label: 办公室主任意见, role: office-director}
  - {label: 总经理意见, role: general-manager}
signatures: [经办人, 印章管理员]
lifecycle:
  prepare: office
  fill: [departments]
  review: [office-director, general-manager]
  keeper: office-director
  retention: 2
  destroy: office-director
"""

REGISTER = HEADER + """\
id: visitor-register
code: GL/YJ-BG-40
title: 来访登记簿
kind: register
version: "1.0"
purpose: 登记来访人员。
paper: {size: A4, orientation: portrait}
pages: 2
columns:
  - {label: 日期, width: 1}
  - {label: 来访人, width: 1.2}
  - {label: 单位, width: 2}
  - {label: 事由, width: 2.5}
  - {label: 接待人, width: 1, hint: 签字}
lifecycle:
  prepare: office
  fill: [office-clerk]
  retention: 1
  destroy: office-director
"""

CERTIFICATE = HEADER + """\
id: introduction-letter
code: GL/YJ-BG-15
title: 介绍信
kind: certificate
version: "1.0"
purpose: 对外联系工作时出具。
fields:
  - {label: 被介绍人, type: text}
  - {label: 人数, type: number}
  - {label: 前往单位, type: text, wide: true}
  - {label: 联系事项, type: textarea, wide: true, lines: 2}
  - {label: 有效期, type: text, hint: 　　天}
  - {label: 开具日期, type: date}
approvals:
  - {label: 批准人意见, role: office-director}
signatures: [经办人, 领取人]
lifecycle:
  prepare: office
  fill: [office-clerk]
  keeper: office-clerk
  retention: 1
  destroy: office-director
"""

SMALL_FORM = HEADER + """\
id: vehicle-application
code: GL/YJ-BG-54
title: 用车申请单
kind: form
version: "1.0"
purpose: 申请使用公司车辆。
paper: {size: A5, orientation: portrait}
fields:
  - {label: 用车部门, type: text}
  - {label: 用车人, type: text}
  - {label: 申请日期, type: date}
  - {label: 乘车人数, type: number}
  - {label: 用车事由, type: textarea, wide: true, lines: 2}
  - {label: 目的地, type: text, wide: true}
  - {label: 出车时间, type: text, hint: 年月日时分}
  - {label: 预计返回时间, type: text, hint: 年月日时分}
  - {label: 派车车号, type: text, hint: 由办公室填写}
  - {label: 驾驶员, type: text, hint: 由办公室填写}
approvals:
  - {label: 部门负责人意见, role: office-director}
  - {label: 办公室主任意见（派车）, role: office-director}
signatures: [用车人, 驾驶员]
lifecycle:
  prepare: office
  fill: [departments]
  retention: 1
  destroy: office-director
"""

# every character that means something to Typst, Markdown or HTML
HOSTILE_TITLE = '<script>&#$*_@//]"\\'
HOSTILE_LABEL = 'a<b>&"c"#x$y$'
HOSTILE_LABEL2 = "*_@//] = - + `t`"
HOSTILE_OPTION = "#set [x]"
HOSTILE_COLUMN = "<i>/*c*/\\@"

HOSTILE_FORM = HEADER + f"""\
id: hostile-form
code: GL/YJ-BG-98
title: '{HOSTILE_TITLE}'
kind: form
version: "1.0"
purpose: 测试。
fields:
  - {{label: '{HOSTILE_LABEL}', type: text, wide: true}}
  - {{label: '{HOSTILE_LABEL2}', type: choice, wide: true, options: ['{HOSTILE_OPTION}', 'b']}}
approvals:
  - {{label: '<script>x</script>'}}
signatures: ['#pagebreak()']
lifecycle:
  prepare: office
  fill: [office-clerk]
  retention: 1
"""

HOSTILE_REGISTER = HEADER + f"""\
id: hostile-register
code: GL/YJ-BG-99
title: 'reg {HOSTILE_TITLE}'
kind: register
version: "1.0"
purpose: 测试。
columns:
  - {{label: '{HOSTILE_COLUMN}', width: 2}}
  - {{label: '$x$', hint: '#{{}}'}}
lifecycle:
  prepare: office
  fill: [office-clerk]
  retention: 1
"""

SAMPLES = {
    "records/seal-use-application.yaml": FORM,
    "records/visitor-register.yaml": REGISTER,
    "records/introduction-letter.yaml": CERTIFICATE,
    "records/vehicle-application.yaml": SMALL_FORM,
}
HOSTILE = {
    "records/hostile-form.yaml": HOSTILE_FORM,
    "records/hostile-register.yaml": HOSTILE_REGISTER,
}
