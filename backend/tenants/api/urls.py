from django.urls import path

from tenants.api import api_token_views, audit_views, group_views, views

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
    path(
        "orgs/<str:org>/api-tokens",
        api_token_views.ApiTokenListView.as_view(),
        name="api-tokens",
    ),
    path(
        "orgs/<str:org>/api-tokens/<uuid:token_id>",
        api_token_views.ApiTokenDetailView.as_view(),
        name="api-token-detail",
    ),
    path("orgs/<str:org>/groups", group_views.GroupListView.as_view(), name="groups"),
    path(
        "orgs/<str:org>/groups/<uuid:group_id>",
        group_views.GroupDetailView.as_view(),
        name="group-detail",
    ),
    path(
        "orgs/<str:org>/groups/<uuid:group_id>/members",
        group_views.GroupMemberListView.as_view(),
        name="group-members",
    ),
    path(
        "orgs/<str:org>/groups/<uuid:group_id>/members/<uuid:user_id>",
        group_views.GroupMemberDetailView.as_view(),
        name="group-member",
    ),
]
