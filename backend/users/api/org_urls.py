"""Mounted at /api/v1/: the organization API tokens."""

from django.urls import path

from users.api import views

urlpatterns = [
    path("orgs/<str:org>/api-tokens", views.ApiTokenListView.as_view(), name="api-tokens"),
    path(
        "orgs/<str:org>/api-tokens/<uuid:token_id>",
        views.ApiTokenDetailView.as_view(),
        name="api-token-detail",
    ),
]
