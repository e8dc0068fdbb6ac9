"""Writing events (the outbox) and the cheap check of whether an opt-in event is wanted.

Every type but the opt-in ones is always written (a history of the organization's
events, and no event lost to a stale cache). ``event_record`` writes into the caller's
transaction: the event commits with the change
or not at all. Delivery is the webhooks app's job, above every app that writes events;
it learns of new events through ``signals.events_committed`` (sent after the commit) and
through its periodic sweep of undispatched events, which is what delivers an event whose
writer was killed right after its commit.

High-volume types (``types.OPT_IN``: one per acquire, release or refusal) are written
only while an enabled endpoint of the organization subscribes to them. The hot path asks
``event_wanted``: a dictionary lookup in this process, refreshed from the database (by
the loader the webhooks app registers) at most every ``EVENT_SUBSCRIPTIONS_CACHE_SECONDS``
per organization, and dropped at once when this process changes an endpoint.
"""

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import transaction

from core.actor import Actor
from events import types
from events.models import Event
from events.signals import events_committed

# org id -> (valid until, by time.monotonic(); the types its enabled endpoints want)
_subscriptions: dict[str, tuple[float, frozenset[str]]] = {}
_lock = threading.Lock()
_loader: Callable[[str | None], Iterable[str]] | None = None
ANY_ORG = "*"


def actor_label(actor: Actor | None) -> str:
    """How an event names who caused it: an email, an API token, a part of the system."""
    if actor is None:
        return ""
    if actor.user is not None:
        return getattr(actor.user, "email", "") or str(actor.user.pk)
    if actor.api_token is not None:
        return f"api-token:{actor.api_token.name}"
    return f"system:{actor.system}" if actor.system else ""


def event_record(
    *, org_id: Any, type: str, data: dict[str, Any], actor: Actor | None = None
) -> Event | None:
    """Write one event in the caller's transaction. An opt-in type no endpoint wants is
    not written (None). ``data`` is plain JSON: never a secret."""
    wanted = event_wanted(org_id, type)
    if type in types.OPT_IN and not wanted:
        return None
    event = Event.objects.create(org_id=org_id, type=type, data=data, actor=actor_label(actor))
    if wanted:
        transaction.on_commit(_committed)
    return event


def events_record(*, org_id: Any, type: str, items: list[dict[str, Any]]) -> int:
    """Write one event per item (one INSERT), as ``event_record``; returns how many."""
    if not items or (type in types.OPT_IN and not event_wanted(org_id, type)):
        return 0
    Event.objects.bulk_create([Event(org_id=org_id, type=type, data=data) for data in items])
    transaction.on_commit(_committed)
    return len(items)


def events_wake_after_commit() -> None:
    """For a writer that inserted a wanted event itself (in one SQL statement): wake the
    deliverers once it has committed, as ``event_record`` does."""
    transaction.on_commit(_committed)


def _committed() -> None:
    """Wake the deliverers once the events are in (only for events an endpoint wants,
    as this process knows: the sweep finds the others)."""
    events_committed.send(sender=Event)


def event_wanted(org_id: Any, type: str) -> bool:
    """Whether an enabled endpoint of the organization (of any organization: None)
    subscribes to ``type`` (patterns included), as this process last read it (see the
    module)."""
    key = ANY_ORG if org_id is None else str(org_id)
    entry = _subscriptions.get(key)
    now = time.monotonic()
    if entry is None or entry[0] <= now:
        org = None if key == ANY_ORG else key
        patterns = frozenset(_loader(org)) if _loader is not None else frozenset()
        entry = (now + settings.EVENT_SUBSCRIPTIONS_CACHE_SECONDS, patterns)
        with _lock:
            _subscriptions[key] = entry
    return any(types.matches(pattern, type) for pattern in entry[1])


def subscriptions_loader_set(loader: Callable[[str | None], Iterable[str]]) -> None:
    """The webhooks app registers how to read the patterns an organization's enabled
    endpoints subscribe to (None: those of every organization)."""
    global _loader
    _loader = loader
    subscriptions_forget()


def subscriptions_forget(org_id: Any = None) -> None:
    """Drop what this process knows of an organization's subscriptions (all: None)."""
    with _lock:
        if org_id is None:
            _subscriptions.clear()
        else:
            _subscriptions.pop(str(org_id), None)
            _subscriptions.pop(ANY_ORG, None)
