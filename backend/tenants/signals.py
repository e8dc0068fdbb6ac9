"""What the tenants app tells the apps built on it, without importing them."""

from django.dispatch import Signal

# Sent inside the deleting transaction, before the organization's rows go, with
# ``org``: an app that keeps state for the organization outside the database (the
# licenses app's seat store) collects what to clean up after the commit.
organization_deleting = Signal()

# Sent inside the removing transaction with ``org`` and ``user`` when a person stops
# being a member (removed, or left): the users app revokes their CLI sign-ins, the
# licenses app drops their assignments and ends their sessions in the organization.
member_removed = Signal()
