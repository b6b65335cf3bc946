"""sitemap.xml: public pages only. Commitments come from `published()`, like every public list.

/sitemap.xml is an index of the sections below; each section is paged at `SITEMAP_LIMIT`
addresses (`/sitemap-commitments.xml?p=2`), so one answer never lists the whole catalogue.
"""

from django.contrib.sitemaps import Sitemap as BaseSitemap
from django.urls import reverse

from .models import ActivityCategory, Commitment, Institution, Organisation, Theme

SITEMAP_LIMIT = 10_000


class Sitemap(BaseSitemap):
    limit = SITEMAP_LIMIT


class CommitmentSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Commitment.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, commitment):
        return commitment.updated_at


class BrowseSitemap(Sitemap):
    """Institutions, organisations, themes and categories: public by nature."""

    changefreq = "monthly"
    priority = 0.5

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    url_names = [
        "catalog:home",
        "catalog:commitment_list",
        "catalog:institution_list",
        "catalog:theme_list",
        "catalog:category_list",
        "catalog:timeline",
        "catalog:matrix",
        "catalog:about",
    ]

    def items(self):
        return self.url_names

    def location(self, url_name):
        return reverse(url_name)


sitemaps = {
    "pages": StaticPagesSitemap,
    "commitments": CommitmentSitemap,
    "institutions": BrowseSitemap(Institution),
    "organisations": BrowseSitemap(Organisation),
    "themes": BrowseSitemap(Theme),
    "categories": BrowseSitemap(ActivityCategory),
}
