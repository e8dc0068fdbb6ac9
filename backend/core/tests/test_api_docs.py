"""The API docs page loads nothing from other origins and runs under the dashboard's policy."""

import re
from urllib.parse import urlsplit

from django.test import Client

from core.spa import DASHBOARD_CSP


def test_the_docs_page_loads_only_this_servers_assets_under_the_dashboard_policy(db):
    client = Client()
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert page["Content-Security-Policy"] == DASHBOARD_CSP
    html = page.content.decode()
    # The policy allows no inline script: the start-up script is a file too.
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 4, assets  # stylesheet, two bundles, start-up script
    for url in assets:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), url
        assert client.get(url).status_code == 200, url


def test_the_start_up_script_names_no_other_origin(db):
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert re.findall(r"https?://", script.content.decode()) == []
