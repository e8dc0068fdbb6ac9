from collections.abc import Iterator

import pytest

from tests.fixtures.world import new_user
from users.tests.helpers import PASSWORD, mail_sent


@pytest.fixture(autouse=True)
def no_mail_left_behind() -> Iterator[None]:
    """A reset email still queued would land in the next test's outbox."""
    yield
    mail_sent()


@pytest.fixture
def dana(db):
    """A user with a known password and no organization."""
    return new_user("dana@example.com", PASSWORD, name="Dana")
