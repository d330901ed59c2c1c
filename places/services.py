"""Writes to the places tables beyond the file loaders."""

from django.db import transaction
from django.db.models import Avg

from places.models import FullPostcode, PostcodeDistrict
from places.postcodes import area_of


@transaction.atomic
def district_centroids_derive() -> int:
    """Give districts known only from full postcodes a centroid: the mean of their live points.

    Distances fall back to the district centroid when a full postcode is unknown, so a district
    the centroid file does not cover (outside the B area, or new) still gets one once the ONS
    directory is loaded. Districts that already have coordinates are left alone: the centroid
    file is the better source. Returns how many districts were created or given a centroid.
    """
    located = set(PostcodeDistrict.objects.with_location().values_list("code", flat=True))
    means = (
        FullPostcode.objects.live()
        .with_location()
        .values("district_code")
        .annotate(latitude=Avg("latitude"), longitude=Avg("longitude"))
        .order_by()
    )
    districts = [
        PostcodeDistrict(
            code=row["district_code"],
            area=area_of(row["district_code"]),
            latitude=row["latitude"],
            longitude=row["longitude"],
        )
        for row in means
        if row["district_code"] not in located
    ]
    PostcodeDistrict.objects.bulk_create(
        districts,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["latitude", "longitude", "updated_at"],
        batch_size=1000,
    )
    return len(districts)
