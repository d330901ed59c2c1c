"""Where things are: postcode districts, full postcodes, and named areas such as East Birmingham.

Districts and postcodes are reference data loaded from files (see ``places.loaders``); they
refer to each other by code, not by foreign key, so either file can be loaded first and a
postcode in a district nobody loaded still works.
"""

from django.db import models
from django.db.models import Q

from core.models import BaseModel
from places.fields import PostcodeDistrictField, PostcodeField
from places.postcodes import area_of

_LOCATED = Q(latitude__isnull=False, longitude__isnull=False)
_UNLOCATED = Q(latitude__isnull=True, longitude__isnull=True)
_LATITUDE_RANGE = Q(latitude__gte=-90, latitude__lte=90) | Q(latitude__isnull=True)
_LONGITUDE_RANGE = Q(longitude__gte=-180, longitude__lte=180) | Q(longitude__isnull=True)


def _location_constraints(prefix: str) -> list[models.CheckConstraint]:
    """Coordinates come in pairs and within range, so a half-known point never reaches a sum."""
    return [
        models.CheckConstraint(condition=_LOCATED | _UNLOCATED, name=f"{prefix}_lat_lon_together"),
        models.CheckConstraint(condition=_LATITUDE_RANGE, name=f"{prefix}_latitude_range"),
        models.CheckConstraint(condition=_LONGITUDE_RANGE, name=f"{prefix}_longitude_range"),
    ]


class PostcodeDistrictQuerySet(models.QuerySet):
    def with_location(self):
        """Districts with a centroid."""
        return self.filter(_LOCATED)

    def geographic(self):
        """Districts that are places (not PO-box or large-user ranges such as B99)."""
        return self.filter(non_geographic=False)


class PostcodeDistrict(BaseModel):
    """An outward code (``B9``) with its centroid, from a district-centroid file or ONS data."""

    code = PostcodeDistrictField(unique=True)
    area = models.CharField(
        max_length=2,
        blank=True,
        db_index=True,
        help_text="Postcode area, e.g. B; derived if empty.",
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    easting = models.PositiveIntegerField(null=True, blank=True)
    northing = models.PositiveIntegerField(null=True, blank=True)
    name = models.CharField(max_length=255, blank=True, help_text="Town or areas it covers.")
    region = models.CharField(max_length=100, blank=True)
    post_town = models.CharField(max_length=100, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    non_geographic = models.BooleanField(
        default=False, help_text="PO boxes and large users: its centroid is not a place."
    )

    objects = PostcodeDistrictQuerySet.as_manager()

    class Meta:
        ordering = ["area", "code"]
        constraints = _location_constraints("postcodedistrict")

    def __str__(self):
        return f"{self.code} {self.name}".strip()

    def save(self, *args, **kwargs):
        self.area = self.area or area_of(self.code)
        super().save(*args, **kwargs)


class FullPostcodeQuerySet(models.QuerySet):
    def with_location(self):
        """Postcodes with coordinates (ONS gives none for some, e.g. new or non-geographic)."""
        return self.filter(_LOCATED)

    def live(self):
        """Postcodes Royal Mail still uses."""
        return self.filter(terminated_on__isnull=True)

    def in_district(self, code: str):
        """Postcodes of one outward code."""
        return self.filter(district_code=code)


class FullPostcode(BaseModel):
    """One full postcode from the ONS Postcode Directory, with its ward and deprivation data."""

    postcode = PostcodeField(unique=True)
    district_code = PostcodeDistrictField(db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ward_code = models.CharField(max_length=9, blank=True, help_text="ONS GSS ward code.")
    lsoa11_code = models.CharField(max_length=9, blank=True, help_text="2011 LSOA (IMD 2019).")
    lsoa21_code = models.CharField(max_length=9, blank=True, help_text="2021 LSOA.")
    imd_rank = models.PositiveIntegerField(
        null=True, blank=True, help_text="Index of Multiple Deprivation rank; 1 = most deprived."
    )
    terminated_on = models.DateField(
        null=True, blank=True, help_text="Month Royal Mail stopped using it; empty while live."
    )

    objects = FullPostcodeQuerySet.as_manager()

    class Meta:
        ordering = ["postcode"]
        constraints = _location_constraints("fullpostcode")

    def __str__(self):
        return self.postcode


class NamedAreaQuerySet(models.QuerySet):
    def built_in(self):
        """Areas the service ships with (created by migrations, not editable away)."""
        return self.filter(built_in=True)


class NamedArea(BaseModel):
    """A place people name, such as East Birmingham: a list of districts and, optionally, wards.

    Wards make membership exact where a postcode's ward is known; districts are the fallback.
    """

    class Membership(models.TextChoices):
        CORE = "core", "Inside"
        FRINGE = "fringe", "Partly inside"

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    built_in = models.BooleanField(default=False)

    objects = NamedAreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class NamedAreaDistrict(BaseModel):
    """A postcode district in a named area; ``is_fringe`` when the district is partly inside."""

    area = models.ForeignKey(NamedArea, on_delete=models.CASCADE, related_name="districts")
    district_code = PostcodeDistrictField()
    is_fringe = models.BooleanField(default=False, help_text="Only partly inside the area.")

    class Meta:
        ordering = ["area_id", "is_fringe", "district_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "district_code"], name="namedareadistrict_unique_district"
            )
        ]

    def __str__(self):
        return f"{self.district_code}{' (fringe)' if self.is_fringe else ''}"


class NamedAreaWard(BaseModel):
    """An electoral ward (ONS GSS code) wholly inside a named area."""

    area = models.ForeignKey(NamedArea, on_delete=models.CASCADE, related_name="wards")
    ward_code = models.CharField(max_length=9, help_text="ONS GSS code, e.g. E05011120.")
    ward_name = models.CharField(max_length=120)

    class Meta:
        ordering = ["area_id", "ward_name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "ward_code"], name="namedareaward_unique_ward")
        ]

    def __str__(self):
        return f"{self.ward_name} ({self.ward_code})"
