"""What production settings (``DJANGO_DEBUG`` set to false) must have that the
embedded default may go without.

Password-reset and invitation emails carry tokens. The console backend writes them
to the process's log, where anyone who reads logs could take over an account, and
without ``PUBLIC_URL`` their links point at 127.0.0.1. A process with either refuses
to start (``ImproperlyConfigured``: one line, exit 2).
"""

from django.core.exceptions import ImproperlyConfigured

# Backends that write mail where people read logs, or drop it without a word.
UNFIT_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "writes every email to the log",
    "django.core.mail.backends.locmem.EmailBackend": "keeps emails in memory, never sends",
    "django.core.mail.backends.dummy.EmailBackend": "drops every email",
}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def check_mail(*, email_backend: str, public_url: str, email_host: str) -> None:
    if email_backend in UNFIT_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_BACKEND: {email_backend} {UNFIT_BACKENDS[email_backend]}; "
            f"with DJANGO_DEBUG=false set a real one ({SMTP_BACKEND} and EMAIL_HOST)"
        )
    if email_backend == SMTP_BACKEND and not email_host:
        raise ImproperlyConfigured("EMAIL_HOST: the SMTP backend needs the relay's host name")
    if not public_url:
        raise ImproperlyConfigured(
            "PUBLIC_URL: required with DJANGO_DEBUG=false (links in emails would point "
            "at this server's own address)"
        )
