from django.dispatch import Signal

# Sent once a transaction that wrote events has committed (no arguments): the webhooks
# app connects to it to start delivering at once rather than at its next sweep.
events_committed = Signal()
