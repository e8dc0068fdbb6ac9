from datetime import datetime

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from audit import selectors
from core.api.errors import error_responses
from tenants.api.audit_serializers import AuditEventSerializer
from tenants.api.tenancy import OrganizationEndpoint

FILTERS = [
    OpenApiParameter("action", str, description="Exact action, e.g. `member.role_change`."),
    OpenApiParameter("actor", str, description="The acting user's id (UUID)."),
    OpenApiParameter("target_type", str, description="Exact target type, e.g. `users.user`."),
    OpenApiParameter("target_id", str, description="Exact target id."),
    OpenApiParameter("since", datetime, description="ISO 8601; events at or after this time."),
    OpenApiParameter("until", datetime, description="ISO 8601; events before this time."),
]


@extend_schema_view(
    get=extend_schema(
        operation_id="audit_events_list",
        summary="List audit events",
        description="Who changed what in the organization, newest first.",
        tags=["audit"],
        parameters=FILTERS,
        responses={200: AuditEventSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
)
class AuditEventListView(OrganizationEndpoint):
    policy = {"GET": "audit.read"}
    serializer_class = AuditEventSerializer

    def get(self, request: Request, org: str) -> Response:
        page = self.paginate_queryset(selectors.audit_event_list(filters=request.query_params))
        existing = selectors.audit_targets_existing(page)
        for event in page:
            event.target_exists = (event.target_type, event.target_id) in existing
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)
