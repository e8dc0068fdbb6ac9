"""Client calls of the seat protocol, for the administration tests."""

from rest_framework.test import APIClient


def acquire(key: str, hwid: str = "laptop-1", **extra):
    return APIClient().post(
        "/api/v1/licenses/acquire",
        {"license_key": key, "hardware_id": hwid, **extra},
        format="json",
    )


def heartbeat(session_id):
    return APIClient().post(
        "/api/v1/licenses/heartbeat", {"session_id": str(session_id)}, format="json"
    )


def release(session_id):
    return APIClient().post(
        "/api/v1/licenses/release", {"session_id": str(session_id)}, format="json"
    )
