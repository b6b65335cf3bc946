"""Languages: the API's `?lang=` and the links between the language versions of a page.

Public pages live under a language prefix (`i18n_patterns`); Django's LocaleMiddleware takes the
language from it, and answers an unprefixed public address with a redirect to the visitor's
language (the language cookie, then Accept-Language, then English). The API, the admin and the
sitemap have no prefix: LocaleMiddleware reads Accept-Language there, and the API also takes
`?lang=` (which wins, so a link can name its language).
"""

from django.conf import settings
from django.utils import translation

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
QUERY_LANGUAGE_PREFIXES = ("/api/",)


class QueryLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = request.GET.get("lang", "")
        if code in LANGUAGE_CODES and request.path.startswith(QUERY_LANGUAGE_PREFIXES):
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)


def active_language():
    """The language of the request (or task) being served, if it is one of the site's, else
    the default (English)."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


def path_language(path):
    """The language prefix of a path ("/fr/themes/" → "fr"), or None."""
    code = path.split("/", 2)[1] if path.startswith("/") else ""
    return code if code in LANGUAGE_CODES else None


def language_versions(request):
    """[(code, name in that language, path with query string)] of this page in every
    language, or [] for a page without a language prefix. Only the prefix changes: same page,
    same filters."""
    full_path = request.get_full_path()
    current = path_language(request.path)
    if current is None:
        return []
    rest = full_path[len(current) + 1 :]
    return [(code, name, f"/{code}{rest}") for code, name in settings.LANGUAGES]


def unprefixed_path(request):
    """The address without its language prefix (it redirects to the visitor's language)."""
    current = path_language(request.path)
    full_path = request.get_full_path()
    return full_path[len(current) + 1 :] if current else full_path
