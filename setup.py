"""Packs the example handbook (this repository's content) into the wheel as office_handbook/example/,
so that `handbook init --example` works from an installed package. Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
EXAMPLE = ["procedures", "records", "roles", "docs/policies", "handbook.yml"]


class BuildWithExample(build_py):
    def run(self):
        super().run()
        package = next((Path(self.build_lib) / name for name in ("office_handbook", "generator")
                        if (Path(self.build_lib) / name).is_dir()), None)
        if package is None or not (HERE / "handbook.yml").is_file():
            return
        target = package / "example"
        for name in EXAMPLE:
            src, dst = HERE / name, target / name
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
            elif src.is_file():
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)


setup(cmdclass={"build_py": BuildWithExample})
