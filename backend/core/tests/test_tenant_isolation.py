"""Isolation and role matrices that walk EVERY operation of the generated schema.

New endpoints under ``/api/v1/orgs/{org}/`` are covered without editing this
file; a path parameter this file cannot fill fails loudly, so it gets a value.
"""

import uuid
from datetime import timedelta

import pytest
from django.urls import resolve
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from drf_spectacular.generators import SchemaGenerator

from audit.models import AuditEvent
from core.actor import Actor
from core.roles import POLICY, Role
from core.secrets import new_secret, secret_digest
from licenses import services as license_services
from licenses.models import License, LicenseSession
from projects.models import Project
from tenants.models import ApiToken, Invitation, Membership, PersonGroup, PersonGroupMember
from tests.fixtures.world import client_for, new_user
from webhooks import services as webhook_services
from webhooks.models import NotificationPreference, WebhookAttempt, WebhookDelivery, WebhookEndpoint

METHODS = ("get", "post", "put", "patch", "delete")


def org_operations() -> list[tuple[str, str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        if "{org}" not in path:
            continue
        for method in METHODS:
            if method in item:
                found.append((method.upper(), path, item[method]["operationId"]))
    return found


OPERATIONS = org_operations()


@pytest.fixture
def world(org_a, org_b, alice, bob, charlie):
    """Organization A with one of everything, and the people around it."""
    with scope(org=org_a):
        project = Project.objects.create(org=org_a, name="Apollo", slug="apollo")
        license_, key = license_services.license_create(
            org=org_a,
            name="A license",
            seats_total=3,
            project=project,
            actor=Actor.system_named("tests"),
        )
        invitation = Invitation.objects.create(
            org=org_a,
            email="dave@a.example",
            role="member",
            token_digest=secret_digest(new_secret("inv_")),
            expires_at=timezone.now() + timedelta(days=7),
        )
        token = ApiToken.objects.create(
            org=org_a, name="ci", role="admin", prefix="cot_abc", digest=uuid.uuid4().hex
        )
        group = PersonGroup.objects.create(org=org_a, name="Design", slug="design")
        PersonGroupMember.objects.create(org=org_a, group=group, user=bob)
    seat = license_services.session_acquire(license_key=key, hardware_id="a-machine")
    with scope(org=org_a):
        event = AuditEvent.objects.create(
            org=org_a, action="test.seed", target_type="x", target_id="1"
        )
        endpoint, _ = webhook_services.endpoint_create(
            org=org_a,
            url="https://hooks.a.example/in",
            event_types=["license.*"],
            actor=Actor.system_named("tests"),
        )
        delivery = webhook_services.endpoint_test_send(
            endpoint=endpoint, actor=Actor.system_named("tests")
        )
    values = {
        "org": org_a.slug,
        "project_id": project.id,
        "license_id": license_.id,
        "session_id": seat.session.id,
        "user_id": bob.id,
        "token_id": token.id,
        "group_id": group.id,
        "invitation_id": invitation.id,
        "event_id": event.id,
        "endpoint_id": endpoint.id,
        "delivery_id": delivery.id,
        # Sign-in providers are no organization's: any id fills the path.
        "provider": "google",
        # A person's CLI sign-in (refresh-token family): any id fills the path.
        "family_id": uuid.uuid4(),
        "kind": "sessions",
    }
    return values


def fill(path: str, values: dict) -> str:
    import re

    def value(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name not in values:
            pytest.fail(f"test_tenant_isolation: give path parameter {{{name}}} a value in world()")
        return str(values[name])

    return re.sub(r"\{(\w+)\}", value, path)


def call(client, method: str, url: str):
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return getattr(client, method.lower())(url, body, format="json")


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[o[2] for o in OPERATIONS]
)
def test_an_outsider_gets_404_and_changes_nothing(
    world, org_a, org_b, charlie, method, path, operation, snapshot
):
    before = snapshot(org_a)
    api = client_for(charlie)
    on_a = call(api, method, fill(path, world))
    assert on_a.status_code == 404, (operation, on_a.status_code, on_a.content[:300])
    assert on_a.json()["error"]["code"] == "not_found"
    # ``kind`` names an export, not an object of A: in B's path it is B's own export.
    object_params = set(world) - {"org", "kind"}
    if any(f"{{{name}}}" in path for name in object_params):
        # Charlie's own organization in the path, A's object ids: still not there.
        on_b = call(api, method, fill(path, {**world, "org": org_b.slug}))
        assert on_b.status_code == 404, (operation, on_b.status_code, on_b.content[:300])
    assert snapshot(org_a) == before, f"{operation} changed organization A's data"


def test_the_matrix_covers_the_schema():
    assert len(OPERATIONS) >= 5
    assert {op for _, _, op in OPERATIONS} >= {"projects_list", "projects_create"}


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[o[2] for o in OPERATIONS]
)
def test_each_role_is_allowed_exactly_what_the_table_says(
    world, org_a, alice, bob, method, path, operation
):
    url = fill(path, world)
    view = resolve(url).func.view_class
    policy = view.policy.get(method)
    assert policy in POLICY, f"{operation}: policy {policy!r} is not in core.roles.POLICY"
    required = POLICY[policy]
    people = {Role.OWNER: alice, Role.MEMBER: bob}
    with scope(org=org_a):
        for role in (Role.VIEWER, Role.ADMIN):
            person = new_user(f"{role.name.lower()}-{uuid.uuid4().hex[:6]}@a.example")
            Membership.objects.create(org=org_a, user=person, role=role.name.lower())
            people[role] = person
    for role in sorted(Role):
        if role >= required:
            break
        refused = call(client_for(people[role]), method, url)
        assert refused.status_code == 403, (operation, role.name, refused.status_code)
    allowed = call(client_for(people[required]), method, url)
    assert allowed.status_code not in (401, 403, 404), (
        operation,
        required.name,
        allowed.content[:300],
    )
    assert allowed.status_code < 500


def test_scoped_models_all_carry_an_org(db):
    with scopes_disabled():
        for model in (
            License,
            LicenseSession,
            Project,
            Membership,
            Invitation,
            ApiToken,
            AuditEvent,
            WebhookEndpoint,
            WebhookDelivery,
            WebhookAttempt,
            NotificationPreference,
        ):
            assert any(f.name == "org" for f in model._meta.fields), model
