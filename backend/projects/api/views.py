from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.errors import error_responses
from projects import selectors, services
from projects.api.serializers import ProjectSerializer
from projects.models import Project
from tenants.api.tenancy import OrganizationEndpoint

SEARCH = OpenApiParameter("search", str, description="Match in name or slug.")


@extend_schema_view(
    get=extend_schema(
        operation_id="projects_list",
        summary="List projects",
        tags=["projects"],
        parameters=[SEARCH],
        responses={200: ProjectSerializer(many=True), **error_responses(401, 404)},
    ),
    post=extend_schema(
        operation_id="projects_create",
        summary="Create a project",
        tags=["projects"],
        request=ProjectSerializer,
        responses={201: ProjectSerializer, **error_responses(400, 401, 403, 404, 409)},
    ),
)
class ProjectListView(OrganizationEndpoint):
    policy = {"GET": "projects.read", "POST": "projects.manage"}
    serializer_class = ProjectSerializer

    def get(self, request: Request, org: str) -> Response:
        page = self.paginate_queryset(
            selectors.project_list(search=request.query_params.get("search", ""))
        )
        return self.get_paginated_response(ProjectSerializer(page, many=True).data)

    def post(self, request: Request, org: str) -> Response:
        data = ProjectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_create(
            org=self.organization, actor=self.actor, **data.validated_data
        )
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="projects_get",
        summary="Get a project",
        tags=["projects"],
        responses={200: ProjectSerializer, **error_responses(401, 404)},
    ),
    patch=extend_schema(
        operation_id="projects_update",
        summary="Update a project",
        tags=["projects"],
        request=ProjectSerializer,
        responses={200: ProjectSerializer, **error_responses(400, 401, 403, 404, 409)},
    ),
    delete=extend_schema(
        operation_id="projects_delete",
        summary="Delete a project",
        tags=["projects"],
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class ProjectDetailView(OrganizationEndpoint):
    policy = {"GET": "projects.read", "PATCH": "projects.manage", "DELETE": "projects.manage"}
    serializer_class = ProjectSerializer

    def get_object(self) -> Project:
        return self.get_object_or_404(Project, self.kwargs["project_id"])

    def get(self, request: Request, org: str, project_id: str) -> Response:
        return Response(ProjectSerializer(self.get_object()).data)

    def patch(self, request: Request, org: str, project_id: str) -> Response:
        project = self.get_object()
        data = ProjectSerializer(project, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        project = services.project_update(
            project=project, data=data.validated_data, actor=self.actor
        )
        return Response(ProjectSerializer(project).data)

    def delete(self, request: Request, org: str, project_id: str) -> Response:
        services.project_delete(project=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
