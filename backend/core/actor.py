"""Who acts, and from where: what services record about the caller, nothing of HTTP.

A view builds one ``Actor`` per request (``Actor.from_request``) and passes it to the
service; a Celery task, a management command or the embedded reaper passes
``Actor.system("…")``, so every audit row says who acted, a person, an API token or a
named part of the system. Services never see DRF's ``Request``.
"""

from dataclasses import dataclass, replace
from typing import Any

from django_guid import get_guid


@dataclass(frozen=True)
class Actor:
    # A person (``users.User``); None for an API token or the system.
    user: Any = None
    # The organization API token (``tenants.ApiToken``) that authenticated the call.
    api_token: Any = None
    # Set for callers that are no one signed in: "reaper", "command:create_license"…
    system: str = ""
    ip_address: str | None = None
    request_id: str | None = None

    @classmethod
    def system_named(cls, name: str) -> "Actor":
        """The system acting on its own: a task, a command, the embedded reaper."""
        return cls(system=name, request_id=get_guid())

    @classmethod
    def from_request(cls, request: Any) -> "Actor":
        """The caller of an HTTP request: its signed-in person or API token (a principal
        with ``api_token``), the client's address and the request id."""
        user = getattr(request, "user", None)
        token = getattr(user, "api_token", None)
        person = user if token is None and getattr(user, "is_authenticated", False) else None
        return cls(
            user=person,
            api_token=token,
            system="" if person or token else "anonymous",
            ip_address=request.META.get("REMOTE_ADDR"),
            request_id=get_guid(),
        )

    def as_user(self, user: Any) -> "Actor":
        """The same call, made by ``user``: someone an invitation has just signed up."""
        return replace(self, user=user, api_token=None, system="")
