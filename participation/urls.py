from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("suggest/", views.SuggestView.as_view(), name="suggest"),
    path("alerts/", views.AlertSubscribeView.as_view(), name="alerts"),
    path("alerts/confirm/<str:token>/", views.AlertConfirmView.as_view(), name="alerts_confirm"),
    path(
        "alerts/unsubscribe/<str:token>/",
        views.AlertUnsubscribeView.as_view(),
        name="alerts_unsubscribe",
    ),
    path("suggest/sent/", views.SuggestSentView.as_view(), name="suggest_sent"),
    path("commitments/<slug:slug>/changes/", views.ChangesView.as_view(), name="changes"),
    path(
        "commitments/<slug:slug>/versions/<int:version_id>/",
        views.VersionView.as_view(),
        name="version",
    ),
    path(
        "commitments/<slug:slug>/suggest/",
        views.SuggestView.as_view(),
        name="suggest_record",
    ),
]
