"""URLconf of the benchmark server: every real route, a bare view, and a catalogue stand-in.

The stand-in (`/bench/catalogue/`) is the catalogue's work — the shared FilterSet on
`for_listing()`, 20 rows rendered — for branches where the real catalogue page is absent;
the benchmark uses the real `/en/commitments/` whenever it answers.
"""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from catalog.filters import CommitmentFilterSet
from catalog.models import Commitment
from osce_portal.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


def catalogue(request):
    filterset = CommitmentFilterSet(request.GET, queryset=Commitment.objects.for_listing())
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/includes/_commitment_list.html",
        {"commitments": page.object_list, "count": page.paginator.count},
    )


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/catalogue/", catalogue),
    *site_urlpatterns,  # i18n_patterns may not be included from another URLconf
]
