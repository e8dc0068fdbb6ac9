"""Groups of people of an organization (issue #22): admins manage them and their
members, every member reads them, another organization sees nothing."""

from django_scopes import scope

from tenants.models import PersonGroup, PersonGroupMember
from tenants.tests.helpers import audit_rows
from tests.fixtures.world import client_for, new_user


def url(org, group=None, member=None):
    base = f"/api/v1/orgs/{org.slug}/groups"
    if group is not None:
        base = f"{base}/{group.id if hasattr(group, 'id') else group}"
    if member is not None:
        base = f"{base}/members" + (f"/{member.id}" if member is not True else "")
    return base


def make_group(org, slug="design", *people):
    with scope(org=org):
        group = PersonGroup.objects.create(org=org, name=slug.title(), slug=slug)
        for person in people:
            PersonGroupMember.objects.create(org=org, group=group, user=person)
    return group


def test_an_admin_creates_renames_and_deletes_a_group_audited(org_a, alice):
    api = client_for(alice)
    created = api.post(url(org_a), {"name": "Design Team"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["slug"] == "design-team" and body["member_count"] == 0
    listed = api.get(url(org_a)).json()
    assert [g["id"] for g in listed["results"]] == [body["id"]]
    patched = api.patch(url(org_a, body["id"]), {"name": "Designers"}, format="json")
    assert patched.status_code == 200 and patched.json()["name"] == "Designers"
    assert api.delete(url(org_a, body["id"])).status_code == 204
    assert api.get(url(org_a, body["id"])).status_code == 404
    assert [row[0] for row in audit_rows(org_a)] == [
        "group.create",
        "group.update",
        "group.delete",
    ]


def test_a_duplicate_slug_is_a_409(org_a, alice):
    api = client_for(alice)
    api.post(url(org_a), {"name": "X", "slug": "x"}, format="json")
    response = api.post(url(org_a), {"name": "Y", "slug": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "group_slug_taken"


def test_an_admin_adds_and_removes_members_once_each(org_a, alice, bob):
    group = make_group(org_a)
    api = client_for(alice)
    added = api.post(url(org_a, group, True), {"user": str(bob.id)}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["email"] == bob.email
    # Adding twice changes nothing and audits once.
    assert (
        api.post(url(org_a, group, True), {"user": str(bob.id)}, format="json").status_code == 201
    )
    members = api.get(url(org_a, group, True)).json()["results"]
    assert [m["user_id"] for m in members] == [str(bob.id)]
    assert api.get(url(org_a, group)).json()["member_count"] == 1
    assert api.delete(url(org_a, group, bob)).status_code == 204
    assert api.delete(url(org_a, group, bob)).status_code == 404
    assert api.get(url(org_a, group, True)).json()["count"] == 0
    actions = [row[0] for row in audit_rows(org_a)]
    assert actions == ["group.member_add", "group.member_remove"]


def test_only_members_of_the_organization_can_be_in_its_groups(org_a, org_b, alice, charlie):
    group = make_group(org_a)
    stranger = new_user("stranger@x.example")
    api = client_for(alice)
    for person in (charlie, stranger):
        response = api.post(url(org_a, group, True), {"user": str(person.id)}, format="json")
        assert response.status_code == 400
        assert "user" in response.json()["error"]["details"]["fields"]
    with scope(org=org_a):
        assert not PersonGroupMember.objects.exists()


def test_leaving_the_organization_takes_a_person_out_of_its_groups(org_a, alice, bob):
    make_group(org_a, "design", bob, alice)
    make_group(org_a, "ops", bob)
    assert (
        client_for(alice).delete(f"/api/v1/orgs/{org_a.slug}/members/{bob.id}").status_code == 204
    )
    with scope(org=org_a):
        left = set(PersonGroupMember.objects.values_list("group__slug", "user_id"))
    assert left == {("design", alice.id)}


def test_a_member_reads_groups_but_cannot_change_them(org_a, bob):
    group = make_group(org_a, "design", bob)
    api = client_for(bob)
    assert api.get(url(org_a)).status_code == 200
    assert api.get(url(org_a, group)).status_code == 200
    assert api.get(url(org_a, group, True)).status_code == 200
    refused = [
        api.post(url(org_a), {"name": "Nope"}, format="json"),
        api.patch(url(org_a, group), {"name": "Nope"}, format="json"),
        api.delete(url(org_a, group)),
        api.post(url(org_a, group, True), {"user": str(bob.id)}, format="json"),
        api.delete(url(org_a, group, bob)),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    assert refused[0].json()["error"]["code"] == "permission_denied"


def test_another_organization_sees_and_changes_nothing(org_a, org_b, alice, bob, charlie, snapshot):
    group = make_group(org_a, "secret", bob)
    before = snapshot(org_a)
    api = client_for(charlie)
    # Through org A's path (not a member) and through org B's own path (not its group).
    for org in (org_a, org_b):
        assert api.get(url(org, group)).status_code == 404
        assert api.get(url(org, group, True)).status_code == 404
        assert api.patch(url(org, group), {"name": "pwned"}, format="json").status_code == 404
        assert api.delete(url(org, group)).status_code == 404
        added = api.post(url(org, group, True), {"user": str(charlie.id)}, format="json")
        assert added.status_code == 404
        assert api.delete(url(org, group, bob)).status_code == 404
    assert api.get(url(org_a)).status_code == 404
    assert api.post(url(org_a), {"name": "Mine"}, format="json").status_code == 404
    assert api.get(url(org_b)).json()["count"] == 0
    assert snapshot(org_a) == before


def test_an_admin_cannot_add_another_organizations_person_through_its_own_group(
    org_a, org_b, alice, charlie
):
    theirs = make_group(org_b, "theirs")
    response = client_for(charlie).post(
        url(org_b, theirs, True), {"user": str(alice.id)}, format="json"
    )
    assert response.status_code == 400


def test_anonymous_callers_get_401(org_a):
    assert client_for().get(url(org_a)).status_code == 401
