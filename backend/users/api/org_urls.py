"""Mounted at /api/v1/: the organization API tokens and sign-in policy."""

from django.urls import path

from users.api import policy_views, views

urlpatterns = [
    path("orgs/<str:org>/api-tokens", views.ApiTokenListView.as_view(), name="api-tokens"),
    path(
        "orgs/<str:org>/api-tokens/<uuid:token_id>",
        views.ApiTokenDetailView.as_view(),
        name="api-token-detail",
    ),
    path(
        "orgs/<str:org>/sign-in-policy",
        policy_views.SignInPolicyView.as_view(),
        name="sign-in-policy",
    ),
]
