from celery import shared_task

from licenses import services


@shared_task(name="licenses.tasks.reap_sessions", ignore_result=True)
def reap_sessions() -> dict[str, float]:
    """Celery beat runs this every ``REAPER_INTERVAL`` seconds (one minute by default)."""
    report = services.sessions_reap()
    return {"flushed": report.flushed, "reaped": report.reaped, "seconds": report.seconds}
