import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.actor import Actor
from core.errors import DomainError
from licenses.selectors import signing_roots
from licenses.services.signing_roots import (
    publication_ends,
    signing_root_activate,
    signing_root_publish,
    signing_root_rotate,
)
from licenses.signers.pkcs11 import generate_root_key


class Command(BaseCommand):
    help = (
        "The token signing root (docs/deploy.md, rotation runbook): `status`; `generate "
        "--label L` (a non-extractable key in the PKCS#11 token); `publish [--reference R]` "
        "(the next root into the JWKS); `activate KID` (after the publication period); "
        "`rotate [--reference R]` (publish, wait, activate)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", choices=["status", "generate", "publish", "activate", "rotate"]
        )
        parser.add_argument("kid", nargs="?", help="The root to activate.")
        parser.add_argument(
            "--reference",
            help="The key: a PEM path (file), a key label (pkcs11), a key version (gcp-kms). "
            "Default: a new key (file, pkcs11).",
        )
        parser.add_argument("--label", help="generate: the new key's label in the token.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, **opts) -> None:
        actor = Actor.system_named("command:signing_root")
        action = opts["action"]
        try:
            if action == "generate":
                label = opts["label"] or settings.PKCS11_KEY_LABEL
                generate_root_key(label, settings.TOKEN_SIGNING_ALGORITHM)
                self.stdout.write(f"generated {settings.TOKEN_SIGNING_ALGORITHM} key {label!r}")
                return
            if action == "publish":
                key = signing_root_publish(reference=opts["reference"], actor=actor)
                self._print([key], opts["json"])
            elif action == "activate":
                if not opts["kid"]:
                    raise CommandError("activate needs the kid of a published root")
                self._print([signing_root_activate(kid=opts["kid"], actor=actor)], opts["json"])
            elif action == "rotate":
                key = signing_root_rotate(reference=opts["reference"], actor=actor)
                self._print([key], opts["json"])
            else:
                self._print(list(signing_roots()), opts["json"])
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.details or ''}".strip()) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def _print(self, keys: list, as_json: bool) -> None:
        rows = [
            {
                "kid": key.kid,
                "state": key.state,
                "backend": key.backend,
                "reference": key.reference,
                "algorithm": key.algorithm,
                "created_at": key.created_at.isoformat(),
                "may_activate_at": publication_ends(key).isoformat(),
                "verify_until": key.verify_until.isoformat() if key.verify_until else None,
            }
            for key in keys
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['kid']}  {row['state']:<7}  {row['backend']}  {row['algorithm']}  "
                f"{row['reference']}  verify_until={row['verify_until']}"
            )
