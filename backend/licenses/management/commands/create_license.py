import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_scopes import scope

from core.actor import Actor
from licenses.services import license_create
from tenants.models import Organization


class Command(BaseCommand):
    help = "Create a license (and its organization if missing); prints the key once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Organization slug (created if missing).")
        parser.add_argument("--name", default="CLI license")
        parser.add_argument("--seats", type=int, required=True)
        parser.add_argument("--ttl", type=int, default=None, help="Heartbeat TTL in seconds.")
        parser.add_argument("--offline-grace", type=int, default=None)
        parser.add_argument(
            "--queue",
            action="store_true",
            default=None,
            help="Keep a line: clients that ask to wait get the next free seat in turn.",
        )
        parser.add_argument("--queue-ticket-ttl", type=int, default=None)
        parser.add_argument(
            "--max-borrow-hours", type=int, default=None, help="0 turns borrowing off."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    @transaction.atomic
    def handle(self, *args, **opts) -> None:
        org, _ = Organization.objects.get_or_create(
            slug=opts["org"], defaults={"name": opts["org"]}
        )
        with scope(org=org):
            try:
                license_, key = license_create(
                    org=org,
                    name=opts["name"],
                    seats_total=opts["seats"],
                    heartbeat_ttl=opts["ttl"],
                    offline_grace=opts["offline_grace"],
                    queue_enabled=opts.get("queue"),
                    queue_ticket_ttl=opts.get("queue_ticket_ttl"),
                    max_borrow_hours=opts.get("max_borrow_hours"),
                    actor=Actor.system_named("command:create_license"),
                )
            except Exception as exc:
                raise CommandError(f"cannot create the license: {exc}") from None
        if opts["json"]:
            self.stdout.write(
                json.dumps({"license_id": str(license_.id), "license_key": key, "org": org.slug})
            )
        else:
            self.stdout.write(f"license {license_.id} in {org.slug}: key {key} (shown once)")
