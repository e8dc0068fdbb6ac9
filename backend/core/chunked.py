"""Request bodies sent with ``Transfer-Encoding: chunked``, which carry no length.

Django reads ``CONTENT_LENGTH`` bytes of a body, and nothing when it is missing: a
chunked body arrived empty (a 400 "field is required") and was never held to the size
limit. gunicorn decodes the chunks and ends its input stream where the body ends
(``wsgi.input_terminated``); ``ChunkedBodyMiddleware`` reads that stream, at most one
byte past ``API_MAX_BODY_BYTES``, and hands Django a body of known length, so an
oversized one meets the same JSON 413 as any other (``core.middleware``). Django's
development server does not decode chunks: ``ChunkedRequestHandler`` (the
``runserver`` command's) does it before the request reaches Django.
"""

import io
import re
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_MAX_LINE = 8192
_MAX_TRAILER_LINES = 100


def is_chunked(transfer_encoding: str | None) -> bool:
    return "chunked" in (transfer_encoding or "").lower()


class ChunkedBodyMiddleware:
    """WSGI middleware: a chunked body the server decoded becomes a body of known length."""

    def __init__(self, app: WSGIApp):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        if (
            is_chunked(environ.get("HTTP_TRANSFER_ENCODING"))
            and not environ.get("CONTENT_LENGTH")
            and environ.get("wsgi.input_terminated")
        ):
            body = environ["wsgi.input"].read(settings.API_MAX_BODY_BYTES + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


class MalformedChunk(ValueError):
    pass


def read_chunked(stream: BinaryIO, *, limit: int) -> bytes:
    """The decoded body of a chunked message (RFC 9112 §7.1), its first ``limit`` bytes:
    the rest is read and dropped, so the client is heard out and gets the answer.
    Raises ``MalformedChunk`` on broken framing."""
    body = bytearray()
    while True:
        line = stream.readline(_MAX_LINE)
        # A chunk extension (";name=value") may follow the size; it means nothing here.
        size_field = line.split(b";", 1)[0].strip()
        if not line.endswith(b"\n") or not _CHUNK_SIZE.fullmatch(size_field):
            raise MalformedChunk("bad chunk size line")
        size = int(size_field, 16)
        if size == 0:
            break
        while size:
            data = stream.read(min(size, 65536))
            if not data:
                raise MalformedChunk("body ended inside a chunk")
            size -= len(data)
            body += data[: max(0, limit - len(body))]
        if stream.read(2) != b"\r\n":
            raise MalformedChunk("chunk not followed by CRLF")
    for _ in range(_MAX_TRAILER_LINES):
        trailer = stream.readline(_MAX_LINE)
        if trailer in (b"\r\n", b"\n"):
            return bytes(body)
        if not trailer.endswith(b"\n"):
            raise MalformedChunk("body ended inside the trailer")
    raise MalformedChunk("too many trailer lines")


class ChunkedRequestHandler(WSGIRequestHandler):
    """Django's development request handler, decoding a chunked body before Django."""

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if not is_chunked(self.headers.get("Transfer-Encoding")):
            return True
        try:
            body = read_chunked(self.rfile, limit=settings.API_MAX_BODY_BYTES + 1)
        except MalformedChunk as exc:
            self.close_connection = True
            self.send_error(400, f"Malformed chunked body: {exc}")
            return False
        del self.headers["Transfer-Encoding"]
        del self.headers["Content-Length"]
        self.headers["Content-Length"] = str(len(body))
        self.rfile = io.BytesIO(body)
        # This connection's reader is now the body: no further request is read from it.
        self.close_connection = True
        return True


class ChunkedWSGIServer(WSGIServer):
    def __init__(self, server_address: Any, handler_class: type, *args: Any, **kwargs: Any):
        super().__init__(server_address, ChunkedRequestHandler, *args, **kwargs)
