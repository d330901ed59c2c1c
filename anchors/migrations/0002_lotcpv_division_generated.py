# The division was set in LotCpv.save(), which lot.cpv_codes.set() bypasses; the database now
# derives it. A stored generated column cannot be altered into place, so it is re-added.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("anchors", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="lotcpv", name="division"),
        migrations.AddField(
            model_name="lotcpv",
            name="division",
            field=models.GeneratedField(
                db_index=True,
                db_persist=True,
                expression=django.db.models.functions.text.Left("cpv_code", 2),
                output_field=models.CharField(max_length=2),
            ),
        ),
    ]
