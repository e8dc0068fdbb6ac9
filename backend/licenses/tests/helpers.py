"""Client calls of the seat protocol, for the administration tests.

A client proves its session with the secret its acquire returned: ``heartbeat`` and
``release`` take that acquire's JSON body (or an ``AcquiredSeat`` of the service)."""

from typing import Any

from rest_framework.test import APIClient

from licenses import services


def acquire(key: str, hwid: str = "laptop-1", **extra):
    return APIClient().post(
        "/api/v1/licenses/acquire",
        {"license_key": key, "hardware_id": hwid, **extra},
        format="json",
    )


def person_acquire(access: str, hwid: str = "laptop", **body):
    """An acquire with a person's access token (no license key)."""
    return person_post("acquire", access, hwid, **body)


def person_post(path: str, access: str, hwid: str, **body):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    info = {"hostname": f"{hwid}.local", "platform": "Linux", "version": "9.9"}
    return client.post(
        f"/api/v1/licenses/{path}",
        {"hardware_id": hwid, "client_info": info, **body},
        format="json",
    )


def proof(seat: Any) -> dict[str, str]:
    """``{session_id, session_secret}`` of an acquire's body or an ``AcquiredSeat``."""
    if isinstance(seat, services.AcquiredSeat):
        return {"session_id": str(seat.session.id), "session_secret": seat.secret}
    return {"session_id": str(seat["session_id"]), "session_secret": seat["session_secret"]}


def heartbeat(seat: Any):
    return APIClient().post("/api/v1/licenses/heartbeat", proof(seat), format="json")


def release(seat: Any):
    return APIClient().post("/api/v1/licenses/release", proof(seat), format="json")


def beat(seat: services.AcquiredSeat) -> Any:
    """The heartbeat service, as a client with this seat calls it."""
    return services.session_heartbeat(**proof(seat))


def end(seat: services.AcquiredSeat) -> None:
    """The release service, as a client with this seat calls it."""
    services.session_release(**proof(seat))
