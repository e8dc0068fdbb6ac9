"""A real webhook receiver on a loopback port: it verifies every request with the
``standardwebhooks`` library (third-party code, not ours) and keeps what it received."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    webhook_id: str
    payload: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Receiver:
    """``secrets``: what it verifies with (any one must match). ``status``: what it
    answers; ``redirect_to``: answer 302 there; ``hang``: seconds to wait first."""

    secrets: list[str] = field(default_factory=list)
    status: int = 200
    redirect_to: str = ""
    hang: float = 0.0
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    requests: int = 0
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self, port: int = 0) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.requests += 1
                waited = 0.0
                while waited < receiver.hang:  # re-read: a test may end the wait
                    time.sleep(0.1)
                    waited += 0.1
                headers = dict(self.headers.items())
                payload = None
                for secret in receiver.secrets:
                    try:
                        payload = Webhook(secret).verify(body, headers)
                        break
                    except WebhookVerificationError:
                        continue
                if payload is None:
                    with receiver.lock:
                        receiver.refused.append(headers.get("webhook-id", ""))
                    self.send_response(401)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.received.append(Received(headers["webhook-id"], payload, headers))
                if receiver.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", receiver.redirect_to)
                    self.end_headers()
                    return
                self.send_response(receiver.status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok " + b"x" * 5000)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def ids(self) -> list[str]:
        return [r.webhook_id for r in self.received]

    def types(self) -> list[str]:
        return [r.payload["type"] for r in self.received]
