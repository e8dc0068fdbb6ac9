from django.core import mail
from django.core.mail import EmailMessage
from django.core.signals import request_finished, request_started

from core.mail import send_later, wait_until_sent
from tests.fixtures.servers import free_port


def message() -> EmailMessage:
    return EmailMessage("Subject", "Body", None, ["someone@example.com"])


def test_outside_a_request_the_message_leaves_at_once():
    send_later(message(), about="test")
    wait_until_sent(timeout=10)
    assert [m.to for m in mail.outbox] == [["someone@example.com"]]


def test_a_requests_message_leaves_only_after_its_response_is_closed(db):
    # ``request_started`` checks the database connections, as a real request does.
    request_started.send(sender=None)
    try:
        send_later(message(), about="test")
        send_later(None, about="nothing")
        wait_until_sent(timeout=10)
        assert mail.outbox == []
    finally:
        request_finished.send(sender=None)
    wait_until_sent(timeout=10)
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_is_logged_not_raised(settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    send_later(message(), about="the test email")
    wait_until_sent(timeout=30)
    assert "email failed: the test email" in caplog.text
    assert "someone@example.com" not in caplog.text
