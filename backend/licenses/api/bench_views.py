"""The acquire's budget as a bare endpoint, for the bench only (``BENCH_BUDGET_ENDPOINT``).

DESIGN §6 gives an acquire a budget: one atomic seat step, one database insert, one
signature. ``POST /bench/acquire-budget {license_id, org_id}`` spends exactly that
(the seat store's acquire, the session row with its seat event in the same one
statement acquire uses, a token signed by the current signer) behind the same
middleware as every view, with no key lookup, rate limit or validation: the ceiling
an acquire is measured against (bench/README.md). Never mounted unless the setting is
on, and left out of the API schema.
"""

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from licenses.models import LicenseSession
from licenses.seatstore import get_seat_store
from licenses.seatstore.base import SeatTerms
from licenses.selectors import as_datetime
from licenses.services import session_rows
from licenses.signing import current_signer

_DIGEST = "0" * 64


class AcquireBudgetView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(exclude=True)
    def post(self, request: Request) -> Response:
        license_id, org_id = str(request.data["license_id"]), request.data["org_id"]
        holder = str(uuid.uuid4())
        member = f"budget-{holder}"
        grant = get_seat_store().acquire(
            license_id, member, holder, SeatTerms(seats_total=1_000_000), 3600, _DIGEST
        )
        now, expires = as_datetime(grant.now), as_datetime(grant.expires_at)
        session_rows.session_insert(
            LicenseSession(
                id=uuid.UUID(holder),
                org_id=org_id,
                license_id=license_id,
                hardware_id=member,
                member=member,
                secret_digest=_DIGEST,
                started_at=now,
                last_heartbeat_at=now,
                expires_at=expires,
            ),
            grant.seats_used,
        )
        issued = int(grant.now)
        token = current_signer().sign(
            {
                "sub": holder,
                "lic": license_id,
                "org": str(org_id),
                "iat": issued,
                "exp": issued + 3600,
            }
        )
        return Response({"session_id": holder, "token": token}, status=status.HTTP_201_CREATED)
