"""The seat ledger (``SeatEvent``) moves from analytics to licenses, which writes it
(issue #15): state only. The table, its rows and indexes stay as they are, under the
name ``analytics_seatevent``; analytics 0004 drops the model from its own state."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('licenses', '0005_session_secret_digest'),
        ('analytics', '0003_usage_open_hour'),
        ('projects', '0002_initial'),
        ('tenants', '0003_apitoken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.CreateModel(
            name='SeatEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('acquire', 'Acquire'), ('release', 'Release'), ('expire', 'Expire'), ('revoke', 'Revoke'), ('deny', 'Deny')], max_length=8)),
                ('seats_used', models.PositiveIntegerField()),
                ('session_started_at', models.DateTimeField(null=True)),
                ('at', models.DateTimeField()),
                ('license', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='licenses.license')),
                ('org', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.organization')),
                ('project', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='projects.project')),
                ('session', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='licenses.licensesession')),
                ('user', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'analytics_seatevent',
                'indexes': [models.Index(fields=['license', 'at'], name='seatevent_license_at'), models.Index(fields=['org', 'at'], name='seatevent_org_at')],
            },
        ),
        ]),
    ]
