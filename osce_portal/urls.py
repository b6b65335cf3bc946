from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from catalog.sitemaps import sitemaps
from catalog.views.browse import RobotsTxtView
from catalog.views.preview import CommitmentPreviewView, PendingPreviewView

# 404 and 500 pages: Django's default handlers render templates/404.html and templates/500.html.
urlpatterns = [
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
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", RobotsTxtView.as_view(), name="robots_txt"),
    path("api/v1/", include("catalog.api.urls")),
    path("", include("participation.urls")),
    path("", include("catalog.urls")),
]
