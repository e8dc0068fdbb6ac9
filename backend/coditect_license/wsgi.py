import os

from django.core.wsgi import get_wsgi_application

from core.chunked import ChunkedBodyMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coditect_license.settings")

application = ChunkedBodyMiddleware(get_wsgi_application())
