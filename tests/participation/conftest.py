import email
import email.policy
import os

import pytest

SMTP_PORT = int(os.environ.get("TEST_SMTP_PORT", "22025"))
# Never the REDIS_URL a developer's site uses: the tests empty this database.
REDIS_TEST_URL = os.environ.get("OSCE_TEST_REDIS_URL") or "redis://127.0.0.1:6379/10"


class Inbox:
    """Messages received by the loopback SMTP server, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def body(self, index=-1):
        return self.messages[index].get_body(("plain",)).get_content().replace("\r\n", "\n")


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback (aiosmtpd); Django sends to it with the SMTP backend."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = SMTP_PORT
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def redis_cache(settings):
    """The shared cache on a real Redis (OSCE_TEST_REDIS_URL, db 10 by default); skipped without."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        if os.environ.get("CI"):  # .ci/run starts Redis: there the test must not be skipped
            pytest.fail(f"Redis is not reachable at {REDIS_TEST_URL}")
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": "osce_portal_test_participation",
        }
    }
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()
