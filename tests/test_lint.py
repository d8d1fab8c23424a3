"""ruff is part of the test run, so a lint error fails CI like any other test."""

import subprocess
import sys

from conftest import REPO


def test_ruff_clean():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "generator", "tests", "benchmarks", "setup.py"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
