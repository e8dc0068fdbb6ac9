import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from core.errors import server_error_view
from tests.fixtures.stores import use_store

pytestmark = pytest.mark.sqlite


def test_healthz_answers(db):
    assert APIClient().get("/healthz").json() == {"status": "ok"}


def test_readyz_is_200_when_everything_answers(db):
    response = APIClient().get("/readyz")
    assert response.status_code == 200 and response.json() == {"status": "ready"}


def test_readyz_leaves_redis_out(db):
    use_store("redis", "redis://127.0.0.1:1/0")
    assert APIClient().get("/readyz").status_code == 200


def test_a_server_error_is_json():
    response = server_error_view(RequestFactory().get("/x"))
    assert response.status_code == 500
    assert b'"internal_error"' in response.content
