"""ruff is part of the test run, so a lint error fails CI like any other test."""

import shutil
import subprocess

from conftest import REPO


def test_ruff_clean():
    ruff = shutil.which("ruff")
    assert ruff, "ruff is installed by the [test] extra"
    proc = subprocess.run([ruff, "check", "generator", "tests", "benchmarks"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
