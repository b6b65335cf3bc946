"""gunicorn.conf.py's worker hook: what a worker has loaded is kept out of the collector's
full passes (gc.freeze), so a full collection walks only what requests made."""

import gc
import runpy

from django.conf import settings


def test_a_started_worker_freezes_what_it_has_loaded():
    config = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        config["post_worker_init"](worker=None)
        frozen = gc.get_freeze_count()
        # Everything the test process has loaded: Django, the apps, pytest — far more than a
        # request makes.
        assert frozen > 100_000
        made_later = [[n] for n in range(1000)]  # tracked containers, as requests make
        assert all(gc.is_tracked(item) for item in made_later)
        # Not frozen: collected as before (the count only falls, as frozen objects die).
        assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
