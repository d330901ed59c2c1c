"""Insert the 45 CPV divisions so that a fresh install has a usable taxonomy.

Idempotent: existing rows are left alone, so official labels from ``load_cpv`` are never
overwritten by our short ones. Reversing keeps the rows; 0001's reversal drops the table.
"""

from django.db import migrations

from sectors import cpv
from sectors.divisions import DIVISIONS


def insert_divisions(apps, schema_editor):
    CpvCode = apps.get_model("sectors", "CpvCode")
    rows = [
        CpvCode(
            code=code,
            check_digit=check_digit,
            label=label,
            level=cpv.level(code),
            division=cpv.division(code),
        )
        for code, check_digit, label in DIVISIONS
    ]
    CpvCode.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("sectors", "0001_initial")]

    operations = [migrations.RunPython(insert_divisions, migrations.RunPython.noop)]
