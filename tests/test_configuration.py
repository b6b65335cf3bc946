"""The configuration is documented from the settings module itself, so the two cannot drift:
every environment variable `osce_portal/settings.py` reads is in `.env.example` and in the table
of docs/configuration.md (and nothing else is), with the same default where the default is a
plain value; every variable the Makefile lets you set is documented too."""

import ast
import re

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR
SETTINGS = ROOT / "osce_portal" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"
REFERENCE = ROOT / "docs" / "configuration.md"
UNKNOWN = object()


def constant(node):
    """The value of a default made of literals and arithmetic (4 * 60 * 60), else UNKNOWN."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        pass
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Add):
        left, right = constant(node.left), constant(node.right)
        if isinstance(left, int) and isinstance(right, int):
            return left * right if isinstance(node.op, ast.Mult) else left + right
    return UNKNOWN


def settings_variables():
    """{name: default} for every env.<type>("NAME", default=…) call in the settings module."""
    found = {}
    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "env"):
            continue
        if not (node.args and isinstance(node.args[0], ast.Constant)):
            continue
        name = node.args[0].value
        if not (isinstance(name, str) and re.fullmatch(r"[A-Z][A-Z0-9_]+", name)):
            continue
        default = next((k.value for k in node.keywords if k.arg == "default"), None)
        found[name] = UNKNOWN if default is None else constant(default)
    return found


def example_variables():
    """Names set or shown (commented out) in .env.example."""
    pattern = re.compile(r"^#?\s*([A-Z][A-Z0-9_]+)=", re.MULTILINE)
    return set(pattern.findall(ENV_EXAMPLE.read_text()))


def reference_table(heading):
    """{name: default cell} from the table under `heading` in docs/configuration.md."""
    text = REFERENCE.read_text()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]):
            rows[name] = cells[1]
    return rows


def documented(value):
    """How the reference writes a default value."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def test_the_settings_read_the_variables_this_test_knows_how_to_find():
    variables = settings_variables()
    assert {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= variables.keys()
    assert len(variables) >= 35


def test_env_example_lists_every_variable_the_settings_read():
    assert sorted(settings_variables().keys() - example_variables()) == []
    assert sorted(example_variables() - settings_variables().keys()) == []


def test_the_reference_documents_every_variable_the_settings_read():
    reference = reference_table("Environment variables")
    assert sorted(settings_variables().keys() - reference.keys()) == []
    assert sorted(reference.keys() - settings_variables().keys()) == []


@pytest.mark.parametrize(
    "name,default",
    sorted(
        (name, default)
        for name, default in settings_variables().items()
        if default is not UNKNOWN and default not in ("", [], None)
    ),
)
def test_the_reference_gives_the_settings_default(name, default):
    cell = reference_table("Environment variables")[name]
    if " / " in cell:  # a row for two variables: "`5` / `3600`"
        assert f"`{documented(default)}`" in cell
    else:
        assert cell.split("`")[1] == documented(default), cell


def test_the_reference_documents_every_make_variable():
    makefile = (ROOT / "Makefile").read_text()
    variables = set(re.findall(r"^([A-Z][A-Z_]+) \?=", makefile, re.MULTILINE))
    assert {"HOST", "PORT", "PYTEST_ARGS", "TEST_WORKERS"} <= variables
    assert sorted(variables - reference_table("Make variables").keys()) == []
