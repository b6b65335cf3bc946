"""The old search address. The catalogue (`/commitments/?search=…`) is the one results page:
it marks the matched words, offers the matching institutions, themes and categories, and keeps
the facets, exports and pagination. `/search/?q=…` keeps working as a permanent redirect."""

from urllib.parse import urlencode

from django.urls import reverse
from django.views.generic import RedirectView

from .. import search


class SearchView(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        query = " ".join(self.request.GET.get("q", "")[: search.MAX_QUERY_CHARS].split())
        url = reverse("catalog:commitment_list")
        return f"{url}?{urlencode({'search': query})}" if query else url
