from collections.abc import Iterator

import pytest
from django.core.cache import cache

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_throttle_counters() -> Iterator[None]:
    """Throttle counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dana(db):
    """A user with a known password and no organization."""
    from users.models import User

    return User.objects.create_user("dana@example.com", PASSWORD, name="Dana")
