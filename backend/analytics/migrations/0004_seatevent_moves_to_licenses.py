"""``SeatEvent`` now belongs to licenses (licenses 0006): state only, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0003_usage_open_hour'),
        ('licenses', '0006_seatevent_moves_here'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='SeatEvent')]
        ),
    ]
