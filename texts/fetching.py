"""Fetching an official text from its address: HTTPS only, bounded in size and time.

Redirects are followed only to HTTPS addresses; the answer must be a PDF or an HTML page
(by its Content-Type and by its bytes); a status other than 200, a timeout, or more than
TEXTS_MAX_BYTES end with an `ExtractionError` that says which.
"""

import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .extraction import HTML, PDF, ExtractionError, sniff

ACCEPTED_TYPES = {
    "application/pdf": PDF,
    "application/x-pdf": PDF,
    "text/html": HTML,
    "application/xhtml+xml": HTML,
}
CHUNK = 64 * 1024


@dataclass
class Fetched:
    url: str
    data: bytes
    content_type: str
    retrieved_at: object


def _fail(message):
    return ExtractionError(ExtractionError.FETCH, message)


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme != "https":
            raise _fail(
                _("The address redirected to %(url)s, which is not HTTPS.") % {"url": newurl}
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener():
    context = ssl.create_default_context(cafile=settings.TEXTS_FETCH_CA_FILE)
    return urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context), _HttpsOnlyRedirects()
    )


def fetch(url, *, timeout=None, max_bytes=None):
    timeout = timeout or settings.TEXTS_FETCH_TIMEOUT
    max_bytes = max_bytes or settings.TEXTS_MAX_BYTES
    if urlsplit(url).scheme != "https":
        raise _fail(_("Only HTTPS addresses are fetched (“%(url)s”).") % {"url": url})
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": "OSCE-Portal/1 (official text fetch)",
            "Accept": "application/pdf, text/html",
        },
    )
    try:
        with _opener().open(request, timeout=timeout) as response:
            declared = (response.headers.get_content_type() or "").lower()
            if declared not in ACCEPTED_TYPES:
                raise _fail(
                    _("The address answered with %(type)s, not a PDF or an HTML page.")
                    % {"type": declared or _("no content type")}
                )
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise ExtractionError(
                    ExtractionError.TOO_LARGE,
                    _("The file has %(size)s bytes; the limit is %(limit)s (TEXTS_MAX_BYTES).")
                    % {"size": f"{int(length):,}", "limit": f"{max_bytes:,}"},
                )
            chunks, size = [], 0
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise ExtractionError(
                        ExtractionError.TOO_LARGE,
                        _("The file is larger than the limit of %(limit)s bytes (TEXTS_MAX_BYTES).")
                        % {"limit": f"{max_bytes:,}"},
                    )
                chunks.append(chunk)
            final_url = response.geturl()
    except urllib.error.HTTPError as error:
        raise _fail(
            _("The address answered %(status)s %(reason)s instead of the document.")
            % {"status": error.code, "reason": error.reason}
        ) from None
    except TimeoutError:
        raise _fail(
            _("No answer within %(seconds)s seconds (TEXTS_FETCH_TIMEOUT).") % {"seconds": timeout}
        ) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise _fail(
                _("No answer within %(seconds)s seconds (TEXTS_FETCH_TIMEOUT).")
                % {"seconds": timeout}
            ) from None
        raise _fail(
            _("The address could not be reached: %(reason)s.") % {"reason": reason}
        ) from None
    data = b"".join(chunks)
    actual = sniff(data, declared)
    expected = ACCEPTED_TYPES[declared]
    if actual != expected or (actual == HTML and urlsplit(url).path.lower().endswith(".pdf")):
        raise ExtractionError(
            ExtractionError.WRONG_TYPE,
            _("The address promised %(declared)s but sent %(actual)s (an error page?).")
            % {"declared": declared, "actual": "HTML" if actual == HTML else "a PDF"},
        )
    return Fetched(final_url, data, declared, timezone.now())
