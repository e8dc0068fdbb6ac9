"""Expiry warnings: the organization's admins hear 30, 7 and 1 days before a license
expires (a Celery beat task runs ``license_expiry_warnings_send`` every hour).

Each warning is a ``LicenseExpiryWarning`` row, unique per license, threshold and expiry
date: the row, its audit event (``license.expiry_warning``, what was sent to how many)
and the email go together, and a run that finds the row already there sends nothing,
so overlapping or repeated runs never send twice. A failed email rolls its row back and
the next run tries again. Only the nearest threshold is sent: a license created a
few days before its expiry gets the 7-day warning, not the 30-day one as well. A
renewal moves ``expires_at``, so the warnings of the new date start over.
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audit.services import audit_record
from core.actor import Actor
from licenses.models import License, LicenseExpiryWarning
from tenants.models import Membership

logger = logging.getLogger(__name__)

WARNING_DAYS = (1, 7, 30)


@dataclass(frozen=True)
class ExpiryWarningReport:
    sent: int
    failed: int


def license_expiry_warnings_send(*, now: datetime | None = None) -> ExpiryWarningReport:
    """Send every warning due now and not sent yet."""
    now = now or timezone.now()
    horizon = now + timedelta(days=max(WARNING_DAYS))
    with scopes_disabled():
        due = list(
            License.objects.filter(
                is_active=True,
                is_suspended=False,
                expires_at__gt=now,
                expires_at__lte=horizon,
            ).select_related("org")
        )
    sent = failed = 0
    for license_ in due:
        left = license_.expires_at - now
        days = next(d for d in WARNING_DAYS if left <= timedelta(days=d))
        days_left = math.ceil(left / timedelta(days=1))
        try:
            sent += _warn(license_, days, days_left)
        except Exception:
            failed += 1
            logger.exception("expiry warning of license %s not sent", license_.id)
    return ExpiryWarningReport(sent, failed)


def _warn(license_: License, days: int, days_left: int) -> bool:
    """Send the ``days`` warning unless it was sent; True when this call sent it."""
    with scope(org=license_.org_id), transaction.atomic():
        try:
            with transaction.atomic():
                warning = LicenseExpiryWarning.objects.create(
                    org_id=license_.org_id,
                    license=license_,
                    days_before=days,
                    expires_at=license_.expires_at,
                    recipients=0,
                )
        except IntegrityError:
            return False
        emails = sorted(
            Membership.objects.filter(
                org_id=license_.org_id,
                role__in=(Membership.Role.OWNER, Membership.Role.ADMIN),
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
        context = {"license": license_, "org": license_.org, "days": days_left}
        subject = render_to_string("licenses/emails/expiry_warning_subject.txt", context).strip()
        warning.recipients = len(emails)
        warning.save(update_fields=["recipients"])
        audit_record(
            org=license_.org,
            actor=Actor.system_named("expiry-warnings"),
            action="license.expiry_warning",
            target=license_,
            after={
                "days_before": days,
                "expires_at": license_.expires_at.isoformat(),
                "subject": subject,
                "recipients": len(emails),
            },
        )
        if emails:
            body = render_to_string("licenses/emails/expiry_warning.txt", context)
            # One message per admin: no one sees the others' addresses. A failure
            # rolls the warning back, so the next run tries again.
            for email in emails:
                EmailMessage(subject, body, None, [email]).send()
    return True
