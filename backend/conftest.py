"""The backend's test fixtures live in ``tests/fixtures/`` (one module per kind); this
file only loads them, so every app's tests see them. Tests import the helpers they
call from those modules, never from here."""

pytest_plugins = [
    "tests.fixtures.workers",
    "tests.fixtures.world",
    "tests.fixtures.stores",
    "tests.fixtures.servers",
    "tests.fixtures.private_services",
    "tests.fixtures.signing_roots",
]
