"""Expiry warnings: 30, 7 and 1 days before, to the organization's admins, once each."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope

from audit.models import AuditEvent
from core.actor import Actor
from licenses import services
from licenses.models import LicenseExpiryWarning
from licenses.tasks import expiry_warnings
from tests.fixtures.world import new_user

pytestmark = pytest.mark.sqlite


@pytest.fixture
def admins(org_a, alice):
    from tenants.models import Membership

    dana = new_user("dana@a.example")
    Membership.objects.create(org=org_a, user=dana, role=Membership.Role.ADMIN)
    return {"alice@a.example", "dana@a.example"}


def make(org, days: float, **fields):
    with scope(org=org):
        license_, _ = services.license_create(
            org=org,
            name="Eng",
            seats_total=3,
            expires_at=timezone.now() + timedelta(days=days),
            actor=Actor.system_named("tests"),
            **fields,
        )
    return license_


def test_admins_and_owners_get_the_nearest_warning_once(org_a, admins):
    make(org_a, 20)
    make(org_a, 5, grace_days=3)
    make(org_a, 40)
    assert services.license_expiry_warnings_send().sent == 2
    assert {m.to[0] for m in mail.outbox} == admins  # bob, a member, hears nothing
    assert len(mail.outbox) == 4
    subjects = sorted({m.subject for m in mail.outbox})
    assert subjects == ['License "Eng" expires in 20 days', 'License "Eng" expires in 5 days']
    assert "3 more days (the grace period)" in next(
        m.body for m in mail.outbox if "5 days" in m.subject
    )
    assert services.license_expiry_warnings_send().sent == 0
    assert expiry_warnings() == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 4


def test_each_threshold_is_sent_as_it_comes_and_audited(org_a, admins):
    license_ = make(org_a, 29)
    now = timezone.now()
    for days_later in (0, 1, 23, 23, 28):
        services.license_expiry_warnings_send(now=now + timedelta(days=days_later))
    with scope(org=org_a):
        sent = sorted(LicenseExpiryWarning.objects.values_list("days_before", flat=True))
        audits = list(
            AuditEvent.objects.filter(action="license.expiry_warning").values_list(
                "after", flat=True
            )
        )
    assert sent == [1, 7, 30]
    assert sorted(a["days_before"] for a in audits) == [1, 7, 30]
    assert all(a["recipients"] == 2 for a in audits)
    assert {a["expires_at"] for a in audits} == {license_.expires_at.isoformat()}


def test_a_renewal_starts_the_warnings_over(org_a, admins):
    license_ = make(org_a, 5)
    services.license_expiry_warnings_send()
    with scope(org=org_a):
        services.license_renew(
            license_=license_,
            expires_at=license_.expires_at + timedelta(days=1),
            actor=Actor.system_named("tests"),
        )
    assert services.license_expiry_warnings_send().sent == 1


def test_suspended_expired_and_open_ended_licenses_get_none(org_a, admins):
    make(org_a, -1)
    with scope(org=org_a):
        services.license_create(
            org=org_a, name="Forever", seats_total=1, actor=Actor.system_named("tests")
        )
        services.license_suspend(license_=make(org_a, 3), actor=Actor.system_named("tests"))
    assert services.license_expiry_warnings_send().sent == 0
