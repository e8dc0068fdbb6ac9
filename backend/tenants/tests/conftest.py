"""Fixtures of the tenants API tests: people with a given role in org A, API tokens."""

import uuid

import pytest
from django_scopes import scope

from core.secrets import new_secret, secret_digest
from tenants.models import ApiToken, Membership, Organization
from tests.fixtures.world import new_user
from users.models import User


@pytest.fixture
def person(org_a):
    """``person("admin")``: a new user with that role in org A."""

    def make(role: str, email: str | None = None) -> User:
        user = new_user(email or f"{role}-{uuid.uuid4().hex[:6]}@a.example", name=role.title())
        with scope(org=org_a):
            Membership.objects.create(org=org_a, user=user, role=role)
        return user

    return make


@pytest.fixture
def api_token():
    """``api_token(org, "admin")``: the raw secret of a new API token with that role."""

    def make(org: Organization, role: str, name: str = "ci bot") -> str:
        raw = new_secret("cot_")
        with scope(org=org):
            ApiToken.objects.create(
                org=org, name=name, role=role, prefix=raw[:8], digest=secret_digest(raw)
            )
        return raw

    return make
