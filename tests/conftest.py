import pytest
from django.core.management import call_command


@pytest.fixture
def seed(db):
    """The real seed catalogue, loaded the way `make run` loads it."""
    call_command("load_seed", verbosity=0)
