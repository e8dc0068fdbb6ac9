from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="users.tasks.sessions_clear_expired", ignore_result=True)
def sessions_clear_expired() -> int:
    """Django sessions hold only the state of provider sign-ins that were started
    (users.providers), an hour at most: Celery beat drops the expired ones hourly."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
