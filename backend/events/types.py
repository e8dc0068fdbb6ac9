"""The event types an organization's systems can subscribe to (webhooks) and what
each says. The names are the contract with customers: never rename one."""

LICENSE_CREATED = "license.created"
LICENSE_UPDATED = "license.updated"
LICENSE_SUSPENDED = "license.suspended"
LICENSE_RESUMED = "license.resumed"
LICENSE_DELETED = "license.deleted"
LICENSE_KEY_ROTATED = "license.key_rotated"
LICENSE_EXPIRING = "license.expiring"
SESSION_STARTED = "session.started"
SESSION_ENDED = "session.ended"
SESSION_REVOKED = "session.revoked"
SESSION_ZOMBIE = "session.zombie"
SEAT_DENIED = "seat.denied"
SEAT_UTILIZATION_CROSSED = "seat.utilization_crossed"
OVERAGE_STARTED = "overage.started"
OVERAGE_ENDED = "overage.ended"
MEMBER_ADDED = "member.added"
MEMBER_REMOVED = "member.removed"
WEBHOOK_TEST = "webhook.test"

EVENT_TYPES: dict[str, str] = {
    LICENSE_CREATED: "A license was created.",
    LICENSE_UPDATED: "A license's name, seats, expiry, TTL, grace or project changed.",
    LICENSE_SUSPENDED: "A license was suspended: its sessions ended, acquires are refused.",
    LICENSE_RESUMED: "A suspended license accepts acquires again.",
    LICENSE_DELETED: "A license was deleted.",
    LICENSE_KEY_ROTATED: "A license got a new key; the old one is refused.",
    LICENSE_EXPIRING: "A license expires within the warning period.",
    SESSION_STARTED: "A seat was granted (high volume: opt-in).",
    SESSION_ENDED: "A client released its seat (high volume: opt-in).",
    SESSION_REVOKED: "An admin, a suspend or a delete ended a session (opt-in).",
    SESSION_ZOMBIE: "A session missed its heartbeats and its seat was reclaimed (opt-in).",
    SEAT_DENIED: "An acquire was refused for want of a seat (high volume: opt-in).",
    SEAT_UTILIZATION_CROSSED: "A license's seat use crossed a threshold, up or down.",
    OVERAGE_STARTED: "A license started using seats past its total (overage).",
    OVERAGE_ENDED: "A license is back within its total.",
    MEMBER_ADDED: "A person joined the organization.",
    MEMBER_REMOVED: "A person left or was removed from the organization.",
}

# Written only while an enabled endpoint of the organization subscribes to them: they
# come from the seat hot path, one per acquire, release or refusal.
OPT_IN = frozenset({SESSION_STARTED, SESSION_ENDED, SESSION_REVOKED, SESSION_ZOMBIE, SEAT_DENIED})


def matches(pattern: str, event_type: str) -> bool:
    """A subscription names a type (``license.created``), a family (``license.*``) or
    everything (``*``)."""
    if pattern in ("*", event_type):
        return True
    return pattern.endswith(".*") and event_type.startswith(pattern[:-1])


def valid_pattern(pattern: str) -> bool:
    if pattern == "*" or pattern in EVENT_TYPES:
        return True
    return pattern.endswith(".*") and any(t.startswith(pattern[:-1]) for t in EVENT_TYPES)
