"""`make backup` and `make restore` round-trip the whole database, on the suite's database
kind (SQLite file or a scratch PostgreSQL database): every model — catalogue, editorial log,
revisions, users and groups — comes back identical by row count and content checksum, and
search works on the restored records.

The scratch databases start as copies of the seed catalogue `migrate` and `load_seed` built
once (conftest.py's seeded_database, which the deployment tests copy too: a file copy, or a
PostgreSQL template); each step that runs in the project's own process is one `manage.py` run
(`shell -c` with several steps in it), and `make backup` / `make restore` run as a production
operator runs them."""

import json
import os
import secrets
import shutil
import subprocess

import pytest
from django.conf import settings

from .conftest import database_url

# The seeded database is built once per process: one worker runs every test that copies it.
pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("deploy")]

ROOT = settings.BASE_DIR
SEED_COMMITMENTS = sum(
    1
    for record in json.loads((ROOT / "fixtures" / "catalogue.json").read_text())
    if record["model"] == "catalog.commitment"
)

CHECKSUMS = r"""
import hashlib, json
from django.apps import apps
result = {}
for model in apps.get_models():
    if not model._meta.managed or model._meta.proxy:
        continue  # no table of its own (django-rq's dashboard entry, proxies)
    rows = list(model._default_manager.order_by("pk").values())
    digest = hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()
    result[model._meta.label] = [len(rows), digest]
print(json.dumps(result))
"""

EDITORIAL_HISTORY = r"""
import reversion
from django.contrib.auth.models import Group, User
from catalog.editorial import services
from catalog.models import Commitment
publisher = User.objects.create_user("publisher", password="a long test password", is_staff=True)
publisher.groups.add(Group.objects.get(name="Publisher"))
User.objects.create_user("reader", password="another long password")
record = Commitment.objects.get(slug="pc-dec-1063")
with reversion.create_revision():
    record.summary = "Edited before the backup."
    record.save()
    reversion.set_user(publisher)
    reversion.set_comment("Edited")
services.transition(record, "draft", user=publisher, comment="Logged")
"""

DAMAGE = r"""
from django.contrib.auth.models import Group, User
from reversion.models import Revision
from catalog.models import Commitment, StatusChange
Commitment.objects.filter(slug="mc-dec-7-06").delete()
Commitment.objects.filter(slug="pc-dec-1063").update(title="Changed after the backup")
User.objects.filter(username="reader").delete()
Group.objects.create(name="Added after the backup")
StatusChange.objects.all().delete()
Revision.objects.all().delete()
"""

SEARCH = r"""
from catalog import search
from catalog.models import Commitment
found = search.search_commitments(Commitment.objects.published(), "MC.DEC/7/06")
print(json.dumps([c.slug for c in found][:3]))
"""


def manage(env, *args):
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def shell(env, code, lines=1):
    """The last line (or `lines` lines) `code` printed, run in `manage.py shell`."""
    output = manage(env, "shell", "-c", "import json\n" + code).strip().splitlines()
    return output[-1] if lines == 1 else output[-lines:]


def make(env, target):
    result = subprocess.run(
        ["make", "-s", target], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def base_env(url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "on",
            "DJANGO_BACKUP_DIR": str(tmp_path / "backups"),
        }
    )
    return env


@pytest.fixture
def scratch(tmp_path, seeded_database):
    """The environment of `manage.py` and `make` on a fresh copy of the seeded database."""
    if not shutil.which("make") or not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("needs make and the project's .venv (make test creates it)")
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL backups need pg_dump and pg_restore (postgresql-client)")
    url, drop = database_url(tmp_path, purpose="backup", copy_of=seeded_database)
    yield base_env(url, tmp_path)
    drop()


def test_backup_and_restore_round_trip_every_model(scratch):
    env = scratch
    before = json.loads(shell(env, EDITORIAL_HISTORY + CHECKSUMS))
    assert before["catalog.Commitment"][0] == SEED_COMMITMENTS
    assert before["catalog.StatusChange"][0] >= 1
    assert before["reversion.Version"][0] >= 1
    assert before["auth.User"][0] == 2
    assert before["auth.Group"][0] == 2

    output = make(env, "backup")
    backups = os.listdir(env["DJANGO_BACKUP_DIR"])
    assert any(name.endswith(".gz") for name in backups), backups

    damaged = json.loads(shell(env, DAMAGE + CHECKSUMS))
    assert damaged["catalog.Commitment"][0] == SEED_COMMITMENTS - 1
    assert damaged != before

    output = make(env, "restore")
    assert f"Search index rebuilt for {SEED_COMMITMENTS} commitments." in output

    after, found = (json.loads(line) for line in shell(env, CHECKSUMS + SEARCH, lines=2))
    differing = {label for label in before if before[label] != after.get(label)}
    assert differing == set(), {label: (before[label], after.get(label)) for label in differing}
    assert found[0] == "mc-dec-7-06"


def test_backup_and_restore_never_write_settings_and_keep_debug_off(scratch):
    """Production runs them with the documented default, debug off, and often without a .env:
    neither target may create or edit one (an earlier `make backup` wrote DJANGO_DEBUG=on)."""
    env = {name: value for name, value in scratch.items() if name != "DJANGO_DEBUG"}
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    settings_file = ROOT / ".env"
    before = settings_file.read_bytes() if settings_file.exists() else None
    rules = subprocess.run(
        ["make", "-pn", "backup", "restore"], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout
    for target in ("backup", "restore"):
        (rule,) = [line for line in rules.splitlines() if line.startswith(f"{target}:")]
        assert ".env" not in rule.split(":", 1)[1].split()

    debug = "from django.conf import settings; print(settings.DEBUG)"
    assert shell(env, debug) == "False"
    make(env, "backup")
    make(env, "restore")

    after = settings_file.read_bytes() if settings_file.exists() else None
    assert after == before
    assert shell(env, debug) == "False"
