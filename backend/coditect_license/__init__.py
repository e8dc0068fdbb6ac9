from coditect_license.celery import app as celery_app

__all__ = ["celery_app"]
