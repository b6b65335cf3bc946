from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("compare/", views.CompareView.as_view(), name="compare"),
]
