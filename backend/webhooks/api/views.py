from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.errors import error_responses
from events import types as event_types
from licenses.models import License
from tenants.api.tenancy import OrganizationEndpoint
from webhooks import selectors, services
from webhooks.api.serializers import (
    DeliverySerializer,
    EndpointSerializer,
    EndpointWithSecretSerializer,
    EventTypeSerializer,
    NotificationPreferenceSerializer,
    RotateSecretSerializer,
    UtilizationThresholdsSerializer,
)
from webhooks.models import WebhookDelivery, WebhookEndpoint

TAGS = ["webhooks"]
STATUS_FILTER = OpenApiParameter(
    "status", str, enum=[s.value for s in WebhookDelivery.Status], description="Only these."
)


def _with_secret(endpoint: WebhookEndpoint, secret: str) -> dict:
    endpoint.secret = secret
    return EndpointWithSecretSerializer(endpoint).data


@extend_schema_view(
    get=extend_schema(
        operation_id="webhooks_list",
        summary="List webhook endpoints",
        tags=TAGS,
        responses={200: EndpointSerializer(many=True), **error_responses(401, 403, 404)},
    ),
    post=extend_schema(
        operation_id="webhooks_create",
        summary="Create a webhook endpoint (its signing secret is shown this once)",
        tags=TAGS,
        request=EndpointSerializer,
        responses={201: EndpointWithSecretSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
class EndpointListView(OrganizationEndpoint):
    policy = {"GET": "webhooks.read", "POST": "webhooks.manage"}
    serializer_class = EndpointSerializer

    def get(self, request: Request, org: str) -> Response:
        page = self.paginate_queryset(selectors.endpoint_list())
        return self.get_paginated_response(EndpointSerializer(page, many=True).data)

    def post(self, request: Request, org: str) -> Response:
        data = EndpointSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_create(
            org=self.organization, actor=self.actor, **data.validated_data
        )
        return Response(_with_secret(endpoint, secret), status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="webhooks_get",
        summary="Get a webhook endpoint",
        tags=TAGS,
        responses={200: EndpointSerializer, **error_responses(401, 403, 404)},
    ),
    patch=extend_schema(
        operation_id="webhooks_update",
        summary="Change a webhook endpoint (url, events, enabled)",
        tags=TAGS,
        request=EndpointSerializer,
        responses={200: EndpointSerializer, **error_responses(400, 401, 403, 404)},
    ),
    delete=extend_schema(
        operation_id="webhooks_delete",
        summary="Delete a webhook endpoint and its delivery log",
        tags=TAGS,
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class EndpointDetailView(OrganizationEndpoint):
    policy = {"GET": "webhooks.read", "PATCH": "webhooks.manage", "DELETE": "webhooks.manage"}
    serializer_class = EndpointSerializer

    def get_object(self) -> WebhookEndpoint:
        return self.get_object_or_404(WebhookEndpoint, self.kwargs["endpoint_id"])

    def get(self, request: Request, org: str, endpoint_id: str) -> Response:
        return Response(EndpointSerializer(self.get_object()).data)

    def patch(self, request: Request, org: str, endpoint_id: str) -> Response:
        endpoint = self.get_object()
        data = EndpointSerializer(endpoint, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(
            endpoint=endpoint, data=data.validated_data, actor=self.actor
        )
        return Response(EndpointSerializer(endpoint).data)

    def delete(self, request: Request, org: str, endpoint_id: str) -> Response:
        services.endpoint_delete(endpoint=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    post=extend_schema(
        operation_id="webhooks_rotate_secret",
        summary="Give an endpoint a new signing secret (shown this once)",
        description="The previous secret keeps signing too for `overlap_seconds`: each "
        "request then carries both signatures.",
        tags=TAGS,
        request=RotateSecretSerializer,
        responses={200: EndpointWithSecretSerializer, **error_responses(400, 401, 403, 404)},
    )
)
class EndpointRotateSecretView(OrganizationEndpoint):
    policy = {"POST": "webhooks.manage"}
    serializer_class = RotateSecretSerializer

    def post(self, request: Request, org: str, endpoint_id: str) -> Response:
        data = RotateSecretSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_rotate_secret(
            endpoint=self.get_object_or_404(WebhookEndpoint, endpoint_id),
            overlap_seconds=data.validated_data.get("overlap_seconds"),
            actor=self.actor,
        )
        return Response(_with_secret(endpoint, secret))


@extend_schema_view(
    post=extend_schema(
        operation_id="webhooks_test",
        summary="Send a `webhook.test` event to this endpoint",
        tags=TAGS,
        request=None,
        responses={202: DeliverySerializer, **error_responses(401, 403, 404, 409)},
    )
)
class EndpointTestView(OrganizationEndpoint):
    policy = {"POST": "webhooks.manage"}
    serializer_class = DeliverySerializer

    def post(self, request: Request, org: str, endpoint_id: str) -> Response:
        delivery = services.endpoint_test_send(
            endpoint=self.get_object_or_404(WebhookEndpoint, endpoint_id), actor=self.actor
        )
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    get=extend_schema(
        operation_id="webhooks_deliveries",
        summary="An endpoint's delivery log, newest first, with every attempt",
        tags=TAGS,
        parameters=[STATUS_FILTER],
        responses={200: DeliverySerializer(many=True), **error_responses(401, 403, 404)},
    )
)
class DeliveryListView(OrganizationEndpoint):
    policy = {"GET": "webhooks.read"}
    serializer_class = DeliverySerializer

    def get(self, request: Request, org: str, endpoint_id: str) -> Response:
        endpoint = self.get_object_or_404(WebhookEndpoint, endpoint_id)
        page = self.paginate_queryset(
            selectors.delivery_list(
                endpoint=endpoint, status=request.query_params.get("status", "")
            )
        )
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="webhooks_redeliver",
        summary="Deliver an event again (same webhook-id)",
        tags=TAGS,
        request=None,
        responses={202: DeliverySerializer, **error_responses(401, 403, 404, 409)},
    )
)
class DeliveryRedeliverView(OrganizationEndpoint):
    policy = {"POST": "webhooks.manage"}
    serializer_class = DeliverySerializer

    def post(self, request: Request, org: str, endpoint_id: str, delivery_id: str) -> Response:
        delivery = WebhookDelivery.objects.filter(pk=delivery_id, endpoint_id=endpoint_id).first()
        if delivery is None:
            raise exceptions.NotFound()
        delivery = services.delivery_redeliver(delivery=delivery, actor=self.actor)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    get=extend_schema(
        operation_id="webhooks_event_types",
        summary="The event types an endpoint can subscribe to",
        tags=TAGS,
        responses={200: EventTypeSerializer(many=True), **error_responses(401, 403, 404)},
    )
)
class EventTypeListView(OrganizationEndpoint):
    policy = {"GET": "webhooks.read"}
    serializer_class = EventTypeSerializer
    pagination_class = None

    def get(self, request: Request, org: str) -> Response:
        rows = [
            {"type": name, "description": text, "opt_in": name in event_types.OPT_IN}
            for name, text in sorted(event_types.EVENT_TYPES.items())
        ]
        return Response(EventTypeSerializer(rows, many=True).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="notification_preferences_get",
        summary="Your email notification preferences in this organization",
        tags=["notifications"],
        responses={200: NotificationPreferenceSerializer, **error_responses(401, 403, 404)},
    ),
    patch=extend_schema(
        operation_id="notification_preferences_update",
        summary="Change your email notification preferences",
        description="Emails go to owners and admins; these say which of them you want.",
        tags=["notifications"],
        request=NotificationPreferenceSerializer,
        responses={
            200: NotificationPreferenceSerializer,
            **error_responses(400, 401, 403, 404),
        },
    ),
)
class NotificationPreferenceView(OrganizationEndpoint):
    policy = {"GET": "notifications.self", "PATCH": "notifications.self"}
    serializer_class = NotificationPreferenceSerializer

    def get(self, request: Request, org: str) -> Response:
        preference = selectors.notification_preference_get(
            org=self.organization, user=self._person()
        )
        return Response(NotificationPreferenceSerializer(preference).data)

    def patch(self, request: Request, org: str) -> Response:
        data = NotificationPreferenceSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        preference = services.notification_preference_update(
            org=self.organization, user=self._person(), data=data.validated_data
        )
        return Response(NotificationPreferenceSerializer(preference).data)

    def _person(self):
        person = self.acting_user
        if person is None:
            raise services.PersonRequired()
        return person


@extend_schema_view(
    get=extend_schema(
        operation_id="license_utilization_thresholds_get",
        summary="A license's seat-utilization thresholds (events and emails)",
        tags=["notifications"],
        responses={200: UtilizationThresholdsSerializer, **error_responses(401, 404)},
    ),
    put=extend_schema(
        operation_id="license_utilization_thresholds_set",
        summary="Set a license's seat-utilization thresholds",
        tags=["notifications"],
        request=UtilizationThresholdsSerializer,
        responses={200: UtilizationThresholdsSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
class UtilizationThresholdsView(OrganizationEndpoint):
    policy = {"GET": "licenses.read", "PUT": "licenses.manage"}
    serializer_class = UtilizationThresholdsSerializer

    def get(self, request: Request, org: str, license_id: str) -> Response:
        license_ = self.get_object_or_404(License, license_id)
        state = selectors.utilization_level_get(license_=license_)
        return Response(UtilizationThresholdsSerializer(state).data)

    def put(self, request: Request, org: str, license_id: str) -> Response:
        license_ = self.get_object_or_404(License, license_id)
        data = UtilizationThresholdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        state = services.utilization_thresholds_set(
            license_=license_, thresholds=data.validated_data["thresholds"], actor=self.actor
        )
        return Response(UtilizationThresholdsSerializer(state).data)
