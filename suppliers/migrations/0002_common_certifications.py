"""Offer the certifications UK public buyers commonly ask for on a fresh install.

Idempotent: existing rows (perhaps edited by an operator) are left alone. Reversing keeps the
rows; 0001's reversal drops the table.
"""

from django.db import migrations

from suppliers.certifications import COMMON_CERTIFICATIONS


def insert_certifications(apps, schema_editor):
    Certification = apps.get_model("suppliers", "Certification")
    rows = [
        Certification(slug=slug, name=name, description=description, url=url)
        for slug, name, description, url in COMMON_CERTIFICATIONS
    ]
    Certification.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]

    operations = [migrations.RunPython(insert_certifications, migrations.RunPython.noop)]
