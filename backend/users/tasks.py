from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="users.tasks.sessions_clear_expired", ignore_result=True)
def sessions_clear_expired() -> int:
    """Django sessions hold only the state of provider sign-ins that were started
    (users.providers), an hour at most: Celery beat drops the expired ones hourly."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="users.tasks.device_authorizations_clear_expired", ignore_result=True)
def device_authorizations_clear_expired() -> int:
    """CLI sign-in requests (users.device_flow) live minutes; drop them a day later."""
    from users.device_flow import device_authorizations_clear_expired as clear

    return clear()
