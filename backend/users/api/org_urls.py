"""Mounted at /api/v1/: an organization's sign-in policy."""

from django.urls import path

from users.api import device_views, policy_views

urlpatterns = [
    path(
        "orgs/<str:org>/sign-in-policy",
        policy_views.SignInPolicyView.as_view(),
        name="sign-in-policy",
    ),
    path(
        "orgs/<str:org>/members/<uuid:user_id>/devices/revoke",
        device_views.MemberDevicesRevokeView.as_view(),
        name="member-devices-revoke",
    ),
]
