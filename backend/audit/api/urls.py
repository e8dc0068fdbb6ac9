from django.urls import path

from audit.api import views

urlpatterns = [
    path("orgs/<str:org>/audit-events", views.AuditEventListView.as_view(), name="audit-events"),
]
