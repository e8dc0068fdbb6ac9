from django.urls import path

from licenses.api import admin_views as views

LICENSE = "orgs/<str:org>/licenses/<uuid:license_id>"

urlpatterns = [
    path("orgs/<str:org>/licenses", views.LicenseListView.as_view(), name="licenses"),
    path(LICENSE, views.LicenseDetailView.as_view(), name="license-detail"),
    path(f"{LICENSE}/suspend", views.LicenseSuspendView.as_view(), name="license-suspend"),
    path(f"{LICENSE}/resume", views.LicenseResumeView.as_view(), name="license-resume"),
    path(f"{LICENSE}/rotate-key", views.LicenseRotateKeyView.as_view(), name="license-rotate-key"),
    path(f"{LICENSE}/renew", views.LicenseRenewView.as_view(), name="license-renew"),
    path(f"{LICENSE}/sessions", views.LicenseSessionListView.as_view(), name="license-sessions"),
    path(
        f"{LICENSE}/assignments",
        views.LicenseAssignmentListView.as_view(),
        name="license-assignments",
    ),
    path(
        f"{LICENSE}/assignments/<uuid:user_id>",
        views.LicenseAssignmentDetailView.as_view(),
        name="license-assignment",
    ),
    path(
        "orgs/<str:org>/people/<uuid:user_id>/sessions/revoke",
        views.PersonSessionsRevokeView.as_view(),
        name="person-sessions-revoke",
    ),
    path("orgs/<str:org>/sessions", views.SessionListView.as_view(), name="sessions"),
    path(
        "orgs/<str:org>/sessions/<uuid:session_id>/revoke",
        views.SessionRevokeView.as_view(),
        name="session-revoke",
    ),
]
