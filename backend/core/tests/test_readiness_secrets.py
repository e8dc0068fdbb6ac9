"""A Redis URL carries Memorystore's AUTH string: when Redis is down, the probes, the
deep check, the metrics and the seat path name the part and its host, never the URL."""

import io
import logging

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from licenses.tests.helpers import acquire
from tests.fixtures.servers import free_port
from tests.fixtures.stores import use_store

pytestmark = pytest.mark.sqlite

PASSWORD = "s3cret-AUTH-string-0f-memorystore"


@pytest.fixture
def redis_down_with_password() -> str:
    port = free_port()  # nothing listens there
    use_store("redis", f"rediss://:{PASSWORD}@127.0.0.1:{port}/0?ssl_cert_reqs=required")
    return f"127.0.0.1:{port}"


def test_readyz_is_ready_and_shows_no_password(db, redis_down_with_password, caplog):
    caplog.set_level(logging.DEBUG)
    response = APIClient().get("/readyz")
    assert response.status_code == 200
    assert PASSWORD not in response.content.decode() and PASSWORD not in caplog.text


def test_the_deep_check_names_redis_and_its_host_only(db, redis_down_with_password, caplog):
    caplog.set_level(logging.DEBUG)
    out = io.StringIO()
    with pytest.raises(CommandError, match="not healthy: redis"):
        call_command("check_services", stdout=out)
    assert f"redis: FAIL redis unreachable at {redis_down_with_password}" in out.getvalue()
    assert "database: ok" in out.getvalue() and "migrations: ok" in out.getvalue()
    assert PASSWORD not in out.getvalue() and PASSWORD not in caplog.text


def test_metrics_report_redis_down_without_its_password(db, redis_down_with_password, caplog):
    caplog.set_level(logging.DEBUG)
    body = APIClient().get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert "coditect_redis_up 0.0" in body
    assert PASSWORD not in body and PASSWORD not in caplog.text


def test_the_seat_path_fails_closed_without_the_password(
    db, make_license, redis_down_with_password, caplog
):
    _, key = make_license()
    caplog.set_level(logging.DEBUG)
    response = acquire(key)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "seat_store_unavailable"
    assert PASSWORD not in response.content.decode() and PASSWORD not in caplog.text
