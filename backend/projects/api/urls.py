from django.urls import path

from projects.api import views

urlpatterns = [
    path("orgs/<str:org>/projects", views.ProjectListView.as_view(), name="projects"),
    path(
        "orgs/<str:org>/projects/<uuid:project_id>",
        views.ProjectDetailView.as_view(),
        name="project-detail",
    ),
]
