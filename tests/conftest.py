import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.core.management import call_command

SEED_FIXTURE = settings.BASE_DIR / "fixtures" / "catalogue.json"


@pytest.fixture
def seed(db):
    """The real seed catalogue.

    Loaded with plain loaddata for speed; `load_seed`'s validation of every record is covered
    once, in tests/test_seed.py.
    """
    call_command("loaddata", SEED_FIXTURE, verbosity=0)
    # loaddata writes behind the services' back: build the search index, as load_seed does.
    from catalog import search

    search.refresh()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (throttle counters, cached catalogue aggregates)."""
    cache.clear()
    if "fragments" in settings.CACHES:
        caches["fragments"].clear()


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Tasks run where they are enqueued (on commit), so a test sees their effect; a test of
    the worker or of a backend sets TASKS itself."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_staff(django_user_model, username, group_name):
    """A staff user in one of the editorial groups ("Editor", "Publisher")."""
    user = django_user_model.objects.create_user(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return make_staff(django_user_model, "erin", "Editor")


@pytest.fixture
def publisher(db, django_user_model):
    return make_staff(django_user_model, "paul", "Publisher")
