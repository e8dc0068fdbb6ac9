from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class LicensesConfig(AppConfig):
    name = "licenses"

    def ready(self) -> None:
        from core import preflight
        from licenses import license_cache, receivers, signing
        from licenses.models import License
        from projects.models import Project
        from tenants.models import PersonGroup
        from tenants.signals import member_removed, organization_deleting

        # /readyz names the signer when this process cannot sign a token (503).
        preflight.add_pod_check("signer", signing.check_signer)

        organization_deleting.connect(
            receivers.organization_deleting, weak=False, dispatch_uid="licenses_org_deleting"
        )
        member_removed.connect(
            receivers.member_removed, weak=False, dispatch_uid="licenses_member_removed"
        )

        # Every write of a license through the ORM reaches acquire's cache, whoever
        # makes it (services, the admin, a shell); queryset.update() does not.
        post_save.connect(
            lambda instance, **_: license_cache.license_saved(instance),
            sender=License,
            weak=False,
            dispatch_uid="license_cache_saved",
        )
        post_delete.connect(
            lambda instance, **_: license_cache.license_deleted(instance),
            sender=License,
            weak=False,
            dispatch_uid="license_cache_deleted",
        )

        # A project's seat rules on licenses follow its slug and go with it; so do a
        # group of people's.
        for kind, sender in (("project", Project), ("group", PersonGroup)):
            post_save.connect(
                lambda instance, created, kind=kind, **_: (
                    None if created else receivers.seat_rules_follow(kind, instance, deleted=False)
                ),
                sender=sender,
                weak=False,
                dispatch_uid=f"licenses_{kind}_saved",
            )
            post_delete.connect(
                lambda instance, kind=kind, **_: receivers.seat_rules_follow(
                    kind, instance, deleted=True
                ),
                sender=sender,
                weak=False,
                dispatch_uid=f"licenses_{kind}_deleted",
            )
