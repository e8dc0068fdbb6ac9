from django.urls import path

from analytics.api import views

urlpatterns = [
    path(
        "orgs/<str:org>/licenses/<uuid:license_id>/utilization",
        views.LicenseUtilizationView.as_view(),
        name="license-utilization",
    ),
    path(
        "orgs/<str:org>/licenses/<uuid:license_id>/policy-use",
        views.LicensePolicyUseView.as_view(),
        name="license-policy-use",
    ),
    path(
        "orgs/<str:org>/licenses/<uuid:license_id>/waits",
        views.LicenseWaitsView.as_view(),
        name="license-waits",
    ),
    path(
        "orgs/<str:org>/analytics/utilization",
        views.OrgUtilizationView.as_view(),
        name="org-utilization",
    ),
    path(
        "orgs/<str:org>/analytics/breakdown",
        views.UsageBreakdownView.as_view(),
        name="org-usage-breakdown",
    ),
    path("orgs/<str:org>/analytics/denials", views.DenialListView.as_view(), name="org-denials"),
    path(
        "orgs/<str:org>/exports/<str:kind>.csv",
        views.ExportView.as_view(),
        name="org-export",
    ),
]
