"""Tenant isolation by construction: scoped models refuse queries outside a scope."""

import pytest
from django_scopes import ScopeError, scope

from licenses.models import License, LicenseSession, SeatLease
from projects.models import Project
from tenants.models import Invitation, Membership, Organization


@pytest.mark.parametrize(
    "model", [License, LicenseSession, SeatLease, Project, Membership, Invitation]
)
def test_a_query_outside_a_scope_raises(db, model):
    with pytest.raises(ScopeError):
        list(model.objects.all())


def test_a_scope_shows_only_its_organizations_rows(db, make_license):
    license_a, _ = make_license()
    org_b = Organization.objects.create(name="B", slug="org-b")
    with scope(org=org_b):
        assert not License.objects.filter(id=license_a.id).exists()
    with scope(org=license_a.org):
        assert License.objects.filter(id=license_a.id).exists()


def test_license_validity_and_utilization(store_kind, make_license):
    from licenses import selectors, services

    license_, key = make_license(seats=4)
    assert license_.is_valid() and selectors.license_has_available_seats(license_)
    services.session_acquire(license_key=key, hardware_id="a")
    assert selectors.license_seat_utilization(license_) == 0.25
    assert str(license_).startswith("Test (lic_")
