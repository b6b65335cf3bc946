"""The reading views of public official texts in sitemap.xml (`Text.objects.public()` only)."""

from catalog.sitemaps import Sitemap

from .models import Text


class TextSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.7

    def items(self):
        return Text.objects.public().select_related("commitment").order_by("pk")

    def lastmod(self, text):
        return text.extracted_at
