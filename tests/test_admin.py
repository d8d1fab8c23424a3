"""Admin workflow: review schedule, CODEOWNERS, exports for auditors, editor and CI files."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
import yaml

from conftest import REPO

SHOUWEN = "procedures/gongwen/shouwen.yaml"


def test_review_exit_codes(book):
    r = book.run("review", "--today", "2026-11-01")
    assert r.code == 0
    r = book.run("review", "--today", "2027-10-20")
    assert r.code == 1
    assert r.out.splitlines()[0].startswith(f"{SHOUWEN}: 收文（LC-GW-01）下次审核 2027-10-15，已逾期 5 天；责任岗位：办公室主任") or \
        "已逾期 5 天" in r.out


def test_codeowners_from_owner_roles(book):
    book.write("handbook.yml", 'owners:\n  office-director: ["@acme/office-leads", "@wang"]\n')
    r = book.run("codeowners")
    assert r.code == 0
    text = book.read(".github/CODEOWNERS")
    assert f"/{SHOUWEN} @acme/office-leads @wang\n" in text
    assert "/procedures/gongwen/fawen.yaml @acme/office-leads @wang\n" in text



def test_codeowners_refuses_an_owners_typo(book):
    """A misspelt role in owners would drop its rules without a word: the error, its line, nothing written."""
    book.write("handbook.yml", 'owners:\n  office-director: ["@acme/office-leads"]\n  seal-keepr: ["@acme/seals"]\n')
    r = book.run("codeowners")
    assert r.code == 1
    assert 'handbook.yml:3:3: E203 岗位 "seal-keepr" 不存在' in r.out
    assert "未写出 CODEOWNERS" in r.err
    assert not (book.root / ".github/CODEOWNERS").exists()

def test_exports_agree_with_the_model(book, tmp_path):
    out = tmp_path / "gen"
    assert book.run("gen", "--out", str(out), "--no-charts", "--no-pdfs").code == 0
    rows = list(csv.reader(io.StringIO((out / "docs/indexes/retention.csv").read_bytes().decode("utf-8-sig"))))
    assert rows[0][:2] == ["表单编号", "表单"]
    assert {r[0] for r in rows[1:]} == {"GL/YJ-BG-01", "GL/YJ-BG-02"}
    col = {name: i for i, name in enumerate(rows[0])}
    assert all(r[col["本单位保存期限"]] == "二年" and r[col["保存年数"]] == "2" for r in rows[1:])
    assert all(r[col["归档时间"]] == "不归档" and r[col["档案保管期限"]] == "" for r in rows[1:])
    raci_rows = list(csv.reader(io.StringIO((out / "docs/indexes/raci.csv").read_bytes().decode("utf-8-sig"))))
    header = raci_rows[0]
    shouwen = next(r for r in raci_rows if r[0] == "LC-GW-01")
    assert shouwen[header.index("办公室文员")] == "R"
    assert "A" in shouwen[header.index("办公室主任")]
    limits = list(csv.reader(io.StringIO((out / "docs/indexes/time-limits.csv").read_bytes().decode("utf-8-sig"))))
    assert len(limits) - 1 == 4  # 2 + 1 in 收文, 1 in 发文
    from openpyxl import load_workbook

    wb = load_workbook(out / "docs/indexes/raci.xlsx")
    ws = wb.active
    assert ws.title == "RACI职责矩阵" and ws.max_row == 3
    page = (out / "docs/indexes/raci.md").read_text(encoding="utf-8")
    assert "(raci.xlsx)" in page and "(raci.csv)" in page


def test_every_yaml_file_starts_with_the_schema_modeline():
    for kind, pattern, rel in [("procedure", "procedures/**/*.yaml", "../../"), ("record", "records/*.yaml", "../"), ("role", "roles/*.yaml", "../")]:
        files = sorted(REPO.glob(pattern))
        assert files
        for f in files:
            first = f.read_text(encoding="utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema={rel}.handbook/schemas/{kind}.schema.json", f
            assert (f.parent / first.split("=", 1)[1]).resolve().is_file(), f


def test_editor_schema_ids_are_current():
    """.handbook/schemas/ (editor validation and completion) matches the tool and the content; `handbook schema` rewrites it."""
    from office_handbook.editor_schema import IDS_FILE, schema_files
    from office_handbook.pipeline import check

    for rel, expected in schema_files(check(REPO).handbook).items():
        assert (REPO / rel).read_text(encoding="utf-8") == expected, f"{rel}: run handbook schema"
    text = (REPO / IDS_FILE).read_text(encoding="utf-8")
    roles = json.loads(text)["definitions"]["role"]["anyOf"][0]["enum"]
    assert "office-director" in roles


def test_vscode_settings_map_the_schemas():
    settings = json.loads((REPO / ".vscode/settings.json").read_text(encoding="utf-8"))
    schemas = settings["yaml.schemas"]
    assert schemas[".handbook/schemas/procedure.schema.json"] == "procedures/**/*.yaml"
    assert "redhat.vscode-yaml" in json.loads((REPO / ".vscode/extensions.json").read_text())["recommendations"]


def test_pre_commit_hook_definitions():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "handbook-check")
    assert hook["entry"].startswith("handbook check")
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ids = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
    assert {"handbook-check", "ruff", "check-yaml"} <= ids


@pytest.mark.slow
def test_workflow_commands_run_locally():
    """Run what .github/workflows/handbook.yml runs on a pull request (not the hosted runner)."""
    import os

    env = dict(os.environ, PATH=f"{sys.prefix}/bin:{os.environ.get('PATH', '')}")
    proc = subprocess.run(["bash", ".ci/workflow-commands"], cwd=REPO, capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "## 手册变更" in proc.stdout


def test_workflow_files_parse_and_call_handbook():
    gh = yaml.safe_load((REPO / ".github/workflows/handbook.yml").read_text(encoding="utf-8"))
    text = json.dumps(gh, ensure_ascii=False)
    for cmd in ["handbook check --format github", "handbook build", "handbook diff"]:
        assert cmd in text
    gl = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert "pages" in gl and any("handbook check" in line for line in gl["check"]["script"])


@pytest.mark.skipif(sys.platform != "linux", reason="pre-commit run in CI on Linux")
@pytest.mark.slow
def test_pre_commit_run_all_files(tmp_path):
    """`pre-commit run --all-files` passes on the repo (pre-commit comes with the test extra)."""
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pc"), "PATH": f"{sys.prefix}/bin:/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--show-diff-on-failure"], cwd=REPO,
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
