"""What the code points to exists: test files named in docstrings, comments and the docs,
Makefile targets, and migrations that depend on no app code that may change."""

import ast
import re

from django.conf import settings

ROOT = settings.BASE_DIR
PROJECT_PACKAGES = ("catalog", "participation", "osce_portal", "tests")


def python_files(*folders):
    for folder in folders:
        yield from (ROOT / folder).rglob("*.py")


def test_every_test_file_named_in_the_code_and_the_docs_exists():
    named = set()
    sources = [*python_files("catalog", "participation", "osce_portal", "scripts")]
    sources += [*(ROOT / "docs").glob("*.md"), ROOT / "README.md"]
    for path in sources:
        named.update(re.findall(r"\b(tests/[\w/]+\.py)\b", path.read_text()))
    assert named, "the code names no test file: the pattern no longer finds them"
    assert sorted(name for name in named if not (ROOT / name).is_file()) == []


def test_every_declared_make_target_exists():
    makefile = (ROOT / "Makefile").read_text()
    declared = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE).group(1).split()
    defined = set(re.findall(r"^([\w.-]+):", makefile, re.MULTILINE))
    assert "check-deploy" in declared
    assert sorted(set(declared) - defined) == []


def test_migrations_import_no_app_code():
    """A migration must keep working whatever later becomes of the app's modules.

    The one exception Django itself writes: field validators named in 0001 (`catalog.models.
    validate_symbol`, …) are referenced by path, as makemigrations generates them.
    """
    found = []
    for path in python_files("catalog/migrations", "participation/migrations"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                if name.split(".")[0] in PROJECT_PACKAGES and name != "catalog.models":
                    found.append(f"{path.relative_to(ROOT)}: {name}")
                elif name == "catalog.models" and node.col_offset:
                    found.append(f"{path.relative_to(ROOT)}: {name} inside a function")
    assert found == []


def test_make_check_deploy_runs_the_deploy_checks_with_production_like_settings():
    import os
    import subprocess

    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REDIS_URL", "MAKEFLAGS", "MFLAGS"))
    }
    result = subprocess.run(
        ["make", "-s", "check-deploy"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
