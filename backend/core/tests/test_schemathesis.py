"""Schemathesis over the committed openapi.yaml against a live server with a real login.

A bounded number of examples per operation in `make test` (SCHEMATHESIS_EXAMPLES,
default 5); `make soak` raises it. Checks: no 5xx, and every response with a
documented status matches its schema.
"""

import os
import uuid
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings as django_settings
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, settings
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from core.actor import Actor
from tests.fixtures.servers import LiveServer, database_url

pytestmark = pytest.mark.server

OPENAPI = Path(__file__).resolve().parents[3] / "openapi.yaml"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
# Operations that would end the run's own login or organization (or, for a sign-in
# policy requiring two-factor, refuse the owner every admin operation after it).
DESTRUCTIVE = {
    "orgs_delete",
    "auth_logout",
    "auth_password_change",
    "members_remove",
    "sign_in_policy_set",
}

schema = schemathesis.openapi.from_path(OPENAPI)


@pytest.mark.django_db
def test_the_contract_is_valid_openapi_with_every_service():
    """Also makes pytest-django set the test database up for this module's fixture."""
    import yaml
    from openapi_spec_validator import validate

    document = yaml.safe_load(OPENAPI.read_text())
    validate(document)
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert all(op.get("summary") and op.get("tags") for op in operations)


@pytest.fixture(scope="module")
def fuzz_target(django_db_setup, django_db_blocker):
    """A live server and an organization with one of everything, removed afterwards."""
    from licenses.services import license_create
    from tenants.models import Organization
    from tenants.services import organization_create
    from users.models import User

    slug = f"fuzz-{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock():
        owner = User.objects.create_user(f"{slug}@fuzz.example", "pw-" + uuid.uuid4().hex)
        org = organization_create(name="Fuzz", slug=slug, owner=owner)
        with scope(org=org):
            license_create(
                org=org, name="Fuzz license", seats_total=2, actor=Actor.system_named("tests")
            )
    server = LiveServer(
        {
            "DATABASE_URL": database_url(),
            "SEAT_STORE": django_settings.SEAT_STORE,
            "REDIS_URL": django_settings.REDIS_URL,
            "EMBEDDED_REAPER": "false",
            "THROTTLE_LOGIN": "100000/min",
            "THROTTLE_REGISTER": "100000/min",
            "THROTTLE_PASSWORD_RESET": "100000/min",
        }
    ).start()
    yield server, org, owner
    server.stop()
    with django_db_blocker.unblock(), scopes_disabled():
        Organization.objects.filter(id=org.id).delete()
        User.objects.filter(email__endswith="@fuzz.example").delete()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_its_contract(case, fuzz_target):
    server, org, owner = fuzz_target
    if case.operation.definition.raw.get("operationId") in DESTRUCTIVE:
        pytest.skip("would end the fuzzing session's own login or organization")
    if case.path_parameters and "org" in case.path_parameters:
        case.path_parameters["org"] = org.slug
    token = str(AccessToken.for_user(owner))
    case.call_and_validate(
        base_url=server.url,
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, response_schema_conformance],
        timeout=30,
    )
