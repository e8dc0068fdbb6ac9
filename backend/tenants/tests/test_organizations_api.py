import logging

import pytest
from django_scopes import scope, scopes_disabled

from audit.models import AuditEvent
from core.actor import Actor
from licenses.models import License, SeatLease
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatTerms
from licenses.services import license_create
from projects.models import Project
from tenants.models import Invitation, Membership, Organization
from tenants.tests.helpers import audit_rows, roles_of
from tests.fixtures.stores import use_store
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite

ORGS = "/api/v1/orgs"


def url(org) -> str:
    return f"{ORGS}/{org.slug}"


# GET/POST orgs ---------------------------------------------------------------


def test_it_lists_the_organizations_i_belong_to_with_my_role(org_a, org_b, alice, bob, charlie):
    listed = client_for(alice).get(ORGS)
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": str(org_a.id),
            "name": "Org A",
            "slug": "org-a",
            "role": "owner",
            "created_at": body["results"][0]["created_at"],
        }
    ]
    assert [(o["slug"], o["role"]) for o in client_for(bob).get(ORGS).json()["results"]] == [
        ("org-a", "member")
    ]
    assert [o["slug"] for o in client_for(charlie).get(ORGS).json()["results"]] == ["org-b"]


def test_it_creates_an_organization_whose_creator_is_owner(alice):
    api = client_for(alice)
    created = api.post(ORGS, {"name": "Mission Control"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["slug"], body["role"]) == (
        "Mission Control",
        "mission-control",
        "owner",
    )
    org = Organization.objects.get(id=body["id"])
    assert roles_of(org) == {"alice@a.example": "owner"}
    assert [o["slug"] for o in api.get(ORGS).json()["results"]] == ["mission-control"]


def test_it_takes_a_chosen_slug_in_lower_case(alice):
    created = client_for(alice).post(ORGS, {"name": "Apollo", "slug": "Apollo-11"}, format="json")
    assert created.status_code == 201 and created.json()["slug"] == "apollo-11"


def test_a_taken_slug_is_a_409(org_a, charlie):
    response = client_for(charlie).post(ORGS, {"name": "Mine", "slug": "org-a"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "org_slug_taken"
    assert Organization.objects.filter(slug="org-a").get() == org_a


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": ""}, "name"),
        ({}, "name"),
        ({"name": "X", "slug": "not a slug"}, "slug"),
        ({"name": "X", "slug": "6f1c1b8e-9d3a-4c59-a3d1-2b7f36f0e0aa"}, "slug"),
        ({"name": "!!!"}, "slug"),
    ],
)
def test_it_refuses_bad_organization_fields_with_a_400(alice, data, field):
    response = client_for(alice).post(ORGS, data, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]["fields"]
    assert not Organization.objects.exists()


def test_anonymous_callers_get_401_on_orgs(db):
    assert client_for().get(ORGS).status_code == 401
    response = client_for().post(ORGS, {"name": "X"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_api_token_is_refused_on_orgs_with_403(org_a, api_token):
    api = client_for(api_token=api_token(org_a, "owner"))
    assert api.get(ORGS).status_code == 403
    response = api.post(ORGS, {"name": "Robot Org"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Organization.objects.filter(name="Robot Org").exists()


# GET/PATCH/DELETE orgs/<org> -------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "member", "admin", "owner"])
def test_every_member_reads_the_organization_with_their_role(org_a, person, role):
    response = client_for(person(role)).get(url(org_a))
    assert response.status_code == 200
    assert (response.json()["slug"], response.json()["role"]) == ("org-a", role)


def test_the_organization_is_found_by_id_too(org_a, bob):
    response = client_for(bob).get(f"{ORGS}/{org_a.id}")
    assert response.status_code == 200 and response.json()["slug"] == "org-a"


def test_an_api_token_reads_the_organization_with_its_role(org_a, api_token):
    response = client_for(api_token=api_token(org_a, "viewer")).get(url(org_a))
    assert response.status_code == 200 and response.json()["role"] == "viewer"


@pytest.mark.parametrize(
    "role, expected", [("viewer", 403), ("member", 403), ("admin", 200), ("owner", 200)]
)
def test_admins_and_owners_rename_the_organization(org_a, person, role, expected):
    response = client_for(person(role)).patch(url(org_a), {"name": "Renamed"}, format="json")
    assert response.status_code == expected
    org_a.refresh_from_db()
    assert org_a.name == ("Renamed" if expected == 200 else "Org A")


def test_an_update_is_audited_with_before_and_after(org_a, alice):
    response = client_for(alice).patch(
        url(org_a), {"name": "Org Alpha", "slug": "alpha"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["slug"]) == ("Org Alpha", "alpha")
    assert client_for(alice).get(f"{ORGS}/alpha").status_code == 200
    assert client_for(alice).get(f"{ORGS}/org-a").status_code == 404
    with scope(org=org_a):
        event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.target_type, event.target_id) == (
        "org.update",
        alice.id,
        "tenants.organization",
        str(org_a.id),
    )
    assert event.before == {"name": "Org A", "slug": "org-a"}
    assert event.after == {"name": "Org Alpha", "slug": "alpha"}


def test_an_update_that_changes_nothing_records_nothing(org_a, alice):
    response = client_for(alice).patch(url(org_a), {"name": "Org A"}, format="json")
    assert response.status_code == 200
    assert audit_rows(org_a) == []


def test_renaming_to_a_taken_slug_is_a_409(org_a, org_b, alice):
    response = client_for(alice).patch(url(org_a), {"slug": "org-b"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "org_slug_taken"
    org_a.refresh_from_db()
    assert org_a.slug == "org-a"
    assert audit_rows(org_a) == []


@pytest.mark.parametrize("role", ["viewer", "member", "admin"])
def test_only_an_owner_deletes_the_organization(org_a, person, role):
    response = client_for(person(role)).delete(url(org_a))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Organization.objects.filter(pk=org_a.pk).exists()


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def service_log():
    logger = logging.getLogger("tenants.services")
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.messages
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_deleting_an_organization_deletes_everything_of_it_and_logs_it(
    org_a, org_b, alice, charlie, django_capture_on_commit_callbacks, service_log
):
    with scope(org=org_a):
        Project.objects.create(org=org_a, name="Apollo", slug="apollo")
        license_, _key = license_create(
            org=org_a, name="A seats", seats_total=2, actor=Actor.system_named("tests")
        )
        Invitation.objects.create(
            org=org_a,
            email="x@a.example",
            role="member",
            token_digest="d" * 64,
            expires_at=license_.created_at,
        )
        AuditEvent.objects.create(org=org_a, action="x", target_type="t", target_id="1")
    with scope(org=org_b):
        license_create(org=org_b, name="B seats", seats_total=2, actor=Actor.system_named("tests"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).delete(url(org_a))
    assert response.status_code == 204
    with scopes_disabled():
        assert not Organization.objects.filter(pk=org_a.pk).exists()
        for model in (Membership, Invitation, Project, License, AuditEvent):
            assert not model.objects.filter(org_id=org_a.pk).exists(), model
        assert License.objects.filter(org=org_b).count() == 1
    assert roles_of(org_b) == {"charlie@b.example": "owner"}
    assert [m for m in service_log if "organization deleted" in m] == [
        f"organization deleted: id={org_a.pk} slug=org-a by=user {alice.pk} ip=127.0.0.1"
    ]
    assert client_for(alice).get(ORGS).json()["count"] == 0


def test_deleting_an_organization_frees_its_seats_in_redis(
    org_a, alice, redis_url, django_capture_on_commit_callbacks
):
    use_store("redis", redis_url)
    with scope(org=org_a):
        license_, _key = license_create(
            org=org_a, name="A seats", seats_total=2, actor=Actor.system_named("tests")
        )
    store = get_seat_store()
    assert store.acquire(str(license_.id), "hw-1", "holder-1", SeatTerms(2), 60, "").granted
    assert store.count(str(license_.id)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(alice).delete(url(org_a)).status_code == 204
    assert store.count(str(license_.id)) == 0


def test_deleting_an_organization_frees_its_sql_seats(
    org_a, alice, django_capture_on_commit_callbacks
):
    use_store("sql")
    with scope(org=org_a):
        license_, _key = license_create(
            org=org_a, name="A seats", seats_total=2, actor=Actor.system_named("tests")
        )
    assert (
        get_seat_store().acquire(str(license_.id), "hw-1", "holder-1", SeatTerms(2), 60, "").granted
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(alice).delete(url(org_a)).status_code == 204
    with scopes_disabled():
        assert not SeatLease.objects.exists()
