from django.db.models import Q, QuerySet

from projects.models import Project


def project_list(*, search: str = "") -> QuerySet[Project]:
    """Projects of the organization in scope, newest first."""
    projects = Project.objects.order_by("-created_at")
    if search:
        projects = projects.filter(Q(name__icontains=search) | Q(slug__icontains=search))
    return projects
