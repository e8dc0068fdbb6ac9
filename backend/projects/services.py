from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from rest_framework.request import Request

from audit.services import audit_record
from core.errors import ApiError
from projects.models import Project
from tenants.models import Organization

EDITABLE = ("name", "slug", "description")


class ProjectSlugTaken(ApiError):
    status_code = 409
    code = "project_slug_taken"
    message = "Another project of this organization has that slug."


def _snapshot(project: Project) -> dict[str, Any]:
    return {field: getattr(project, field) for field in EDITABLE}


@transaction.atomic
def project_create(
    *, org: Organization, name: str, slug: str = "", description: str = "", request: Request | None
) -> Project:
    project = Project(org=org, name=name, slug=slug or slugify(name)[:64], description=description)
    project.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise ProjectSlugTaken() from None
    audit_record(
        org=org, request=request, action="project.create", target=project, after=_snapshot(project)
    )
    return project


@transaction.atomic
def project_update(*, project: Project, data: dict[str, Any], request: Request | None) -> Project:
    before = _snapshot(project)
    for field in EDITABLE:
        if field in data:
            setattr(project, field, data[field])
    project.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            project.save(update_fields=[f for f in EDITABLE if f in data])
    except IntegrityError:
        raise ProjectSlugTaken() from None
    audit_record(
        org=project.org,
        request=request,
        action="project.update",
        target=project,
        before=before,
        after=_snapshot(project),
    )
    return project


@transaction.atomic
def project_delete(*, project: Project, request: Request | None) -> None:
    """Licenses and sessions of the project stay; they lose the attribution."""
    audit_record(
        org=project.org,
        request=request,
        action="project.delete",
        target=project,
        before=_snapshot(project),
    )
    project.delete()
