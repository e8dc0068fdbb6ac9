"""Responses that carry a secret (tokens, license keys) are never kept by a cache."""

from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

# On a view's handler: Django's never_cache headers (Cache-Control: max-age=0, no-cache,
# no-store, must-revalidate, private), so neither a browser's cache, its back button nor
# a proxy keeps the secret. Every endpoint whose answer holds one wears it, and
# core/tests/test_no_store.py lists them.
no_store = method_decorator(never_cache)
