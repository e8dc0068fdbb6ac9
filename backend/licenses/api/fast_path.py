"""The seat protocol's hot path at the HTTP edge, in one place.

Every client starts with an acquire and beats every two minutes, so the seat endpoints
answer the common, plainly valid request without the general machinery, and hand
everything else to it. The serializers in ``licenses.api.serializers`` stay the
specification: for any body, the shortcuts here either give exactly the serializer's
value or step aside (``test_seat_input.py`` compares them on generated bodies, valid
and invalid; ``test_seat_fast_path.py`` compares whole HTTP answers).

- ``acquire_input`` / ``session_input``: the validated bodies, without instantiating a
  serializer (each instance deep-copies its declared fields: a tenth of a heartbeat's
  CPU).
- ``plain_session_proof``: a heartbeat or release whose request is plain JSON (the
  media type without parameters, ASCII, no escapes, an ``Accept`` that takes JSON) is
  read straight from the body, and its success answered with a prebuilt JSON response:
  DRF's request wrapper, content negotiation and renderer are about a third of a
  heartbeat's CPU (bench/RESULTS.md, sixth session). Anything else, and every error,
  goes through DRF, so every refusal is DRF's.
- ``plain_acquire``: the same for an acquire, by license key or by a person. Its
  throttle runs on ``PlainRequest`` and its grant (or place in line) is answered
  directly; DRF's share
  of an acquire was an eighth of its CPU, most of the gap to the acquire's budget
  (bench/RESULTS.md, ninth session). A refusal, the throttle's 429 included, is
  DRF's answer, and the request is counted by the throttle once.
- The acquire throttle's round trip also reads the license's cache entry; the view
  keeps it (``license_cache.Prefetched``) and hands it to the service.
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework import serializers

from core.parsers import JSONParser
from licenses.api.serializers import (
    AcquireInputSerializer,
    PersonAcquireInputSerializer,
    SessionInputSerializer,
)

# --- bodies ------------------------------------------------------------------------

_SESSION_ID = serializers.UUIDField()
_SESSION_SECRET = SessionInputSerializer().fields["session_secret"]
_SECRET_MAX = _SESSION_SECRET.max_length
_ACQUIRE_DEFAULTS = {"client_instance": "", "client_info": {}, "project": ""}
_ACQUIRE_LIMITS = {"license_key": 128, "hardware_id": 128, "client_instance": 64, "project": 64}


def _plain_text(value: Any, limit: int) -> str | None:
    """``value`` trimmed, if it is text the serializer would take as it is (printable
    ASCII within the limit); None sends the body to the serializer."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if len(value) > limit or not value.isascii() or not value.isprintable():
        return None
    return value


def _plain_client_info(value: Any) -> dict | None:
    if not isinstance(value, dict) or len(value) > 20:
        return None
    return value if len(repr(value)) <= 2048 else None


def acquire_input(data: Any) -> dict[str, Any]:
    """The validated acquire body: ``AcquireInputSerializer``'s ``validated_data``."""
    if isinstance(data, dict):
        fast: dict[str, Any] = {}
        for name, limit in _ACQUIRE_LIMITS.items():
            if name in data:
                fast[name] = _plain_text(data[name], limit)
            else:
                fast[name] = _ACQUIRE_DEFAULTS.get(name)
        info = data.get("client_info", {})
        fast["client_info"] = _plain_client_info(info)
        # Only a JSON boolean is taken as it is; "true", 1 and the like go to the field.
        wait = data.get("wait", False)
        fast["wait"] = wait if isinstance(wait, bool) else None
        if fast["license_key"] and fast["hardware_id"] and None not in fast.values():
            return {**fast, "client_info": dict(info)}
    checked = AcquireInputSerializer(data=data)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


def person_acquire_input(data: Any) -> dict[str, Any]:
    """The validated body of a person's acquire: ``PersonAcquireInputSerializer``'s
    ``validated_data`` (``license_id`` as a UUID or None)."""
    if isinstance(data, dict) and "license_key" not in data:
        fast: dict[str, Any] = {}
        for name in ("hardware_id", "client_instance"):
            if name in data:
                fast[name] = _plain_text(data[name], _ACQUIRE_LIMITS[name])
            else:
                fast[name] = _ACQUIRE_DEFAULTS.get(name)
        info = data.get("client_info", {})
        fast["client_info"] = _plain_client_info(info)
        wait = data.get("wait", False)
        fast["wait"] = wait if isinstance(wait, bool) else None
        license_id = data.get("license_id")
        try:
            fast["license_id"] = (
                None if license_id is None else _SESSION_ID.to_internal_value(license_id)
            )
        except serializers.ValidationError:
            fast["license_id"] = _INVALID
        if (
            fast["hardware_id"]
            and fast["license_id"] is not _INVALID
            and None
            not in (fast["hardware_id"], fast["client_instance"], fast["client_info"], fast["wait"])
        ):
            return {**fast, "client_info": dict(info)}
    checked = PersonAcquireInputSerializer(data=data)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


_INVALID = object()


def _plain_secret(value: Any) -> str | None:
    """The secret as the serializer's field returns it, when that is the value itself:
    printable ASCII (no NUL, no surrogate), no surrounding blanks, within the limit."""
    if (
        isinstance(value, str)
        and 0 < len(value) <= _SECRET_MAX
        and value.isascii()
        and value.isprintable()
        and value.strip() == value
    ):
        return value
    return None


def session_input(data: Any) -> tuple[str, str]:
    """The validated ``{"session_id": uuid, "session_secret": text}`` of heartbeat and
    release: the id as text and the secret."""
    if isinstance(data, dict) and "session_id" in data and "session_secret" in data:
        try:
            session_id = str(_SESSION_ID.to_internal_value(data["session_id"]))
        except serializers.ValidationError:
            session_id = None
        secret = _plain_secret(data["session_secret"])
        if session_id is not None and secret is not None:
            return session_id, secret
    checked = SessionInputSerializer(data=data)
    checked.is_valid(raise_exception=True)
    return str(checked.validated_data["session_id"]), checked.validated_data["session_secret"]


# --- whole requests ----------------------------------------------------------------

# What DRF's negotiation would answer with JSON: no Accept header, or one of these.
_JSON_ACCEPTED = frozenset(("", "*/*", "application/json", "application/*"))
_PARSE = JSONParser()


def _plain_json_object(request: HttpRequest) -> dict[str, Any] | None:
    """The body of a POST that DRF would parse to the same JSON object, with nothing for
    DRF to negotiate; None: let DRF answer."""
    if (
        request.method != "POST"
        or request.META.get("CONTENT_TYPE") != "application/json"
        or request.META.get("HTTP_ACCEPT", "") not in _JSON_ACCEPTED
    ):
        return None
    body = request.body
    # Escapes and non-ASCII bytes are what the API's parser looks at twice (lone
    # surrogates, NUL, charsets): such bodies take the general path.
    if b"\\" in body or not body.isascii():
        return None
    try:
        data = _PARSE.parse_text(body.decode("ascii"))
    except Exception:
        return None
    return data if isinstance(data, dict) else None


def plain_acquire(request: HttpRequest) -> dict[str, Any] | None:
    """The body of a plain acquire, by license key or by a person's bearer token; None:
    let DRF answer. The body is not validated yet: the view's ``_seat`` does that, on
    either path."""
    return _plain_json_object(request)


class PlainRequest:
    """The request as the acquire throttle reads it, for a request the short path
    answers without building DRF's ``Request``: the parsed body as ``data``, and
    everything else (``META``, ``headers``) from Django's request, as DRF's does."""

    def __init__(self, request: HttpRequest, data: dict[str, Any]) -> None:
        self._request = request
        self.data = data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


def plain_session_proof(request: HttpRequest) -> tuple[str, str] | None:
    """(session id, secret) of a heartbeat or release DRF would parse and validate to
    the same values, with nothing for DRF to negotiate; None: let DRF answer."""
    data = _plain_json_object(request)
    if data is None or "session_id" not in data:
        return None
    try:
        session_id = str(_SESSION_ID.to_internal_value(data["session_id"]))
    except serializers.ValidationError:
        return None
    secret = _plain_secret(data.get("session_secret"))
    return None if secret is None else (session_id, secret)


def json_response(data: dict[str, Any], headers: dict[str, str], status: int = 200) -> HttpResponse:
    """``data`` as DRF's JSON renderer writes it (compact, UTF-8), with DRF's headers."""
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(),
        content_type="application/json",
        status=status,
        headers=headers,
    )
