"""Client endpoints of the seat protocol (DESIGN §6): the license key authenticates, or
a person's access token (acquire and borrow, DESIGN §10)."""

from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.caching import no_store
from core.api.errors import error_response
from core.metrics import SEAT_ACQUIRE, SEAT_HEARTBEAT, SEAT_RELEASE
from licenses import person_cache, services
from licenses.api import fast_path
from licenses.api import serializers as s
from licenses.api.throttles import AcquireThrottle, bearer_token, request_person
from licenses.errors import InvalidPersonToken
from licenses.license_cache import Prefetched
from licenses.signing import published_keys

# Responses of the hot path are rendered by hand with this shared field (see
# licenses/api/serializers.py); test_seat_responses_match_their_serializers keeps them
# equal to the serializers' (the OpenAPI contract).
_DATETIME = serializers.DateTimeField()


class SeatEndpoint(APIView):
    """A client endpoint of the seat protocol (no user login); every answer is counted
    in Prometheus by result (the error code, or ok)."""

    authentication_classes: list = []
    permission_classes: list = []
    counter = SEAT_HEARTBEAT

    def finalize_response(self, request: Request, response: Response, *args, **kwargs) -> Response:
        error = response.data.get("error") if isinstance(response.data, dict) else None
        self.counter.labels(result=error["code"] if error else self.ok_result(response)).inc()
        return super().finalize_response(request, response, *args, **kwargs)

    def ok_result(self, response: Response) -> str:
        return "ok"

    def answer_exception(self, request: HttpRequest, exc: Exception, *args, **kwargs):
        """The answer DRF's dispatch gives when the handler raises ``exc``."""
        self.args, self.kwargs = args, kwargs
        drf_request = self.initialize_request(request, *args, **kwargs)
        self.request = drf_request
        self.headers = self.default_response_headers
        try:
            self.initial(drf_request, *args, **kwargs)
            response = self.handle_exception(exc)
        except Exception as other:
            response = self.handle_exception(other)
        return self.finalize_response(drf_request, response, *args, **kwargs)


class SessionProofEndpoint(SeatEndpoint):
    """Heartbeat and release: a session id and its secret. A plain request is answered
    without DRF when it succeeds (``fast_path``); any other request, and every error,
    the DRF way."""

    def answer(self, session_id: str, secret: str) -> dict:
        raise NotImplementedError

    def post(self, request: Request) -> Response:
        return Response(self.answer(*fast_path.session_input(request.data)))

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        proof = fast_path.plain_session_proof(request)
        if proof is None:
            return super().dispatch(request, *args, **kwargs)
        try:
            body = self.answer(*proof)
        except Exception as exc:
            return self.answer_exception(request, exc, *args, **kwargs)
        ok_count, headers = _fast_answer_parts(type(self))
        ok_count.inc()
        return fast_path.json_response(body, headers)


@cache
def _fast_answer_parts(view: type[SeatEndpoint], result: str = "ok") -> tuple[Any, dict[str, str]]:
    """The view's counter of ``result`` and DRF's response headers (``Allow``), looked
    up once per process: both are the same for every answer."""
    return view.counter.labels(result=result), view().default_response_headers


def _errors(*codes: tuple[int, str]) -> dict[int, OpenApiResponse]:
    return {code: error_response(text) for code, text in codes}


class AcquireView(SeatEndpoint):
    counter = SEAT_ACQUIRE
    # Per client IP first, then per license key (by a prefix of its keyed digest).
    throttle_classes = [AcquireThrottle]
    # Set by AcquireThrottle when its round trip read the license's cache entry, or for
    # a person's acquire the verdict entry (``licenses.person_cache``).
    license_prefetch: Prefetched | None = None
    person_prefetch: person_cache.Prefetched | None = None

    # Set by the short path once its throttle has counted the request: a refusal then
    # answered the DRF way must not count it again.
    throttle_counted = False

    def ok_result(self, response: Response) -> str:
        return _ACQUIRE_RESULTS.get(response.status_code, "renewed")

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """A plain acquire (by license key or by a person) is answered without DRF
        (``fast_path``): the same throttle and ``_seat``, and the answer DRF renders."""
        data = fast_path.plain_acquire(request)
        if data is None:
            return super().dispatch(request, *args, **kwargs)
        try:
            plain = fast_path.PlainRequest(request, data)
            throttle = AcquireThrottle()
            allowed = throttle.allow_request(plain, self)
            self.throttle_counted = True
            if not allowed:
                self.throttled(request, throttle.wait())
            seat = self._seat(plain)
        except Exception as exc:
            return self.answer_exception(request, exc, *args, **kwargs)
        code, body, extra = _answer(seat)
        ok_count, headers = _fast_answer_parts(type(self), _ACQUIRE_RESULTS.get(code, "renewed"))
        ok_count.inc()
        response = fast_path.json_response(body, {**headers, **extra}, code)
        add_never_cache_headers(response)
        return response

    def check_throttles(self, request: Request) -> None:
        if not self.throttle_counted:
            super().check_throttles(request)

    @extend_schema(
        tags=["seats"],
        operation_id="seat_acquire",
        summary="Acquire a seat",
        description="Idempotent per hardware id and client instance: a live session is returned "
        "again (200) instead of taking a second seat. Rate limited per client IP and per "
        "license key (429 `rate_limited` with `Retry-After`). A person's client sends "
        "`Authorization: Bearer <access token>` and no license key (the second body): the "
        "license named by `license_id`, else the one assigned to the person; the session "
        "and the token (claim `usr`) name the person.",
        request=PolymorphicProxySerializer(
            component_name="AcquireRequest",
            serializers=[s.AcquireInputSerializer, s.PersonAcquireInputSerializer],
            resource_type_field_name=None,
        ),
        responses={
            201: s.AcquireOutputSerializer,
            200: s.AcquireOutputSerializer,
            202: OpenApiResponse(
                s.QueuedOutputSerializer,
                description="Waiting in the license's line (`wait` on): ask again after "
                "`retry_after` seconds; the head's ask after a seat frees gets the 201.",
            ),
            **_errors(
                (400, "validation_error, malformed_json or unknown_project"),
                (401, "invalid_license_key, or invalid_person_token with a bearer token"),
                (
                    403,
                    "license_suspended, license_expired, license_inactive or license_not_assigned",
                ),
                (404, "license_not_found: a person's license_id names nothing they may use"),
                (
                    409,
                    "no_seats_available (details.reason: seats_reserved when the free seats "
                    "are kept for projects or groups of people that reserved them; "
                    "project_cap_reached: the asker's project or group holds its cap), "
                    "queue_full, person_seat_limit (details.machines) or "
                    "several_licenses_assigned (details.licenses)",
                ),
                (422, "no_license_assigned: a person with no license named and none assigned"),
                (429, "rate_limited: see Retry-After"),
                (503, "seat_store_unavailable or signing_unavailable"),
            ),
        },
    )
    @no_store
    def post(self, request: Request) -> Response:
        return _response(self._seat(request))

    def _seat(
        self, request: Request | fast_path.PlainRequest
    ) -> "services.AcquiredSeat | services.QueuedSeat":
        """The acquire itself, on either path: a license key's, or a person's."""
        if bearer_token(request) is None:
            return services.session_acquire(
                **fast_path.acquire_input(request.data),
                ip_address=request.META.get("REMOTE_ADDR"),
                license_prefetch=self.license_prefetch,
            )
        person = request_person(request)
        if person is None:
            raise InvalidPersonToken()
        data = fast_path.person_acquire_input(request.data)
        return services.session_acquire_as_person(
            user_id=person[0],
            family_id=str(person[1]),
            license_id=str(data["license_id"]) if data["license_id"] else None,
            hardware_id=data["hardware_id"],
            client_instance=data["client_instance"],
            client_info=data["client_info"],
            ip_address=request.META.get("REMOTE_ADDR"),
            verdict_prefetch=self.person_prefetch,
            wait=data["wait"],
        )


_ACQUIRE_RESULTS = {201: "granted", 202: "queued"}


def _answer(
    seat: "services.AcquiredSeat | services.QueuedSeat",
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """An acquire's (status, body, headers), on either path."""
    if isinstance(seat, services.QueuedSeat):
        return _queued(seat)
    return _granted(seat)


def _response(seat: "services.AcquiredSeat | services.QueuedSeat") -> Response:
    code, body, headers = _answer(seat)
    return Response(body, status=code, headers=headers)


def _queued(seat: "services.QueuedSeat") -> tuple[int, dict[str, Any], dict[str, str]]:
    body = {
        "ticket": seat.ticket,
        "position": seat.position,
        "line_length": seat.line_length,
        "retry_after": seat.retry_after,
        "ticket_ttl": seat.ticket_ttl,
        "seats_total": seat.license.seats_total,
        "license_id": str(seat.license.id),
    }
    return status.HTTP_202_ACCEPTED, body, {"Retry-After": str(seat.retry_after)}


def _granted(seat: "services.AcquiredSeat") -> tuple[int, dict[str, Any], dict[str, str]]:
    lic = seat.license
    # AcquireOutputSerializer's fields, rendered as it renders them (see _SESSION_ID).
    body = {
        "session_id": str(seat.session.id),
        "session_secret": seat.secret,
        "token": seat.token,
        "expires_at": _DATETIME.to_representation(seat.session.expires_at),
        "heartbeat_interval": lic.heartbeat_interval,
        "heartbeat_ttl": lic.heartbeat_ttl,
        "seats_total": lic.seats_total,
        "seats_used": seat.seats_used,
        "license_id": str(lic.id),
        "license_expires_at": lic.expires_at and _DATETIME.to_representation(lic.expires_at),
        "offline_grace": lic.offline_grace,
        "overage": seat.overage,
        "grace": seat.grace,
    }
    return status.HTTP_201_CREATED if seat.created else status.HTTP_200_OK, body, {}


class HeartbeatView(SessionProofEndpoint):
    counter = SEAT_HEARTBEAT

    @extend_schema(
        tags=["seats"],
        operation_id="seat_heartbeat",
        summary="Keep a seat",
        description="Extends the seat by the license's heartbeat TTL (Redis only on the "
        "Redis store). Needs the session secret of the latest acquire. 410 means the seat "
        "is gone: acquire again.",
        request=s.SessionInputSerializer,
        responses={
            200: s.HeartbeatOutputSerializer,
            **_errors(
                (400, "validation_error"),
                (401, "invalid_session_secret: no session has this id and secret"),
                (410, "session_expired: acquire again"),
                (503, "seat_store_unavailable"),
            ),
        },
    )
    def post(self, request: Request) -> Response:
        return super().post(request)

    def answer(self, session_id: str, secret: str) -> dict:
        expires_at, interval = services.session_heartbeat(
            session_id=session_id, session_secret=secret
        )
        # HeartbeatOutputSerializer's fields, rendered as it renders them.
        return {
            "session_id": session_id,
            "expires_at": _DATETIME.to_representation(expires_at),
            "heartbeat_interval": interval,
        }


class ReleaseView(SessionProofEndpoint):
    counter = SEAT_RELEASE

    @extend_schema(
        tags=["seats"],
        operation_id="seat_release",
        summary="Release a seat",
        description="Frees the seat at once. Needs the session secret of the latest "
        "acquire. Releasing twice is not an error.",
        request=s.SessionInputSerializer,
        responses={
            200: s.ReleaseOutputSerializer,
            **_errors(
                (400, "validation_error"),
                (401, "invalid_session_secret: no session has this id and secret"),
                (503, "seat_store_unavailable"),
            ),
        },
    )
    def post(self, request: Request) -> Response:
        return super().post(request)

    def answer(self, session_id: str, secret: str) -> dict:
        services.session_release(session_id=session_id, session_secret=secret)
        # ReleaseOutputSerializer's fields.
        return {"session_id": session_id, "released": True}


class QueueCancelView(SeatEndpoint):
    counter = SEAT_ACQUIRE

    def ok_result(self, response: Response) -> str:
        return "cancelled"

    @extend_schema(
        tags=["seats"],
        operation_id="seat_queue_cancel",
        summary="Leave the line",
        description="Takes a ticket out of the license's line (a waiter that gives up). "
        "A ticket no longer in the line (granted, lapsed or cancelled) is not an error. "
        "A person's client sends `Authorization: Bearer <access token>` and the license's "
        "id instead of its key (the second body); a person cancels only a place of their "
        "own.",
        request=PolymorphicProxySerializer(
            component_name="QueueCancelRequest",
            serializers=[s.QueueCancelInputSerializer, s.PersonQueueCancelInputSerializer],
            resource_type_field_name=None,
        ),
        responses={
            200: s.QueueCancelOutputSerializer,
            **_errors(
                (400, "validation_error"),
                (401, "invalid_license_key, or invalid_person_token with a bearer token"),
                (404, "license_not_found: a person's license_id names nothing they may use"),
                (503, "seat_store_unavailable"),
            ),
        },
    )
    def post(self, request: Request) -> Response:
        body, person = _key_or_person_body(
            request, s.QueueCancelInputSerializer, s.PersonQueueCancelInputSerializer
        )
        ticket = body["ticket"]
        if person is None:
            cancelled = services.queue_cancel(license_key=body["license_key"], ticket=ticket)
        else:
            cancelled = services.queue_cancel_as_person(
                user_id=str(person[0]),
                family_id=str(person[1]),
                license_id=str(body["license_id"]),
                ticket=ticket,
            )
        return Response({"ticket": ticket, "cancelled": cancelled})


def _key_or_person_body(
    request: Request,
    by_key: type[serializers.Serializer],
    by_person: type[serializers.Serializer],
) -> tuple[dict[str, Any], tuple[str, Any] | None]:
    """The validated body of a seat request that a license key or a person's bearer
    token authenticates, and the person (None: the license key's body). The body is
    read first, as acquire's throttle reads it first: a body that cannot be read is a
    400 whoever sends it."""
    person_sends = bearer_token(request) is not None
    data = (by_person if person_sends else by_key)(data=request.data)
    data.is_valid(raise_exception=True)
    if not person_sends:
        return data.validated_data, None
    person = request_person(request)
    if person is None:
        raise InvalidPersonToken()
    return data.validated_data, person


class BorrowView(SeatEndpoint):
    counter = SEAT_ACQUIRE
    throttle_classes = [AcquireThrottle]

    def ok_result(self, response: Response) -> str:
        return "borrowed"

    @extend_schema(
        tags=["seats"],
        operation_id="seat_borrow",
        summary="Borrow a seat for offline use",
        description="Holds a seat for `hours` (up to the license's `max_borrow_hours`) with "
        "a token valid as long and no heartbeats needed. It counts against `seats_total` "
        "until returned (`/return` with the session secret) or its period ends. Borrowing "
        "again from the same machine renews it with a new token. A person's client sends "
        "`Authorization: Bearer <access token>` and no license key (the second body): the "
        "license named by `license_id`, else the one assigned to the person; the session "
        "and the token (claim `usr`) name the person, and the license's rules for people "
        "(assigned only, machines per person) count the borrowed seat like any other.",
        request=PolymorphicProxySerializer(
            component_name="BorrowRequest",
            serializers=[s.BorrowInputSerializer, s.PersonBorrowInputSerializer],
            resource_type_field_name=None,
        ),
        responses={
            201: s.AcquireOutputSerializer,
            200: s.AcquireOutputSerializer,
            **_errors(
                (400, "validation_error or borrow_too_long"),
                (401, "invalid_license_key, or invalid_person_token with a bearer token"),
                (
                    403,
                    "borrow_not_allowed, license_suspended, license_expired, license_inactive "
                    "or license_not_assigned",
                ),
                (404, "license_not_found: a person's license_id names nothing they may use"),
                (
                    409,
                    "no_seats_available, borrow_limit_reached, person_seat_limit "
                    "(details.machines) or several_licenses_assigned (details.licenses)",
                ),
                (422, "no_license_assigned: a person with no license named and none assigned"),
                (429, "rate_limited: see Retry-After"),
                (503, "seat_store_unavailable or signing_unavailable"),
            ),
        },
    )
    @no_store
    def post(self, request: Request) -> Response:
        ip_address = request.META.get("REMOTE_ADDR")
        body, person = _key_or_person_body(
            request, s.BorrowInputSerializer, s.PersonBorrowInputSerializer
        )
        if person is None:
            return _response(services.session_borrow(**body, ip_address=ip_address))
        seat = services.session_borrow_as_person(
            user_id=person[0],
            family_id=str(person[1]),
            license_id=str(body["license_id"]) if body["license_id"] else None,
            hardware_id=body["hardware_id"],
            hours=body["hours"],
            client_instance=body["client_instance"],
            client_info=body["client_info"],
            ip_address=ip_address,
        )
        return _response(seat)


class ReturnView(ReleaseView):
    @extend_schema(
        tags=["seats"],
        operation_id="seat_return",
        summary="Return a borrowed seat",
        description="Frees a borrowed seat at once, from the machine that holds it (its "
        "session secret). The same as a release; returning twice is not an error.",
        request=s.SessionInputSerializer,
        responses={
            200: s.ReleaseOutputSerializer,
            **_errors(
                (400, "validation_error"),
                (401, "invalid_session_secret: no session has this id and secret"),
                (503, "seat_store_unavailable"),
            ),
        },
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class JwksView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        tags=["seats"],
        operation_id="jwks_get",
        summary="Public keys that verify license tokens (JWKS)",
        responses={200: s.JwksSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(
            {"keys": published_keys()}, headers={"Cache-Control": "public, max-age=300"}
        )
