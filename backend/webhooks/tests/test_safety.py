"""Deliveries never reach loopback, private, link-local or metadata addresses (unless
loopback is allowed for development), whatever the URL, its DNS or its redirects say.
Names resolve through a resolver the test controls; no traffic leaves the machine."""

import pytest
from django_scopes import scope, scopes_disabled

from core.actor import Actor
from licenses import services as license_services
from tests.fixtures.world import client_for
from webhooks import outbound, services
from webhooks.models import WebhookAttempt, WebhookEndpoint
from webhooks.tests.helpers import drain
from webhooks.tests.receiver import Receiver

ADMIN = Actor.system_named("tests")
REFUSED = [
    "https://127.0.0.1/hooks",
    "https://127.1.2.3:8443/hooks",
    "https://localhost/hooks",
    "https://[::1]/hooks",
    "https://10.0.0.1/hooks",
    "https://192.168.1.10/hooks",
    "https://172.16.0.1/hooks",
    "https://100.64.0.1/hooks",  # carrier-grade NAT (and Alibaba's metadata range)
    "https://169.254.169.254/latest/meta-data/",
    "https://[fe80::1]/hooks",
    "https://[fd00:ec2::254]/hooks",  # AWS's IPv6 metadata address
    "https://[::ffff:169.254.169.254]/hooks",
    "https://0.0.0.0/hooks",
    "https://224.0.0.1/hooks",
    "http://example.com/hooks",  # plain http
    "https://user:password@example.com/hooks",
    "ftp://example.com/hooks",
]


@pytest.fixture
def no_loopback(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False


@pytest.fixture
def resolver(monkeypatch):
    """Names resolve to what the test says; any other name fails the test."""
    answers: dict[str, list[str]] = {}

    def resolve(host: str, port: int) -> list[str]:
        assert host in answers, f"unexpected lookup of {host}"
        return answers[host]

    monkeypatch.setattr(outbound, "resolve", resolve)
    return answers


@pytest.mark.parametrize("url", REFUSED)
def test_an_unsafe_url_is_refused_when_the_endpoint_is_created(no_loopback, org_a, url):
    with scope(org=org_a), pytest.raises(services.UnsafeWebhookUrl):
        services.endpoint_create(org=org_a, url=url, event_types=["*"], actor=ADMIN)


@pytest.mark.parametrize("url", REFUSED)
def test_an_unsafe_url_is_refused_when_sending(no_loopback, resolver, url):
    with pytest.raises(outbound.UnsafeUrl):
        outbound.post(url, b"{}", {})


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "fd00::1", "0.0.0.0"]
)
def test_a_name_that_resolves_to_a_refused_address_is_not_connected(no_loopback, resolver, address):
    resolver["hooks.customer.example"] = ["93.184.215.14", address]
    with pytest.raises(outbound.UnsafeUrl, match=r"not a public address|loopback"):
        outbound.post("https://hooks.customer.example/in", b"{}", {})


def test_a_dns_change_after_creation_is_caught_at_send_time(no_loopback, resolver, org_a):
    """Rebinding: the name was public when the endpoint was saved, private when used."""
    resolver["hooks.customer.example"] = ["93.184.215.14"]
    with scope(org=org_a):
        services.endpoint_create(
            org=org_a,
            url="https://hooks.customer.example/in",
            event_types=["license.created"],
            actor=ADMIN,
        )
        resolver["hooks.customer.example"] = ["169.254.169.254"]
        license_services.license_create(org=org_a, name="L", seats_total=1, actor=ADMIN)
    drain()
    with scopes_disabled():
        [attempt] = WebhookAttempt.objects.all()
    assert attempt.status_code is None and not attempt.succeeded
    assert attempt.error.startswith("refused:") and "169.254.169.254" in attempt.error


def test_a_redirect_to_a_metadata_address_is_not_followed(org_a, settings):
    """Loopback allowed so a real receiver can answer; it redirects to the metadata
    service, which is refused whatever the setting: nothing follows the redirect."""
    receiver = Receiver(redirect_to="http://169.254.169.254/latest/meta-data/").start()
    try:
        with scope(org=org_a):
            _, secret = services.endpoint_create(
                org=org_a, url=receiver.url, event_types=["license.created"], actor=ADMIN
            )
            receiver.secrets.append(secret)
            license_services.license_create(org=org_a, name="L", seats_total=1, actor=ADMIN)
        drain()
        assert receiver.requests == 1
        with scopes_disabled():
            [attempt] = WebhookAttempt.objects.all()
        assert attempt.status_code == 302 and not attempt.succeeded
    finally:
        receiver.stop()


def test_loopback_allowed_still_refuses_private_and_metadata_addresses(resolver, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    for url in ("http://10.0.0.1/hooks", "https://10.0.0.1/", "http://169.254.169.254/"):
        with pytest.raises(outbound.UnsafeUrl):
            outbound.post(url, b"{}", {})
    resolver["sneaky.example"] = ["10.1.2.3"]
    with pytest.raises(outbound.UnsafeUrl):
        outbound.post("http://sneaky.example/", b"{}", {})


def test_the_api_refuses_an_unsafe_url_with_a_clear_error(no_loopback, org_a, alice):
    response = client_for(alice).post(
        f"/api/v1/orgs/{org_a.slug}/webhooks",
        {"url": "https://169.254.169.254/", "event_types": ["*"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unsafe_webhook_url"
    with scopes_disabled():
        assert not WebhookEndpoint.objects.exists()


def test_a_receiver_that_never_answers_is_cut_off_by_the_timeout(settings, org_a):
    settings.WEBHOOK_READ_TIMEOUT = 1
    receiver = Receiver(hang=5).start()
    try:
        reply = outbound.post(receiver.url, b"{}", {})
        assert reply.status_code is None and "timed out" in reply.error.lower()
        assert reply.latency_ms < 4000
    finally:
        receiver.stop()
