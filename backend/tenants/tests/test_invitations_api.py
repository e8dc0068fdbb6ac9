import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audit.models import AuditEvent
from core.secrets import secret_digest
from tenants.models import Invitation
from tenants.tests.helpers import audit_rows, roles_of
from tests.fixtures.world import client_for
from users.models import User

ACCEPT = "/api/v1/invitations/accept"
STRONG = "orbital-Rendezvous-1969"


def url(org, invitation=None) -> str:
    base = f"/api/v1/orgs/{org.slug}/invitations"
    return f"{base}/{invitation}" if invitation is not None else base


def invite(api, org, email: str, role: str = "member"):
    return api.post(url(org), {"email": email, "role": role}, format="json")


def token_in(message) -> str:
    link = re.search(r"(\S+/accept-invitation\?token=(\S+))", message.body)
    assert link is not None, message.body
    assert link.group(1).startswith(f"{settings.PUBLIC_URL}/accept-invitation?token=inv_")
    return link.group(2)


def pending(org) -> list[tuple[str, str]]:
    with scope(org=org):
        return list(
            Invitation.objects.filter(accepted_at__isnull=True).values_list("email", "role")
        )


# End to end -------------------------------------------------------------------


def test_a_new_person_is_invited_by_email_and_joins_with_a_new_account(org_a, alice):
    created = invite(client_for(alice), org_a, "New.Person@Example.com", "admin")
    assert created.status_code == 201
    body = created.json()
    assert (body["email"], body["role"]) == ("new.person@example.com", "admin")
    assert "token" not in body and "token_digest" not in body
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.com"]
    assert "Org A" in message.subject and "alice" in message.body
    token = token_in(message)
    with scope(org=org_a):
        invitation = Invitation.objects.get()
    assert invitation.token_digest == secret_digest(token) and token not in invitation.token_digest
    expected = timezone.now() + timedelta(days=7)
    assert abs((invitation.expires_at - expected).total_seconds()) < 60

    listed = client_for(alice).get(url(org_a)).json()
    assert [(i["id"], i["email"], i["role"]) for i in listed["results"]] == [
        (invitation.id, "new.person@example.com", "admin")
    ]
    assert token not in str(listed)

    anonymous = client_for()
    weak = anonymous.post(ACCEPT, {"token": token, "password": "password"}, format="json")
    assert weak.status_code == 400
    assert "password" in weak.json()["error"]["details"]["fields"]
    missing = anonymous.post(ACCEPT, {"token": token}, format="json")
    assert missing.status_code == 400
    assert "password" in missing.json()["error"]["details"]["fields"]
    assert not User.objects.filter(email="new.person@example.com").exists()

    accepted = anonymous.post(
        ACCEPT, {"token": token, "name": "New Person", "password": STRONG}, format="json"
    )
    assert accepted.status_code == 200
    assert accepted.json() == {
        "organization": {"id": str(org_a.id), "name": "Org A", "slug": "org-a"},
        "role": "admin",
        "email": "new.person@example.com",
        "user_created": True,
    }
    newcomer = User.objects.get(email="new.person@example.com")
    assert newcomer.name == "New Person" and newcomer.check_password(STRONG)
    assert roles_of(org_a)["new.person@example.com"] == "admin"
    assert pending(org_a) == []
    assert client_for(newcomer).get("/api/v1/orgs/org-a/members").status_code == 200

    again = anonymous.post(ACCEPT, {"token": token, "password": STRONG}, format="json")
    assert again.status_code == 400 and again.json()["error"]["code"] == "invalid_invitation"

    assert audit_rows(org_a) == [
        ("invitation.create", alice.id, "tenants.invitation", str(invitation.id)),
        ("invitation.accept", newcomer.id, "tenants.invitation", str(invitation.id)),
    ]
    with scope(org=org_a):
        events = list(AuditEvent.objects.order_by("created_at"))
    assert token not in str([(e.before, e.after) for e in events])
    assert events[1].after == {
        "email": "new.person@example.com",
        "role": "admin",
        "user_id": str(newcomer.id),
        "user_created": True,
    }


def test_an_existing_user_accepts_only_when_signed_in_as_the_invited_email(
    org_a, org_b, alice, bob, charlie
):
    assert invite(client_for(alice), org_a, "Charlie@B.example", "viewer").status_code == 201
    token = token_in(mail.outbox[0])

    anonymous = client_for().post(ACCEPT, {"token": token, "password": STRONG}, format="json")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "sign_in_required"
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"

    as_bob = client_for(bob).post(ACCEPT, {"token": token}, format="json")
    assert as_bob.status_code == 403
    assert as_bob.json()["error"]["code"] == "invitation_for_another_user"
    assert "charlie@b.example" not in roles_of(org_a)

    as_charlie = client_for(charlie).post(ACCEPT, {"token": token}, format="json")
    assert as_charlie.status_code == 200
    assert as_charlie.json()["role"] == "viewer" and as_charlie.json()["user_created"] is False
    assert roles_of(org_a)["charlie@b.example"] == "viewer"
    assert roles_of(org_b) == {"charlie@b.example": "owner"}
    assert User.objects.filter(email="charlie@b.example").count() == 1
    assert not charlie.__class__.objects.get(pk=charlie.pk).check_password(STRONG)
    assert audit_rows(org_a)[-1][:2] == ("invitation.accept", charlie.id)
    slugs = {o["slug"] for o in client_for(charlie).get("/api/v1/orgs").json()["results"]}
    assert slugs == {"org-a", "org-b"}


# Accepting: refusals ----------------------------------------------------------------


def test_an_unknown_token_is_an_invalid_invitation(db):
    response = client_for().post(ACCEPT, {"token": "inv_nope", "password": STRONG}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_invitation"


def test_an_expired_invitation_is_refused(org_a, alice):
    invite(client_for(alice), org_a, "late@example.com")
    token = token_in(mail.outbox[0])
    with scope(org=org_a):
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client_for().post(ACCEPT, {"token": token, "password": STRONG}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_invitation"
    assert not User.objects.filter(email="late@example.com").exists()
    assert client_for(alice).get(url(org_a)).json()["count"] == 0


def test_an_api_token_cannot_accept(org_a, alice, api_token):
    invite(client_for(alice), org_a, "bot@example.com")
    token = token_in(mail.outbox[0])
    robot = client_for(api_token=api_token(org_a, "owner"))
    response = robot.post(ACCEPT, {"token": token, "password": STRONG}, format="json")
    assert response.status_code == 403
    assert pending(org_a) == [("bot@example.com", "member")]


def test_an_invited_person_who_became_a_member_meanwhile_gets_409(org_a, alice, charlie):
    invite(client_for(alice), org_a, "charlie@b.example")
    token = token_in(mail.outbox[0])
    from tenants.models import Membership

    with scope(org=org_a):
        Membership.objects.create(org=org_a, user=charlie, role="member")
    response = client_for(charlie).post(ACCEPT, {"token": token}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_member"
    assert roles_of(org_a)["charlie@b.example"] == "member"


# Inviting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, expected", [("viewer", 403), ("member", 403), ("admin", 201), ("owner", 201)]
)
def test_admins_and_owners_invite(org_a, person, role, expected):
    response = invite(client_for(person(role)), org_a, "someone@example.com")
    assert response.status_code == expected
    assert len(mail.outbox) == (1 if expected == 201 else 0)


@pytest.mark.parametrize("role, expected", [("viewer", 403), ("member", 403), ("admin", 200)])
def test_admins_list_invitations(org_a, person, role, expected):
    assert client_for(person(role)).get(url(org_a)).status_code == expected


def test_only_an_owner_invites_an_owner(org_a, alice, person):
    refused = invite(client_for(person("admin")), org_a, "boss@example.com", "owner")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    assert pending(org_a) == [] and mail.outbox == []
    assert invite(client_for(alice), org_a, "boss@example.com", "owner").status_code == 201
    assert pending(org_a) == [("boss@example.com", "owner")]


def test_inviting_a_member_is_a_409(org_a, alice):
    response = invite(client_for(alice), org_a, "BOB@a.example")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_member"
    assert pending(org_a) == [] and mail.outbox == []


def test_inviting_again_replaces_the_pending_invitation(org_a, alice):
    api = client_for(alice)
    first = invite(api, org_a, "twice@example.com", "viewer").json()
    second = invite(api, org_a, "Twice@example.com", "admin").json()
    assert pending(org_a) == [("twice@example.com", "admin")]
    listed = api.get(url(org_a)).json()["results"]
    assert [i["id"] for i in listed] == [second["id"]]
    old_token, new_token = token_in(mail.outbox[0]), token_in(mail.outbox[1])
    refused = client_for().post(ACCEPT, {"token": old_token, "password": STRONG}, format="json")
    assert refused.status_code == 400
    accepted = client_for().post(ACCEPT, {"token": new_token, "password": STRONG}, format="json")
    assert accepted.status_code == 200 and accepted.json()["role"] == "admin"
    with scope(org=org_a):
        created = AuditEvent.objects.filter(action="invitation.create").order_by("created_at")
        assert [e.after["replaces"] for e in created] == [[], [first["id"]]]


def test_bad_invitation_fields_are_a_400(org_a, alice):
    api = client_for(alice)
    response = api.post(url(org_a), {"email": "not-an-email", "role": "boss"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]["fields"]) == {"email", "role"}


class BrokenEmail(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_when_the_email_cannot_be_sent_nothing_is_saved(org_a, alice, settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenEmail"
    response = invite(client_for(alice), org_a, "someone@example.com")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "email_unavailable"
    assert pending(org_a) == [] and audit_rows(org_a) == []


# Revoking -----------------------------------------------------------------------


def test_an_admin_revokes_an_invitation_and_its_link_stops_working(org_a, person):
    admin = client_for(person("admin"))
    created = invite(admin, org_a, "gone@example.com").json()
    token = token_in(mail.outbox[0])
    assert admin.delete(url(org_a, created["id"])).status_code == 204
    assert pending(org_a) == []
    assert [row[0] for row in audit_rows(org_a)] == ["invitation.create", "invitation.revoke"]
    with scope(org=org_a):
        revoke = AuditEvent.objects.get(action="invitation.revoke")
    assert revoke.target_id == str(created["id"])
    assert revoke.before["email"] == "gone@example.com" and revoke.before["role"] == "member"
    response = client_for().post(ACCEPT, {"token": token, "password": STRONG}, format="json")
    assert response.status_code == 400
    assert admin.delete(url(org_a, created["id"])).status_code == 404


def test_a_member_cannot_revoke(org_a, alice, bob):
    created = invite(client_for(alice), org_a, "stay@example.com").json()
    assert client_for(bob).delete(url(org_a, created["id"])).status_code == 403
    assert pending(org_a) == [("stay@example.com", "member")]


def test_an_accepted_invitation_cannot_be_revoked(org_a, alice):
    created = invite(client_for(alice), org_a, "joined@example.com").json()
    token = token_in(mail.outbox[0])
    client_for().post(ACCEPT, {"token": token, "password": STRONG}, format="json")
    assert client_for(alice).delete(url(org_a, created["id"])).status_code == 404
    with scopes_disabled():
        assert Invitation.objects.get(pk=created["id"]).accepted_at is not None
