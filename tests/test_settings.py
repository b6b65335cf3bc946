import os
import runpy
import secrets
import subprocess
import sys
import types
from unittest import mock

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "off",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    # Checks never connect; a shared cache is what production runs with (W001 otherwise).
    "REDIS_URL": "redis://127.0.0.1:6379/10",
}


# `manage.py check` opens the database: without DATABASE_URL that would create db.sqlite3 in
# the project. These checks need no data.
NO_DATABASE_FILE = "sqlite://:memory:"


def manage(*args, env=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment["DATABASE_URL"] = NO_DATABASE_FILE
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_real_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_warns_when_rate_limits_would_be_counted_per_worker():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "osce_portal.W001" in result.stderr
    assert "each counts separately" in result.stderr
    silenced = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**env, "DJANGO_SILENCED_SYSTEM_CHECKS": "osce_portal.W001"},
    )
    assert silenced.returncode == 0, silenced.stdout + silenced.stderr


@pytest.mark.parametrize(
    "placeholder",
    [
        "change-me-to-a-random-string-of-at-least-fifty-characters",  # .env.example
        "django-insecure-dev-only-key-never-use-in-production",
        "django-insecure-" + "x7" * 30,
        "please-changeme-" + secrets.token_urlsafe(40),
        "a" * 60,
    ],
    # Fixed ids: a random value in an id differs between pytest-xdist workers.
    ids=["env-example", "dev-key", "django-insecure", "changeme", "one-character"],
)
def test_production_refuses_placeholder_secret_keys(placeholder):
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": placeholder})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_env_example_secret_is_refused_by_name():
    example = (settings.BASE_DIR / ".env.example").read_text()
    value = next(
        line.split("=", 1)[1]
        for line in example.splitlines()
        if line.startswith("DJANGO_SECRET_KEY=")
    )
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": value})
    assert result.returncode != 0
    assert "placeholder" in result.stderr


def production_settings(env):
    """The settings module as production would load it with `env`: its code run afresh in
    this process (not imported: this process's settings stay as they are) with production's
    environment in place of this one's, and read as an object, as `django.conf.settings` is."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment["DATABASE_URL"] = NO_DATABASE_FILE
    environment.update({**PRODUCTION_ENV, **env, "DJANGO_SETTINGS_MODULE": "osce_portal.settings"})
    with mock.patch.dict(os.environ, environment, clear=True):
        names = runpy.run_path(str(settings.BASE_DIR / "osce_portal" / "settings.py"))
    return types.SimpleNamespace(**{name: value for name, value in names.items() if name.isupper()})


def test_one_trusted_proxies_setting_drives_throttle_lockout_and_https_detection():
    def proxies(env):  # repr: the exact values and their types, as production reads them
        s = production_settings(env)
        return repr(
            (
                s.TRUSTED_PROXIES,
                s.REST_FRAMEWORK["NUM_PROXIES"],
                s.SECURE_PROXY_SSL_HEADER,
                s.AXES_CLIENT_IP_CALLABLE,
            )
        )

    assert proxies({}) == "(0, 0, None, 'osce_portal.security.client_ip')"
    assert proxies({"DJANGO_TRUSTED_PROXIES": "1"}) == (
        "(1, 1, ('HTTP_X_FORWARDED_PROTO', 'https'), 'osce_portal.security.client_ip')"
    )


def test_sessions_expire_after_the_configured_idle_time():
    def sessions(env):
        s = production_settings(env)
        return repr((s.SESSION_COOKIE_AGE, s.SESSION_SAVE_EVERY_REQUEST))

    assert sessions({}) == "(14400, True)"
    assert sessions({"DJANGO_SESSION_IDLE_SECONDS": "900"}) == "(900, True)"
