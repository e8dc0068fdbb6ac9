"""Rotating the signing root without breaking a client (DESIGN §7, docs/deploy.md).

A rotation has two steps, a publication period apart:

1. ``signing_root_publish`` records the next root as ``next``: it is in the JWKS
   from then on but certifies nothing.
2. ``signing_root_activate``, once the next root has been published for
   ``SIGNING_ROOT_PUBLISH_SECONDS`` (longer than the JWKS's cache lifetime), moves
   certification to it. The old root retires and stays published until every token
   it or its online keys signed has expired; then it leaves the JWKS by itself.

API processes notice the new root within ``SIGNING_ROOT_REFRESH_SECONDS`` and have it
certify a fresh online key. Only platform operators rotate (the ``signing_root``
command, ``/api/v1/platform/signing-roots``); tenants never touch the root.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from core.actor import Actor
from core.errors import DomainError
from licenses.errors import SigningRootNotReady, SigningRootRetired, SigningUnavailable
from licenses.models import SigningKey
from licenses.signers.base import RootUnavailable
from licenses.signers.file import write_new_key
from licenses.signing import make_root_active, open_root, record_root

logger = logging.getLogger(__name__)


class SigningRootNotFound(DomainError):
    code = "not_found"
    message = "No signing root has this kid."


def _new_key_reference(backend: str, algorithm: str) -> str:
    """Make a fresh key where the backend keeps keys, and name it."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    if backend == "file":
        path = Path(settings.DATA_DIR) / "signing" / "roots" / f"{algorithm.lower()}-{stamp}.pem"
        write_new_key(path, algorithm)
        return str(path)
    if backend == "pkcs11":
        from licenses.signers.pkcs11 import generate_root_key

        label = f"{settings.PKCS11_KEY_LABEL}-{stamp}"
        try:
            generate_root_key(label, algorithm)
        except Exception as exc:
            raise SigningUnavailable(f"the PKCS#11 token could not make a key: {exc}") from exc
        return label
    # The API's identity may only sign with existing versions: the operator creates
    # the next one (OpenTofu or gcloud) and names it here.
    raise DomainError(
        "Cloud KMS roots are created by the operator: give the new key version's name.",
        details={"reference": "required for SIGNING_BACKEND=gcp-kms"},
    )


def signing_root_publish(*, reference: str | None = None, actor: Actor) -> SigningKey:
    """Publish the next root (a new key, or the one ``reference`` names) as ``next``.

    The root must sign a probe first: a key the backend cannot use is never published.
    """
    backend = settings.TOKEN_ROOT_BACKEND
    algorithm = settings.TOKEN_SIGNING_ALGORITHM
    reference = reference or _new_key_reference(backend, algorithm)
    try:
        root = open_root(backend, reference, algorithm)
        kid = root.kid
        root.sign(b"signing root publication probe")
    except (RootUnavailable, ValueError) as exc:
        raise SigningUnavailable(f"the next root cannot sign: {exc}") from exc
    existing = SigningKey.objects.filter(kid=kid).first()
    if existing is not None and existing.state == SigningKey.State.RETIRED:
        raise SigningRootRetired()
    key = existing or record_root(root, SigningKey.State.NEXT)
    logger.info("signing root %s (%s %s) published by %s", kid, backend, reference, _who(actor))
    return key


def publication_ends(key: SigningKey) -> datetime:
    return key.created_at + timedelta(seconds=settings.SIGNING_ROOT_PUBLISH_SECONDS)


def signing_root_activate(*, kid: str, actor: Actor) -> SigningKey:
    """Move certification to the published root ``kid``; the active one retires."""
    key = SigningKey.objects.filter(kid=kid, role=SigningKey.Role.ROOT).first()
    if key is None:
        raise SigningRootNotFound()
    if key.state == SigningKey.State.ACTIVE:
        return key
    if key.state == SigningKey.State.RETIRED:
        raise SigningRootRetired()
    ready_at = publication_ends(key)
    if timezone.now() < ready_at:
        raise SigningRootNotReady(details={"ready_at": ready_at.isoformat()})
    key = make_root_active(kid)
    logger.info("signing root %s made active by %s", kid, _who(actor))
    return key


def signing_root_rotate(
    *,
    reference: str | None = None,
    actor: Actor,
    sleep: Callable[[float], None] = time.sleep,
) -> SigningKey:
    """Both steps: publish, wait out the publication period, activate."""
    key = signing_root_publish(reference=reference, actor=actor)
    remaining = (publication_ends(key) - timezone.now()).total_seconds()
    if remaining > 0:
        sleep(remaining)
    return signing_root_activate(kid=key.kid, actor=actor)


def _who(actor: Actor) -> str:
    if actor.user is not None:
        return f"user {actor.user.pk}"
    return actor.system or "an API token"
