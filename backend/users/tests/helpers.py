"""Helpers of the sign-in and account tests."""

from core.mail import wait_until_sent

PASSWORD = "correct horse battery staple"


def mail_sent() -> None:
    """Wait until every email of the requests made so far has left (core.mail)."""
    wait_until_sent(timeout=30)
