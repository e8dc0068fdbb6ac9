import uuid

from django.db import models
from django_scopes import ScopedManager

from tenants.models import Organization


class Project(models.Model):
    """A customer project that licenses and sessions can be attributed to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(org="org")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "slug"], name="uniq_project_slug_per_org")
        ]

    def __str__(self) -> str:
        return self.slug
