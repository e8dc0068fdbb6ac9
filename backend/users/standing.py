"""A person's standing: what their sign-ins may do in the organizations they belong to.

Caches of a verdict about a person (the licenses app's ``person_cache``: may this
sign-in take a seat of that license) are filed under the person's generation
(``core.generations``). Anything that may narrow what the person may do bumps it as it
happens and once it commits: a sign-in revoked, a membership changed or ended, the
account changed or deleted. A bump that widens nothing only costs the next acquire a database read.
"""

from collections.abc import Iterable
from typing import Any

from core import generations

SCOPE = "person"
# Far longer than any entry filed under a generation lives (see core.generations).
_GENERATION_TTL = 86400


def generation_key(user_id: Any) -> str:
    return generations.key(SCOPE, str(user_id))


def changed(user_ids: Iterable[Any]) -> None:
    """The standing of these people may have narrowed: bump their generations now and
    once the current transaction commits."""
    generations.bump(SCOPE, (str(u) for u in user_ids), _GENERATION_TTL)
