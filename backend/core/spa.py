"""The dashboard: a built single-page app served by Django (whitenoise serves its assets).

Any path that is not the API's is answered with ``index.html`` so the SPA's own
router takes over; without a build, a JSON 404 says how to make one.
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse

from core.errors import error_body

# The dashboard loads only its own scripts and styles and talks only to this API.
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


def spa_index(request: HttpRequest, path: str = "") -> HttpResponse:
    index = settings.FRONTEND_DIST / "index.html"
    if not index.exists():
        return JsonResponse(
            error_body("dashboard_not_built", "The dashboard is not built: run `make run`."),
            status=404,
        )
    response = FileResponse(index.open("rb"), content_type="text/html")
    # The HTML names hashed assets: it must be fetched again after each deploy.
    response["Cache-Control"] = "no-cache"
    response["Content-Security-Policy"] = DASHBOARD_CSP
    return response


def with_dashboard_csp(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve another page of ours (the API docs) under the dashboard's policy."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = DASHBOARD_CSP
        return response

    return wrapped
