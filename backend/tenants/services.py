from django.db import transaction
from django.utils.text import slugify
from django_scopes import scope

from tenants.models import Membership, Organization
from users.models import User


@transaction.atomic
def organization_create(*, name: str, owner: User, slug: str | None = None) -> Organization:
    """Create an organization; its creator becomes its owner."""
    org = Organization(name=name, slug=slug or slugify(name)[:64])
    org.full_clean()
    org.save()
    with scope(org=org):
        Membership.objects.create(org=org, user=owner, role=Membership.Role.OWNER)
    return org
