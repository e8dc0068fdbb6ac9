from collections.abc import Iterator

import pytest

from events import services as event_services
from webhooks.tests.receiver import Receiver


@pytest.fixture(autouse=True)
def _webhook_settings(settings) -> Iterator[None]:
    """Loopback receivers allowed; nothing queued to a broker (tests drive delivery
    with ``drain``, or run a real worker); no subscription cache between tests."""
    from webhooks import services

    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.EVENT_SUBSCRIPTIONS_CACHE_SECONDS = 0
    hook = services._enqueue_hook
    services.enqueue_hook_set(None)
    event_services.subscriptions_forget()
    yield
    services.enqueue_hook_set(hook)
    event_services.subscriptions_forget()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver().start()
    yield found
    found.stop()
