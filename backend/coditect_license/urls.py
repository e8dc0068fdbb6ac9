from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from coditect_license.metrics import metrics_view
from core.api.views import HealthView, ReadyView
from core.spa import spa_index, with_dashboard_csp

urlpatterns = [
    path("healthz", HealthView.as_view(), name="healthz"),
    path("readyz", ReadyView.as_view(), name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, not inline, so the
    # page runs under a policy that allows only this server's scripts. (No ReDoc: its
    # search needs blob: workers and it loads its logo from a CDN.)
    path(
        "api/docs/",
        with_dashboard_csp(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
    path("", include("licenses.api.urls")),
    path("api/v1/auth/", include("users.api.urls")),
    path("api/v1/", include("users.api.org_urls")),
    path("api/v1/", include("tenants.api.urls")),
    path("api/v1/", include("projects.api.urls")),
    path("api/v1/", include("licenses.api.admin_urls")),
    path("api/v1/", include("licenses.api.platform_urls")),
    path("api/v1/", include("analytics.api.urls")),
    path("api/v1/", include("webhooks.api.urls")),
    re_path(r"^(?!api/|static/|\.well-known/|healthz$|readyz$|metrics$)(?P<path>.*)$", spa_index),
]

handler404 = "core.errors.not_found_view"
handler500 = "core.errors.server_error_view"
