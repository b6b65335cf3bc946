from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from . import guide, views

app_name = "api"

router = DefaultRouter()
router.APIRootView = views.APIRootView
router.include_format_suffixes = False  # formats are chosen with ?format= or Accept
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("categories", views.ActivityCategoryViewSet, basename="category")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The guide: worked examples and every operation, rendered on the server (no script).
    path("docs/", guide.GuideView.as_view(), name="docs"),
    path(
        # Swagger UI. The split view serves its init script as a file, so the page needs no
        # inline script.
        "explorer/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="explorer",
    ),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include(router.urls)),
    # Anything else under the API answers a JSON 404, not the site's HTML page.
    re_path(r"^.*$", views.not_found, name="not-found"),
]
