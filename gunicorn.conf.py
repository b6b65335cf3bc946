"""gunicorn's settings that must agree with the portal's (gunicorn reads this file from the
working directory: run it from the project folder, as docs/operations.md does).

gunicorn itself turns `X-Forwarded-Proto: https` into an HTTPS request for any peer in
`forwarded_allow_ips` (by default every local process, 127.0.0.1 and ::1), whatever the portal
trusts. Here it follows `DJANGO_TRUSTED_PROXIES`, read by the portal's own settings: with 0 no
peer's forwarded headers count, with 1 or more those of nginx on loopback do. Only the header
nginx sets (and `SECURE_PROXY_SSL_HEADER` names) says HTTPS. `FORWARDED_ALLOW_IPS` in the
environment still wins, for a proxy on another host.
"""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osce_portal.settings")

from django.conf import settings  # noqa: E402 - after the settings module is named

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or (
    "127.0.0.1,::1" if settings.TRUSTED_PROXIES > 0 else ""
)
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}


def post_worker_init(worker):
    """Once a worker has loaded the portal, everything loaded so far (Django, the apps, the
    URLconf, the translations) is moved out of the garbage collector's reach: it lives as long
    as the worker, and each full collection would otherwise walk all of it again — about 70 ms
    at a time, every few dozen requests, measured on the public pages. Objects made while
    serving requests are collected as before."""
    gc.collect()
    gc.freeze()
