from django_scopes import scope

from audit.models import AuditEvent
from projects.models import Project
from tests.fixtures.world import client_for


def url(org, project=None):
    base = f"/api/v1/orgs/{org.slug}/projects"
    return f"{base}/{project.id}" if project else base


def test_an_admin_creates_lists_updates_and_deletes_a_project(org_a, alice):
    api = client_for(alice)
    created = api.post(url(org_a), {"name": "Apollo Guidance"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["slug"] == "apollo-guidance"
    listed = api.get(url(org_a)).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    with scope(org=org_a):
        project = Project.objects.get(id=body["id"])
    patched = api.patch(url(org_a, project), {"description": "AGC"}, format="json")
    assert patched.status_code == 200 and patched.json()["description"] == "AGC"
    assert api.delete(url(org_a, project)).status_code == 204
    with scope(org=org_a):
        actions = list(AuditEvent.objects.order_by("created_at").values_list("action", "actor"))
    assert actions == [
        ("project.create", alice.id),
        ("project.update", alice.id),
        ("project.delete", alice.id),
    ]


def test_a_duplicate_slug_is_a_409(org_a, alice):
    api = client_for(alice)
    api.post(url(org_a), {"name": "X", "slug": "x"}, format="json")
    response = api.post(url(org_a), {"name": "Y", "slug": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "project_slug_taken"


def test_a_member_reads_but_cannot_write(org_a, bob):
    api = client_for(bob)
    assert api.get(url(org_a)).status_code == 200
    response = api.post(url(org_a), {"name": "Nope"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_another_organization_sees_nothing(org_a, org_b, alice, charlie):
    with scope(org=org_a):
        project = Project.objects.create(org=org_a, name="Secret", slug="secret")
    api = client_for(charlie)
    assert api.get(url(org_a)).status_code == 404
    assert api.get(url(org_a, project)).status_code == 404
    assert api.get(url(org_b, project)).status_code == 404
    assert api.patch(url(org_b, project), {"name": "pwned"}, format="json").status_code == 404
    assert api.delete(url(org_b, project)).status_code == 404
    with scope(org=org_a):
        assert Project.objects.get(id=project.id).name == "Secret"


def test_anonymous_callers_get_401(org_a):
    response = client_for().get(url(org_a))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_bad_input_is_a_400_with_field_errors(org_a, alice):
    response = client_for(alice).post(url(org_a), {"name": ""}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["error"]["details"]["fields"]
