from django.urls import path

from tenants.api import audit_views, views

urlpatterns = [
    path("orgs", views.OrganizationListView.as_view(), name="orgs"),
    path("orgs/<str:org>", views.OrganizationDetailView.as_view(), name="org-detail"),
    path("orgs/<str:org>/members", views.MemberListView.as_view(), name="members"),
    path("orgs/<str:org>/members/me", views.MemberLeaveView.as_view(), name="member-leave"),
    path(
        "orgs/<str:org>/members/<uuid:user_id>",
        views.MemberDetailView.as_view(),
        name="member-detail",
    ),
    path("orgs/<str:org>/invitations", views.InvitationListView.as_view(), name="invitations"),
    path(
        "orgs/<str:org>/invitations/<int:invitation_id>",
        views.InvitationDetailView.as_view(),
        name="invitation-detail",
    ),
    path("invitations/accept", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path(
        "orgs/<str:org>/audit-events",
        audit_views.AuditEventListView.as_view(),
        name="audit-events",
    ),
]
