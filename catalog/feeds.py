"""Atom feed of the catalogue, narrowed by the same filters as the catalogue page."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from . import exports
from .filters import CommitmentFilterSet
from .models import Commitment

FEED_LENGTH = 50


class InvalidFilters(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class CommitmentFeed(Feed):
    feed_type = Atom1Feed
    feed_title = _("OSCE Portal: commitments")
    subtitle = _(
        "Newest published commitments of the OSCE Portal matching the catalogue's filters."
    )

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilters as error:
            return HttpResponseBadRequest(
                exports.error_text(error.errors), content_type="text/plain; charset=utf-8"
            )

    def get_object(self, request, *args, **kwargs):
        # The feed instance is shared between requests: keep per-request state in the object.
        filterset = CommitmentFilterSet(
            request.GET or None,
            queryset=Commitment.objects.for_listing().with_classification().newest_first(),
            request=request,
        )
        if filterset.is_bound and not filterset.is_valid():
            raise InvalidFilters(filterset.errors)
        return filterset

    def title(self, filterset):
        chips = filterset.active_filters()
        if not chips:
            return str(self.feed_title)
        narrowed = "; ".join(f"{chip['label']}: {chip['value']}" for chip in chips)
        return f"{self.feed_title} ({narrowed})"

    def _with_query(self, url, filterset):
        query = filterset.data.urlencode()
        return f"{url}?{query}" if query else url

    def link(self, filterset):
        return self._with_query(reverse("catalog:commitment_list"), filterset)

    def feed_url(self, filterset):
        return self._with_query(reverse("catalog:commitment_feed"), filterset)

    def items(self, filterset):
        return filterset.qs[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.symbol} — {item.title}" if item.symbol else item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        adopted = item.adopted_on or datetime.date(item.year, 1, 1)
        return timezone.make_aware(datetime.datetime.combine(adopted, datetime.time()))

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return str(item.adopting_body or item.organisation)

    def item_categories(self, item):
        return [theme.name for theme in item.themes.all()]
