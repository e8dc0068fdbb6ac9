"""Two owners demoting each other at the same instant never leave the org without one.

PostgreSQL only (row locks across connections); SQLite serializes writers anyway.
"""

import pytest
from django_scopes import scope

from core.actor import Actor
from core.roles import Role
from tenants.models import Membership
from tenants.services import LastOwner, membership_remove, membership_update_role
from tests.fixtures.concurrency import race


@pytest.fixture
def two_owners(transactional_db, org_a, bob):
    with scope(org=org_a):
        Membership.objects.filter(user=bob).update(role="owner")
    return org_a


def _attempt(action):
    try:
        action()
        return "done"
    except LastOwner:
        return "last_owner"


@pytest.mark.parametrize("how", ["demote", "remove"])
def test_two_owners_removing_each_other_at_once_leave_one_owner(two_owners, alice, bob, how):
    org = two_owners
    pairs = [(alice, bob), (bob, alice)]

    def run(i: int) -> str:
        actor, target = pairs[i]

        def act():
            with scope(org=org):
                membership = Membership.objects.get(user=target)
                if how == "demote":
                    membership_update_role(
                        membership=membership,
                        role="admin",
                        acting_role=Role.OWNER,
                        actor=Actor.system_named("tests"),
                    )
                else:
                    membership_remove(
                        membership=membership,
                        acting_user=actor,
                        acting_role=Role.OWNER,
                        actor=Actor.system_named("tests"),
                    )

        return _attempt(act)

    for _ in range(5):
        with scope(org=org):
            Membership.objects.filter(user__in=[alice, bob]).update(role="owner")
            if how == "remove":
                for person in (alice, bob):
                    Membership.objects.get_or_create(
                        org=org, user=person, defaults={"role": "owner"}
                    )
        assert sorted(race(run, 2)) == ["done", "last_owner"]
        with scope(org=org):
            assert Membership.objects.filter(role="owner").count() == 1
