"""Operator commands, run in-process."""

import json
import sys

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope

from coditect_license import cli
from licenses.models import License
from tenants.models import Membership, Organization
from tests.fixtures.stores import use_store
from users.models import User

pytestmark = pytest.mark.sqlite


def test_create_license_prints_the_key_once_as_json(db, capsys):
    call_command("create_license", "--org", "acme", "--seats", "3", "--ttl", "30", "--json")
    out = json.loads(capsys.readouterr().out)
    org = Organization.objects.get(slug="acme")
    with scope(org=org):
        license_ = License.objects.get(id=out["license_id"])
    assert license_.seats_total == 3 and license_.heartbeat_ttl == 30
    assert out["license_key"].startswith(license_.key_prefix)


def test_create_license_refuses_bad_values(db):
    with pytest.raises(CommandError, match="cannot create the license"):
        call_command("create_license", "--org", "acme", "--seats", "0")


def test_setup_demo_creates_the_owner_and_a_five_seat_license_once(db, settings, capsys):
    call_command("setup_demo")
    first = capsys.readouterr().out
    demo = json.loads((settings.DATA_DIR / "demo-credentials.json").read_text())
    assert demo["license_key"] in first and demo["password"] in first
    assert (settings.DATA_DIR / "demo-license-key").read_text().strip() == demo["license_key"]
    org = Organization.objects.get(slug="demo")
    user = User.objects.get(email=demo["email"])
    assert user.check_password(demo["password"])
    with scope(org=org):
        assert Membership.objects.get(user=user).role == "owner"
        assert License.objects.get().seats_total == 5
    call_command("setup_demo")
    assert "already set up" in capsys.readouterr().out


def test_serve_refuses_to_start_when_redis_is_unreachable(db):
    use_store("redis", "redis://127.0.0.1:1/0")
    with pytest.raises(CommandError, match="redis unreachable"):
        call_command("serve", "--port", "1")


def test_the_console_script_passes_through_to_django(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["coditect-server", "check"])
    cli.main()
    assert "no issues" in capsys.readouterr().out


def test_the_console_script_reports_configuration_errors_in_one_line(monkeypatch, capsys):
    from django.core.exceptions import ImproperlyConfigured

    def broken(argv):
        raise ImproperlyConfigured("DATABASE_URL: nope")

    monkeypatch.setattr("django.core.management.execute_from_command_line", broken)
    with pytest.raises(SystemExit) as exit_info:
        cli.run_django(["manage.py", "check"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == "configuration error: DATABASE_URL: nope\n"


def test_serve_says_how_to_offer_google_and_github_sign_in(settings):
    from core.management.commands.serve import sign_in_summary

    settings.SIGN_IN_PROVIDERS = []
    assert "GOOGLE_CLIENT_ID" in sign_in_summary()
    assert "GITHUB_CLIENT_ID" in sign_in_summary()
    settings.SIGN_IN_PROVIDERS = [{"id": "github", "name": "GitHub"}]
    settings.PUBLIC_URL = "https://licenses.example"
    offered = sign_in_summary()
    assert "GitHub" in offered
    assert "https://licenses.example/sign-in/callback/<provider id>" in offered


def test_the_ready_block_names_the_reachable_url_and_the_demo_login(settings, tmp_path):
    from core.management.commands.serve import ready_block

    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.json"
    production = ready_block("0.0.0.0", 8123)
    assert "ready: http://127.0.0.1:8123/" in production
    assert "dashboard login" not in production and "curl" not in production

    demo = {"email": "admin@demo.example", "password": "pw-123", "license_key": "lic_abc"}
    settings.DEMO_CREDENTIALS_FILE.write_text(json.dumps(demo))
    block = ready_block("::", 8124)
    assert "ready: http://[::1]:8124/" in block
    assert "admin@demo.example" in block and "pw-123" in block and "lic_abc" in block
    assert "curl -s -X POST http://[::1]:8124/api/v1/licenses/acquire" in block
