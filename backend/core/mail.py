"""Email sent by a background thread once the request that asked for it has answered.

A request whose answer must not tell whether it sent anything (a password reset for
an address that may have no account) can neither hold an SMTP round trip nor share
its CPU with the building of a message: its duration would tell. Such a request
hands its message, or ``None`` when there is none, to ``send_later`` either way.
Inside a request the message is held until Django's ``request_finished`` (the WSGI
server closes the response after writing it), then queued; outside one it is
queued at once.

One thread per process sends the messages in the order they were queued, each
bounded by ``EMAIL_TIMEOUT``. A message still queued when the process is killed is
lost (the person asks again); on a graceful stop the queue is sent first.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any

from django.core.mail import EmailMessage
from django.core.signals import request_finished, request_started
from django.dispatch import receiver

logger = logging.getLogger(__name__)

_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail")
# The messages of the request this thread is serving; None outside a request.
_held: ContextVar[list[tuple[EmailMessage | None, str]] | None] = ContextVar(
    "mail_held", default=None
)


def _send(message: EmailMessage | None, about: str) -> None:
    if message is None:
        return
    try:
        message.send()
    except Exception:
        logger.exception("email failed: %s", about)


def send_later(message: EmailMessage | None, *, about: str) -> None:
    """Send ``message`` after the current request (None: nothing, at the same cost).

    ``about`` names the email in the log if sending fails, without its address.
    """
    held = _held.get()
    if held is None:
        _sender.submit(_send, message, about)
    else:
        held.append((message, about))


def wait_until_sent(timeout: float | None = None) -> None:
    """Block until every message queued so far has been handled."""
    _sender.submit(_send, None, "").result(timeout=timeout)


@receiver(request_started)
def _hold_during_request(**kwargs: Any) -> None:
    _held.set([])


@receiver(request_finished)
def _queue_after_request(**kwargs: Any) -> None:
    held = _held.get()
    _held.set(None)
    for message, about in held or []:
        _sender.submit(_send, message, about)
