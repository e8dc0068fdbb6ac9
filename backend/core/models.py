from django.db import models


class RateCounter(models.Model):
    """One fixed window of one rate limit, when Redis is not configured
    (``core.ratelimit``): counted by an atomic upsert, deleted once expired."""

    key = models.TextField(primary_key=True)
    n = models.PositiveIntegerField()
    # Unix seconds after which the window is over and the row may go.
    expires_at = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}={self.n}"
