import atexit
import gc
import importlib
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.test.utils import override_settings
from django.utils import translation
from hypothesis import configuration as hypothesis_configuration

from tests import factories, resources
from tests.snapshots import CapturedLoad
from tests.task_backends import IMMEDIATE_TASKS

SEED_FIXTURE = settings.BASE_DIR / "fixtures" / "catalogue.json"

# The settings skip .env while pytest runs (PYTEST_VERSION), and pytest-env removes REDIS_URL
# from the environment (pyproject.toml): a developer's Redis database, which every test would
# empty, is never the cache. Should that ever fail, refuse to run. Tests that need Redis use
# OSCE_TEST_REDIS_URL (tests/resources.py).
# Hypothesis (under schemathesis) keeps its examples and caches in ./.hypothesis by default.
# Its examples stay in a folder of this process's own, removed at exit (no run replays another's);
# the tables it derives from Unicode and the constants it reads from source files, each stored
# under what it was computed from (the Unicode version and codec, a hash of the source), are
# shared by every process and run through the run's cache folder (resources.TEST_CACHE, a
# temporary folder): each worker computed them again, about a second of CPU.
_hypothesis_cache = resources.TEST_CACHE / "hypothesis"
_hypothesis_cache.mkdir(parents=True, exist_ok=True)
_hypothesis_home = tempfile.mkdtemp(prefix="home-", dir=_hypothesis_cache)
atexit.register(shutil.rmtree, _hypothesis_home, ignore_errors=True)
for _shared in ("unicode_data", "constants"):
    (_hypothesis_cache / _shared).mkdir(exist_ok=True)
    os.symlink(_hypothesis_cache / _shared, Path(_hypothesis_home, _shared))
hypothesis_configuration.set_hypothesis_home_dir(_hypothesis_home)

if settings.REDIS_URL or os.environ.get("REDIS_URL"):
    raise pytest.UsageError(
        "REDIS_URL is set: the tests would empty that Redis database (is pytest-env installed? "
        "see pyproject.toml). Tests that need Redis use OSCE_TEST_REDIS_URL."
    )

# On PostgreSQL the test connections do not wait for the server to flush each commit to disk
# (transactional and browser tests commit often; the server is shared, so this is a setting of
# the test sessions, not of the server). What a commit makes visible is unchanged; only a
# crash of the server could lose the last commits of a test database.
if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session")
def django_db_setup(  # noqa: PLR0913, PLR0917 - pytest-django's own fixture, with these arguments
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's `django_db_setup`, but each process starts from a copy of the migrated
    test database, migrated once per set of migrations (tests/databases.py)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from tests import databases

    if not django_db_use_migrations:
        _disable_migrations()
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    workerinput = getattr(request.config, "workerinput", {})
    with django_db_blocker.unblock():
        db_cfg = databases.setup_databases(
            setup_databases,
            aliases,
            run_id=workerinput.get("testrunuid") or uuid.uuid4().hex,
            reuse=django_db_keepdb,
            rebuild=django_db_createdb,
            use_migrations=django_db_use_migrations,
            verbosity=request.config.option.verbose,
            interactive=False,
            serialized_aliases=serialized_aliases,
        )

    yield

    if not django_db_keepdb:
        with django_db_blocker.unblock():
            try:
                teardown_databases(db_cfg, verbosity=request.config.option.verbose)
            except Exception as exc:
                request.node.warn(
                    pytest.PytestWarning(f"Error when trying to teardown test databases: {exc!r}")
                )


def load_seed_fixture():
    call_command("loaddata", SEED_FIXTURE, verbosity=0)
    # loaddata writes behind the services' back: build the search index, as load_seed does.
    from catalog import search

    search.refresh()


# The rows load_seed_fixture() writes, captured by the first test that asks for the seed and
# inserted again by every later one (tests/snapshots.py).
_seed = CapturedLoad(load_seed_fixture)


@pytest.fixture
def seed(db):
    """The real seed catalogue.

    Loaded with plain loaddata for speed; `load_seed`'s validation of every record is covered
    once, in tests/test_seed.py. Loaded once per process: later tests get the same rows
    inserted verbatim (search index included) inside their own transaction.
    """
    _seed.put()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """The records a fixture builds with the factories are indexed once, when its setup ends
    (one search rebuild and one version step instead of one per record; tests/factories.py
    `batch`). A test's own factory calls are followed one by one, as before."""
    with factories.batch():
        return (yield)


@pytest.fixture(scope="session", autouse=True)
def folders_in_temporary_space(tmp_path_factory):
    """Every folder the settings name (uploads, static files, backups) is a temporary one."""
    root = tmp_path_factory.mktemp("site-folders")
    storages = {
        **settings.STORAGES,
        "dbbackup": {**settings.STORAGES["dbbackup"], "OPTIONS": {"location": root / "backups"}},
    }
    with override_settings(
        MEDIA_ROOT=root / "media", STATIC_ROOT=root / "static", STORAGES=storages
    ):
        yield root


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Passwords are hashed with a fast hasher in this process: the default PBKDF2 costs
    ~0.3 s of CPU per hash, and every password a test sets and every login (failed ones too)
    hashes once. The site's own hashers are what the subprocesses of the deployment tests
    run (tests/deploy/)."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (throttle counters, cached catalogue aggregates)."""
    cache.clear()
    if "fragments" in settings.CACHES:
        caches["fragments"].clear()


@pytest.fixture(autouse=True)
def english_to_begin_with():
    """Each test starts in English. A request leaves its language active in the thread, and
    a record made after it with `title=` would write that language's column (translated
    fields, catalog/translation.py) instead of the English. And ends in English, so a
    module's fixtures built after it are too."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Tasks run where they are enqueued (on commit), so a test sees their effect; a test of
    the worker or of a backend sets TASKS itself."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def shared_cache(settings):
    """Redis as the default cache, as in production: the test Redis database
    (OSCE_TEST_REDIS_URL), under this test's own key prefix, emptied afterwards. Yields the
    Redis client of that prefix."""
    client = resources.redis_cache()
    settings.CACHES = {"default": resources.redis_cache_settings(client.key_prefix)}
    yield client
    client.clear()


def restore_editorial_groups(sender, **kwargs):
    """The groups Editor and Publisher come from data migrations, which a flush (after each
    transactional test, and in the live-site fixtures) does not replay: put them back with the
    migrations' permission lists, so a test's place in the run does not decide whether they
    exist. (Permissions themselves are recreated by Django's own post_migrate receiver, app by
    app: this runs on the last app that grants any, `texts`.) Every data migration that grants
    permissions to the groups is listed here; tests/test_conftest_groups.py checks the restored
    groups against the migrated ones."""
    if sender.label != "texts" or Group.objects.filter(name="Publisher").exists():
        return
    from django.contrib.auth.models import Permission

    migration = importlib.import_module
    groups = migration("catalog.migrations.0003_editorial_groups")
    unlock = migration("catalog.migrations.0020_publishers_unlock_logins")
    thesaurus = migration("catalog.migrations.0023_thesaurus_terms")
    texts = migration("texts.migrations.0002_editorial_permissions")
    for name, app_codenames in (
        (
            "Editor",
            [("catalog", [*groups.EDITOR, *thesaurus.EDITOR]), ("texts", texts.CODENAMES)],
        ),
        (
            "Publisher",
            [
                ("catalog", [*groups.PUBLISHER, *thesaurus.PUBLISHER]),
                ("axes", unlock.CODENAMES),
                ("texts", texts.CODENAMES),
            ],
        ),
    ):
        group = Group.objects.create(name=name)
        for app_label, codenames in app_codenames:
            permissions = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            group.permissions.add(*permissions)


def forget_flushed_search_rows(sender, **kwargs):
    """SQLite's full-text tables are not models, so a flush leaves its rows behind: rows of
    records that no longer exist, which would still weigh in every later test's ranking (BM25
    counts every row). Remove them as a flush removes everything else."""
    from django.db import connection

    from catalog import search

    if sender.label != "catalog" or connection.vendor != "sqlite":
        return
    if search.fts5_available():
        with connection.cursor() as cursor:
            for table in search.fts_tables():
                cursor.execute(
                    f"DELETE FROM {table} WHERE rowid NOT IN (SELECT id FROM catalog_commitment)"
                )


post_migrate.connect(restore_editorial_groups, dispatch_uid="tests-restore-editorial-groups")
post_migrate.connect(forget_flushed_search_rows, dispatch_uid="tests-forget-flushed-search-rows")


def make_staff(django_user_model, username, group_name, password=None):
    """A staff user in one of the editorial groups ("Editor", "Publisher"); without a password
    it cannot sign in through the form (`Client.force_login` it)."""
    user = django_user_model.objects.create_user(
        username=username, password=password, is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return make_staff(django_user_model, "erin", "Editor")


@pytest.fixture
def publisher(db, django_user_model):
    return make_staff(django_user_model, "paul", "Publisher")


# --- The suite writes nothing into the project's folders -----------------------------------

IGNORED_FOLDERS = {
    ".git",
    ".venv",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
}


def project_files():
    """Every file under the project (tools' caches, installed packages and the reports folder
    CI names in OSCE_TEST_RESULTS left out)."""
    reports = os.environ.get("OSCE_TEST_RESULTS")
    reports = Path(reports).resolve() if reports else None
    found = {}
    for folder, folders, files in os.walk(settings.BASE_DIR):
        folders[:] = [
            name
            for name in folders
            if name not in IGNORED_FOLDERS and Path(folder, name).resolve() != reports
        ]
        for name in files:
            path = Path(folder, name)
            try:
                stat = path.stat()
            except OSError:
                continue
            found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


WATCHED = [settings.BASE_DIR / "db.sqlite3", settings.BASE_DIR / ".env"]


def compile_stale_catalogs():
    """Build the .mo file of each interface catalog that is missing or older than its .po
    (`make test` has done it already; a bare `pytest` run then needs no other step)."""
    if shutil.which("msgfmt") is None:
        return  # tests/test_translations.py says what is missing
    for po in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime_ns < po.stat().st_mtime_ns:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controlling process only
        compile_stale_catalogs()  # before the snapshot: the .mo files are built, not written
        session.config.project_files_before = project_files()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "project_files_before", None)
    if before is None:
        return
    after = project_files()
    written = {str(path) for path in after.keys() - before.keys()}
    written |= {str(p) for p in WATCHED if p in after and after[p] != before.get(p)}
    written |= {str(p) for p in WATCHED if p in before and p not in after}
    written = sorted(written)
    if written:
        session.config.get_terminal_writer().line(
            "The test run wrote into the project's folders (tests may write only to "
            "temporary folders):\n  " + "\n  ".join(written),
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(config, items):
    """Browser and deployment tests are the slow end-to-end ones (make test-fast skips them).

    The browser tests run one after another in one worker (`--dist loadgroup`, the group
    "browser") while the others run the rest: a browser test waits on Chromium and the live
    server for about 40 % of its time, which another worker's CPU-bound tests fill; spread over
    every worker, they waited at the same time (`make test` on SQLite, 2 workers, idle machine:
    pytest 4 min 2 s → 3 min 29 s)."""
    for item in items:
        if item.get_closest_marker("e2e") or item.get_closest_marker("deploy"):
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("e2e") and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    """Before the first test: what the process has loaded so far (Django, the project, every
    test module) is moved out of the garbage collector's reach (`gc.freeze()`, as the site's
    gunicorn workers do): it lives until the process ends, and every full collection during the
    tests walked it again. (tests/editorial and tests/site, two workers, four runs each way on
    an idle machine: 2-16 % less user CPU in every pair.)"""
    gc.collect()
    gc.freeze()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session):
    """`--dist loadgroup` sends the tests of one xdist_group("name") to one worker by the
    "@name" pytest-xdist appends to their node ids in each worker. pytest-xdist 3.8 writes it
    to `item._nodeid`, which pytest 9 no longer reads (a node's id is `item._id`): every group
    was spread over the workers, each building the group's module-scoped fixture (a deployment,
    3,000 synthetic records) again. Append it where pytest 9 keeps it, before the worker sends
    its collection to the controller."""
    config = session.config
    if not (hasattr(config, "workerinput") and config.getvalue("loadgroup")):
        return
    from _pytest.nodeid import NodeId

    for item in session.items:
        names = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        if names and "@" not in item.nodeid.rpartition("]")[2]:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")
