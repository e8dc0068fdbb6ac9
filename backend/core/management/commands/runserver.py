"""Django's ``runserver`` (with static files), reading chunked request bodies too.

See ``core.chunked``: Django's own development server hands the application an empty
body for ``Transfer-Encoding: chunked`` and reads the chunks as the next request.
"""

from django.contrib.staticfiles.management.commands.runserver import (
    Command as StaticFilesRunserver,
)

from core.chunked import ChunkedWSGIServer


class Command(StaticFilesRunserver):
    server_cls = ChunkedWSGIServer
