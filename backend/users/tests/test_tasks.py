from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from rest_framework.test import APIClient

from users.tasks import sessions_clear_expired

pytestmark = pytest.mark.sqlite


def test_a_started_sign_in_lives_an_hour_and_is_then_dropped(db, providers):
    APIClient().post("/api/v1/auth/providers/corp/start", {}, format="json")
    [started] = Session.objects.all()
    left = started.expire_date - started.expire_date.now(tz=started.expire_date.tzinfo)
    assert timedelta(minutes=59) < left <= timedelta(hours=1)

    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=started.expire_date - timedelta(hours=2)
    )
    assert sessions_clear_expired() == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [started.pk]
