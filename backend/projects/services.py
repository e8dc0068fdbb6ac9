from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from audit.services import audit_record
from core.actor import Actor
from core.errors import DomainError
from projects.models import Project
from tenants.models import Organization

EDITABLE = ("name", "slug", "description")


class ProjectSlugTaken(DomainError):
    code = "project_slug_taken"
    message = "Another project of this organization has that slug."


def _snapshot(project: Project) -> dict[str, Any]:
    return {field: getattr(project, field) for field in EDITABLE}


@transaction.atomic
def project_create(
    *, org: Organization, name: str, slug: str = "", description: str = "", actor: Actor
) -> Project:
    project = Project(org=org, name=name, slug=slug or slugify(name)[:64], description=description)
    project.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise ProjectSlugTaken() from None
    audit_record(
        org=org, actor=actor, action="project.create", target=project, after=_snapshot(project)
    )
    return project


@transaction.atomic
def project_update(*, project: Project, data: dict[str, Any], actor: Actor) -> Project:
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
        actor=actor,
        action="project.update",
        target=project,
        before=before,
        after=_snapshot(project),
    )
    return project


@transaction.atomic
def project_delete(*, project: Project, actor: Actor) -> None:
    """Licenses and sessions of the project stay; they lose the attribution."""
    audit_record(
        org=project.org,
        actor=actor,
        action="project.delete",
        target=project,
        before=_snapshot(project),
    )
    project.delete()
