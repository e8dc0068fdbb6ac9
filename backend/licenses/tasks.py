from celery import shared_task

from licenses import services


@shared_task(name="licenses.tasks.reap_sessions", ignore_result=True)
def reap_sessions() -> dict[str, float]:
    """Celery beat runs this every ``REAPER_INTERVAL`` seconds (one minute by default)."""
    report = services.sessions_reap()
    return {"flushed": report.flushed, "reaped": report.reaped, "seconds": report.seconds}


@shared_task(name="licenses.tasks.expiry_warnings", ignore_result=True)
def expiry_warnings() -> dict[str, int]:
    """Celery beat runs this every hour: warnings 30, 7 and 1 days before expiry, each
    sent once (``licenses.services.expiry``)."""
    report = services.license_expiry_warnings_send()
    return {"sent": report.sent, "failed": report.failed}
