# A person waits in the line too (issue 21): their member (hardware id, client
# instance and person) can be longer than 200 characters, as long as a seat's.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("licenses", "0012_merge_overage_since_and_session_group"),
    ]

    operations = [
        migrations.AlterField(
            model_name="seatticket",
            name="member",
            field=models.CharField(max_length=255),
        ),
    ]
