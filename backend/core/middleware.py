from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from core.chunked import is_chunked
from core.errors import error_body


class BodySizeLimitMiddleware:
    """Refuse oversized API bodies with a JSON 413 before anything parses them.

    A chunked body has a length by now (``core.chunked``) unless the server could not
    decode it: that one is refused with 411 rather than read as empty.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_chunked(request.META.get("HTTP_TRANSFER_ENCODING")) and not request.META.get(
            "CONTENT_LENGTH"
        ):
            return JsonResponse(
                error_body(
                    "length_required",
                    "This server cannot read a chunked body: send it with a Content-Length.",
                ),
                status=411,
            )
        length = request.META.get("CONTENT_LENGTH") or "0"
        try:
            size = int(length)
        except ValueError:
            size = 0
        if size > settings.API_MAX_BODY_BYTES:
            return JsonResponse(
                error_body(
                    "payload_too_large",
                    f"The request body is larger than {settings.API_MAX_BODY_BYTES} bytes.",
                ),
                status=413,
            )
        return self.get_response(request)
