"""Create the built-in East Birmingham area: its postcode districts and its 20 wards."""

from django.db import migrations

from places.areas import (
    EAST_BIRMINGHAM_CORE_DISTRICTS,
    EAST_BIRMINGHAM_DESCRIPTION,
    EAST_BIRMINGHAM_FRINGE_DISTRICTS,
    EAST_BIRMINGHAM_NAME,
    EAST_BIRMINGHAM_SLUG,
    EAST_BIRMINGHAM_WARDS,
)


def create_east_birmingham(apps, schema_editor):
    NamedArea = apps.get_model("places", "NamedArea")
    NamedAreaDistrict = apps.get_model("places", "NamedAreaDistrict")
    NamedAreaWard = apps.get_model("places", "NamedAreaWard")

    area, _ = NamedArea.objects.update_or_create(
        slug=EAST_BIRMINGHAM_SLUG,
        defaults={
            "name": EAST_BIRMINGHAM_NAME,
            "description": EAST_BIRMINGHAM_DESCRIPTION,
            "built_in": True,
        },
    )
    districts = [(code, False) for code in EAST_BIRMINGHAM_CORE_DISTRICTS] + [
        (code, True) for code in EAST_BIRMINGHAM_FRINGE_DISTRICTS
    ]
    for code, is_fringe in districts:
        NamedAreaDistrict.objects.update_or_create(
            area=area, district_code=code, defaults={"is_fringe": is_fringe}
        )
    for ward_code, ward_name in EAST_BIRMINGHAM_WARDS:
        NamedAreaWard.objects.update_or_create(
            area=area, ward_code=ward_code, defaults={"ward_name": ward_name}
        )


def remove_east_birmingham(apps, schema_editor):
    apps.get_model("places", "NamedArea").objects.filter(slug=EAST_BIRMINGHAM_SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(create_east_birmingham, remove_east_birmingham)]
