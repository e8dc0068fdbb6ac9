"""System checks of settings that are each valid alone but do not fit together."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import split_domain_port, validate_host


@register(Tags.security)
def public_url_is_an_allowed_host(app_configs: Any, **kwargs: Any) -> list[Warning]:
    domain, _ = split_domain_port(urlsplit(settings.PUBLIC_URL).netloc)
    if domain and validate_host(domain, settings.ALLOWED_HOSTS):
        return []
    return [
        Warning(
            f"PUBLIC_URL {settings.PUBLIC_URL} names host {domain!r}, which is not in "
            "ALLOWED_HOSTS: the links in emails would be refused with 400.",
            hint="Add the host to ALLOWED_HOSTS, or set PUBLIC_URL to the public address.",
            id="core.W001",
        )
    ]
