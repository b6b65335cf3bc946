"""The site's URLs plus a public page that renders a CSRF token (none of the real public pages
does; this one proves such a page is never cached)."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from osce_portal.urls import urlpatterns as site_urlpatterns


def page_with_a_form(request):
    token = get_token(request)
    return HttpResponse(
        f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        "</form>"
    )


# The site's own list (i18n_patterns may not be included from another URLconf).
urlpatterns = [path("form-page/", page_with_a_form), *site_urlpatterns]
