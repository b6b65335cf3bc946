"""WSGI entry point for `scripts/bench.py` only: the site plus a bare view to compare against.

The bare view never reaches production: it lives in this URLconf, which only the benchmark's
gunicorn loads (`gunicorn --pythonpath scripts bench_wsgi:application`). With BENCH_UNCACHED set
it uses a dummy cache, so every request is computed in full.
"""

import os

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osce_portal.settings")
django.setup(set_prefix=False)
settings.ROOT_URLCONF = "bench_urls"
if os.environ.get("BENCH_UNCACHED"):
    # Nothing is ever reused: every request pays for its facets, counts, ETag state,
    # rendered fragments and page.
    dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    settings.CACHES = {"default": dummy, "fragments": dummy}
application = get_wsgi_application()
