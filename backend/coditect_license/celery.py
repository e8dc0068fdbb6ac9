import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coditect_license.settings")
# Processes write their metrics there (worker_metrics, gunicorn_conf): the folder must
# exist before the first metric is created.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

app = Celery("coditect_license")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _keep_django_logging(**kwargs: Any) -> None:
    """Django's LOGGING (settings.py: JSON on stdout in production, LOG_LEVEL) already
    set up the root logger; with a receiver here Celery neither replaces its handlers
    nor changes its level (``--loglevel``)."""


# Connects the worker's metric signals (and serves them if WORKER_METRICS_PORT is set).
from coditect_license import worker_metrics  # noqa: E402, F401
