"""Mounted at /api/v1/: an organization's sign-in policy."""

from django.urls import path

from users.api import policy_views

urlpatterns = [
    path(
        "orgs/<str:org>/sign-in-policy",
        policy_views.SignInPolicyView.as_view(),
        name="sign-in-policy",
    ),
]
