"""Every domain error's code has its HTTP status in ``core.errors.STATUS``: services say
what went wrong, the one table says how HTTP carries it."""

import importlib
import pkgutil

from core.errors import STATUS, DomainError

APPS = (
    "analytics",
    "audit",
    "core",
    "events",
    "licenses",
    "projects",
    "tenants",
    "users",
    "webhooks",
)


def _every_subclass(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_every_subclass(sub)]
    return found


def test_every_domain_error_code_has_a_status():
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".tests" not in module.name and ".migrations" not in module.name:
                importlib.import_module(module.name)
    errors = _every_subclass(DomainError)
    assert len(errors) > 20
    codes = {error.code for error in errors}
    from licenses.errors import LicenseRefused

    codes |= set(LicenseRefused._messages)
    assert codes - set(STATUS) == set()
    assert all(100 <= status < 600 for status, _ in STATUS.values())
