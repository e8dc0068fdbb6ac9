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


@pytest.fixture(scope="session")
def oidc():
    """A real OpenID Connect provider on a loopback port (users/tests/sign_in_support.py)."""
    from users.tests.sign_in_support import oidc_provider

    with oidc_provider() as provider:
        yield provider


@pytest.fixture
def github():
    """GitHub's stand-in: the only one (users/tests/sign_in_support.py says why)."""
    from users.tests.sign_in_support import github_stand_in

    with github_stand_in() as stand_in:
        yield stand_in


@pytest.fixture
def providers(settings, oidc, github):
    """Both offered: the OpenID Connect provider as ``corp``, and GitHub."""
    settings.SIGN_IN_PROVIDERS = [oidc.config(), github.config()]
    return settings.SIGN_IN_PROVIDERS
