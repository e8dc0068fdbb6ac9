from typing import Any

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer, which sends a lone surrogate as its ``\\uXXXX`` escape instead
    of failing the whole response. The parser refuses them now; SQLite kept those sent
    before, and one such row made every list that shows it a 500 (issue #14)."""

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            # Renderers are made per request: this one escapes everything that is not ASCII.
            self.ensure_ascii = True
            return super().render(data, accepted_media_type, renderer_context)
