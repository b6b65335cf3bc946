from django.urls import path

from . import views

app_name = "texts"

base = "commitments/<slug:slug>/texts/<str:language>/"
urlpatterns = [
    path(base, views.ReadingView.as_view(), name="reading"),
    path(f"{base}file/", views.TextFileView.as_view(), name="file"),
    path(f"{base}cite/<slug:anchor>/", views.ParagraphCiteView.as_view(), name="cite"),
    path(f"{base}v/<str:version>/", views.ReadingView.as_view(), name="reading_version"),
    path(f"{base}v/<str:version>/file/", views.TextFileView.as_view(), name="file_version"),
    path(
        f"{base}v/<str:version>/cite/<slug:anchor>/",
        views.ParagraphCiteView.as_view(),
        name="cite_version",
    ),
]
