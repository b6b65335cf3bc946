from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from catalog.sitemaps import sitemaps
from catalog.views.browse import RobotsTxtView
from catalog.views.preview import CommitmentPreviewView, PendingPreviewView
from osce_portal import health
from texts.sitemaps import TextSitemap


class FaviconView(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")  # the hashed name in production, resolved per request


SITEMAPS = {**sitemaps, "texts": TextSitemap}


# 404 and 500 pages: Django's default handlers render templates/404.html and templates/500.html.
urlpatterns = [
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, the browsable API).
    path(
        "favicon.ico",
        FaviconView.as_view(),
        name="favicon",
    ),
    path("admin/", admin.site.urls),
    path(
        "preview/commitments/<slug:slug>/",
        CommitmentPreviewView.as_view(),
        name="commitment_preview",
    ),
    path(
        "preview/commitments/<slug:slug>/pending/",
        PendingPreviewView.as_view(),
        name="commitment_preview_pending",
    ),
    # A sitemap index of sections, each paged at SITEMAP_LIMIT addresses (`?p=2`), so no answer
    # lists the whole catalogue.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", RobotsTxtView.as_view(), name="robots_txt"),
    # Official texts, paragraphs and provisions (before the catalogue API's catch-all 404).
    path("api/v1/", include("texts.api_urls")),
    path("api/v1/", include("catalog.api.urls")),
    path("", include("participation.urls")),
    path("", include("texts.urls")),
    path("", include("catalog.urls")),
]
