import email
import email.policy

import pytest

from tests import resources


class Inbox:
    """Messages received by the loopback SMTP server, parsed."""

    def __init__(self):
        self.messages = []
        self.refused = set()  # addresses the server refuses (550), as a real one may

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

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
    port = resources.smtp_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def redis_cache(shared_cache):
    """The shared cache on the test Redis (OSCE_TEST_REDIS_URL, under this test's own prefix)."""
    from django.core.cache import cache

    return cache
