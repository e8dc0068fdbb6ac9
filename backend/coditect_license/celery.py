import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coditect_license.settings")

app = Celery("coditect_license")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
