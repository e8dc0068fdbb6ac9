from django.db import migrations, models


def name_existing_targets(apps, schema_editor):
    """Events written before target_name: name the targets that still exist."""
    from audit.services import target_display_name

    event_model = apps.get_model("audit", "AuditEvent")
    labels = event_model.objects.values_list("target_type", flat=True).distinct()
    for label in labels:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        events = event_model.objects.filter(target_type=label, target_name="")
        ids = set(events.values_list("target_id", flat=True))
        for target in model._base_manager.filter(pk__in=ids):
            events.filter(target_id=str(target.pk)).update(target_name=target_display_name(target))


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="target_name",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.RunPython(name_existing_targets, migrations.RunPython.noop),
    ]
