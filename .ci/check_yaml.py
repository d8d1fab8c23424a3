"""YAML syntax check for pre-commit: every file parses (custom tags such as mkdocs' !!python/name allowed)."""

import sys

import yaml


class Loader(yaml.SafeLoader):
    pass


Loader.add_multi_constructor("", lambda loader, suffix, node: None)
Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)

bad = 0
for name in sys.argv[1:]:
    try:
        with open(name, encoding="utf-8") as fh:
            list(yaml.load_all(fh, Loader=Loader))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        print(f"{name}: {exc}")
        bad += 1
sys.exit(1 if bad else 0)
