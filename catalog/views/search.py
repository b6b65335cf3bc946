from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .. import search

GROUP_LABELS = {
    "commitments": _("Commitments"),
    "institutions": _("Institutions"),
    "themes": _("Themes"),
    "categories": _("Online-activity categories"),
}


def catalogue_url(query):
    """The catalogue filtered by the same words."""
    try:
        path = reverse("catalog:commitment_list")
    except NoReverseMatch:
        path = "/commitments/"
    return f"{path}?{urlencode({'search': query})}"


class SearchView(TemplateView):
    template_name = "catalog/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = " ".join(self.request.GET.get("q", "")[: search.MAX_QUERY_CHARS].split())
        groups = search.site_search(query)
        for group in groups:
            group.label = GROUP_LABELS[group.key]
        context.update(
            query=query,
            groups=groups,
            total=sum(group.count for group in groups),
            capped=any(group.capped for group in groups),
            catalogue_url=catalogue_url(query) if query else "",
        )
        return context
