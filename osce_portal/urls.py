from django.contrib import admin
from django.urls import include, path

from catalog.admin_views import CommitmentPreviewView

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "preview/commitments/<slug:slug>/",
        CommitmentPreviewView.as_view(),
        name="commitment_preview",
    ),
    path("", include("catalog.urls")),
]
