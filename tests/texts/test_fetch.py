"""Fetching an official text from its address, against an HTTPS server the test starts on
loopback (a throw-away CA made with openssl): HTTPS only, limits, content type checked."""

import http.server
import shutil
import ssl
import subprocess
import threading
import time

import pytest
from django.core.management import CommandError, call_command

from tests.factories import TextFactory
from texts import fetching, services, tasks
from texts.extraction import ExtractionError
from texts.models import Text

from .pdfs import decision_pdf

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")

PDF = decision_pdf()
ERROR_PAGE = b"<html><head><title>Page not found</title></head><body>Sorry.</body></html>"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, content_type, body, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        routes = {
            "/mc-dec-7-06-fr.pdf": (200, "application/pdf", PDF),
            "/missing.pdf": (404, "text/html", ERROR_PAGE),
            "/soft-error.pdf": (200, "text/html", ERROR_PAGE),
            "/big.pdf": (200, "application/pdf", b"%PDF-1.4\n" + b"0" * 5000),
            "/word.doc": (200, "application/msword", b"PK\x03\x04"),
            "/lying.pdf": (200, "application/pdf", b"PK\x03\x04 not a pdf at all"),
        }
        if self.path == "/slow.pdf":
            time.sleep(2)
            return self.send(200, "application/pdf", PDF)
        if self.path == "/to-http":
            return self.send(302, "text/plain", b"", [("Location", "http://127.0.0.1:1/x.pdf")])
        status, content_type, body = routes.get(self.path, (404, "text/plain", b"no"))
        self.send(status, content_type, body)


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the slow answer's client has gone away: expected


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    server = QuietServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_port}", str(cert)
    server.shutdown()
    server.server_close()


@pytest.fixture
def base(https_server, settings):
    url, cert = https_server
    settings.TEXTS_FETCH_CA_FILE = cert
    settings.TEXTS_FETCH_TIMEOUT = 1
    return url


def test_fetching_an_official_pdf(base):
    fetched = fetching.fetch(f"{base}/mc-dec-7-06-fr.pdf")
    assert fetched.data == PDF
    assert fetched.content_type == "application/pdf"


@pytest.mark.parametrize(
    "path, words",
    [
        ("/missing.pdf", "answered 404 Not Found"),
        ("/soft-error.pdf", "promised text/html but sent HTML"),
        ("/word.doc", "answered with application/msword"),
        ("/lying.pdf", "neither a PDF nor an HTML"),
        ("/slow.pdf", "No answer within 1 seconds"),
        ("/to-http", "not HTTPS"),
    ],
)
def test_bad_answers_are_named(base, path, words):
    with pytest.raises(ExtractionError) as raised:
        fetching.fetch(base + path)
    assert words in raised.value.message


def test_over_the_size_limit(base, settings):
    settings.TEXTS_MAX_BYTES = 1000
    with pytest.raises(ExtractionError) as raised:
        fetching.fetch(f"{base}/big.pdf")
    assert raised.value.code == ExtractionError.TOO_LARGE


def test_plain_http_is_never_fetched(settings):
    with pytest.raises(ExtractionError, match="Only HTTPS"):
        fetching.fetch("http://127.0.0.1:1/doc.pdf")


def test_an_untrusted_certificate_is_refused(https_server, settings):
    settings.TEXTS_FETCH_CA_FILE = None
    with pytest.raises(ExtractionError, match="could not be reached"):
        fetching.fetch(f"{https_server[0]}/mc-dec-7-06-fr.pdf")


@pytest.mark.django_db
def test_fetching_an_address_only_text_fills_it_and_queues_it(base, decision, editor):
    pointer = TextFactory(commitment=decision, language="fr", url=f"{base}/mc-dec-7-06-fr.pdf")
    text = services.fetch_text(user=editor, text=pointer)
    assert text.pk == pointer.pk
    assert (text.state, text.extraction, text.sha256) == ("pending", "queued", Text.checksum(PDF))
    tasks.run_queued()
    text.refresh_from_db()
    assert text.extraction == "done" and text.paragraphs.filter(anchor="op-3").exists()


@pytest.mark.django_db
def test_a_failed_fetch_keeps_the_text_and_says_what_happened(base, decision, editor):
    pointer = TextFactory(commitment=decision, language="fr", url=f"{base}/missing.pdf")
    with pytest.raises(ExtractionError):
        services.fetch_text(user=editor, text=pointer)
    pointer.refresh_from_db()
    assert (pointer.state, pointer.extraction, bool(pointer.file)) == ("address", "none", False)
    assert "404" in pointer.message


@pytest.mark.django_db
def test_mirrors_are_never_fetched_as_official_texts(base, decision, editor):
    from catalog.editorial.policy import Refused

    mirror = TextFactory(
        commitment=decision, url=f"{base}/mc-dec-7-06-fr.pdf", address_kind="mirror"
    )
    with pytest.raises(Refused, match="mirror"):
        services.fetch_text(user=editor, text=mirror)


@pytest.mark.django_db
def test_the_fetch_command(base, decision, editor):
    TextFactory(commitment=decision, language="fr", url=f"{base}/mc-dec-7-06-fr.pdf")
    TextFactory(commitment=decision, language="de", url=f"{base}/missing.pdf")
    with pytest.raises(CommandError, match="1 text"):
        call_command("fetch_texts", "mc-dec-7-06", user=editor.username)
    assert Text.objects.get(language="fr").extraction == "queued"
    assert Text.objects.get(language="de").state == "address"
    call_command("extract_texts")
    assert Text.objects.get(language="fr").extraction == "done"
