from django.urls import path

from .views import browse, catalogue, search

app_name = "catalog"

urlpatterns = [
    # --- Catalogue: home, catalogue, commitment pages, exports, feeds ---
    path("", catalogue.HomeView.as_view(), name="home"),
    path(
        "commitments/<slug:slug>/",
        catalogue.CommitmentDetailView.as_view(),
        name="commitment_detail",
    ),
    # --- Browse: institutions, organisations, themes, categories, timeline, matrix, about ---
    path(
        "institutions/<slug:slug>/",
        browse.InstitutionDetailView.as_view(),
        name="institution_detail",
    ),
    path(
        "organisations/<slug:slug>/",
        browse.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path("themes/<slug:slug>/", browse.ThemeDetailView.as_view(), name="theme_detail"),
    path("categories/<slug:slug>/", browse.CategoryDetailView.as_view(), name="category_detail"),
    path("search/", search.SearchView.as_view(), name="search"),
]
