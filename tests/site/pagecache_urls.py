"""The site's URLs plus a public page that renders a CSRF token (none of the real public pages
does; this one proves such a page is never cached)."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import include, path


def page_with_a_form(request):
    token = get_token(request)
    return HttpResponse(
        f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        "</form>"
    )


urlpatterns = [
    path("form-page/", page_with_a_form),
    path("", include("osce_portal.urls")),
]
