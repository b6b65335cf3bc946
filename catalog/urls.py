from django.urls import path

from .views import browse, catalogue, search

app_name = "catalog"

urlpatterns = [
    # --- Catalogue: home, catalogue, commitment pages, exports, feeds ---
    path("", catalogue.HomeView.as_view(), name="home"),
    path("commitments/", catalogue.CommitmentListView.as_view(), name="commitment_list"),
    # Export and feed addresses contain a dot, so they never collide with a record's slug.
    path(
        "commitments/export.csv",
        catalogue.CommitmentExportView.as_view(format="csv"),
        name="commitment_export_csv",
    ),
    path(
        "commitments/export.json",
        catalogue.CommitmentExportView.as_view(format="json"),
        name="commitment_export_json",
    ),
    path("commitments/feed.atom", catalogue.CommitmentFeed(), name="commitment_feed"),
    path(
        "commitments/<slug:slug>/",
        catalogue.CommitmentDetailView.as_view(),
        name="commitment_detail",
    ),
    # --- Browse: institutions, organisations, themes, categories, timeline, matrix, about ---
    path("institutions/", browse.InstitutionListView.as_view(), name="institution_list"),
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
    path("themes/", browse.ThemeListView.as_view(), name="theme_list"),
    path("themes/<slug:slug>/", browse.ThemeDetailView.as_view(), name="theme_detail"),
    path("categories/", browse.CategoryListView.as_view(), name="category_list"),
    path("categories/<slug:slug>/", browse.CategoryDetailView.as_view(), name="category_detail"),
    path("timeline/", browse.TimelineView.as_view(), name="timeline"),
    path("matrix/", browse.MatrixView.as_view(), name="matrix"),
    path("about/", browse.AboutView.as_view(), name="about"),
    path("search/", search.SearchView.as_view(), name="search"),
]
