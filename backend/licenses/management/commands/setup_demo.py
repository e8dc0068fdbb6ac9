import json
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scope

from core.actor import Actor
from licenses.services import license_create
from tenants.models import Organization
from tenants.services import organization_create

DEMO_EMAIL = "admin@demo.coditect.local"
DEMO_ORG = "demo"


class Command(BaseCommand):
    help = "Create the demo organization, its admin and a 5-seat license (once)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        credentials = settings.DEMO_CREDENTIALS_FILE
        key_file = settings.DATA_DIR / "demo-license-key"
        quiet = options["verbosity"] == 0  # `make run` shows the login in its closing block
        if Organization.objects.filter(slug=DEMO_ORG).exists():
            if not quiet:
                self.stdout.write(f"demo already set up; its login and key are in {credentials}")
            return
        password = secrets.token_urlsafe(12)
        admin = get_user_model().objects.create_user(DEMO_EMAIL, password, name="Demo Admin")
        org = organization_create(name="Demo Organization", slug=DEMO_ORG, owner=admin)
        with scope(org=org):
            license_, key = license_create(
                org=org, name="Demo license", seats_total=5, actor=Actor.system_named("setup_demo")
            )
        # Demo convenience only, readable by this user alone: the quick start reads
        # the key from here. Real keys are never written anywhere.
        demo = {"email": DEMO_EMAIL, "password": password, "license_key": key, "org": DEMO_ORG}
        _write_private(credentials, json.dumps(demo))
        _write_private(key_file, key + "\n")
        if quiet:
            return
        self.stdout.write(
            "Demo organization 'demo' created.\n"
            f"  admin login:  {DEMO_EMAIL} / {password}\n"
            f"  license key:  {key}  (5 seats, license {license_.id})\n"
            f"  both saved for the quick start in {credentials} and {key_file}"
        )


def _write_private(path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
