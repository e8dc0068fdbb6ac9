"""The bench's acquire ceiling (``BENCH_BUDGET_ENDPOINT``): a seat step, a session row
with its event, a token; and never mounted unless the setting is on."""

import pytest
from django.urls import resolve
from django_scopes import scopes_disabled
from rest_framework.test import APIRequestFactory

from licenses.api.bench_views import AcquireBudgetView
from licenses.models import LicenseSession, SeatEvent
from licenses.seatstore import get_seat_store

pytestmark = pytest.mark.sqlite


def test_the_budget_is_one_seat_one_row_one_token(store_kind, make_license):
    license_, _ = make_license(seats=3)
    request = APIRequestFactory().post(
        "/bench/acquire-budget",
        {"license_id": str(license_.id), "org_id": str(license_.org_id)},
        format="json",
    )
    response = AcquireBudgetView.as_view()(request)
    assert response.status_code == 201 and response.data["token"].count(".") == 2
    with scopes_disabled():
        session = LicenseSession.objects.get(id=response.data["session_id"])
        assert SeatEvent.objects.filter(session_id=session.id, kind="acquire").count() == 1
    assert get_seat_store().count(str(license_.id)) == 1


def test_it_is_not_mounted_by_default():
    match = resolve("/bench/acquire-budget")  # the dashboard's catch-all, if anything
    assert getattr(match.func, "view_class", None) is not AcquireBudgetView
