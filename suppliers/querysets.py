"""Chainable filters over businesses: ``Business.objects.active().in_area(area).micro()``.

Each is one SQL condition, so matching can pre-filter candidates in the database before it
scores them, using the indexed ``district`` column and ``BusinessSector.division``.
"""

from collections.abc import Iterable

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from suppliers.sizes import SizeClass


class BusinessQuerySet(models.QuerySet):
    def active(self):
        """Businesses still trading on LocalLots (not deactivated)."""
        return self.filter(is_active=True)

    def complete(self):
        """Profiles with everything matching needs; the SQL twin of ``Business.profile_missing``."""
        return self.filter(
            Exists(_sector_links().filter(business=OuterRef("pk"))),
            ~Q(postcode=""),
            ~Q(description=""),
            Q(max_contract_value__isnull=False) | Q(annual_turnover__isnull=False),
            staff_headcount__isnull=False,
        )

    def micro(self):
        """Micro businesses (fewer than 10 staff; see ``suppliers.sizes``)."""
        return self.filter(size_class=SizeClass.MICRO)

    def sme(self):
        """PA23 SMEs: micro, small and medium businesses."""
        return self.filter(size_class__in=[SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM])

    def vcse(self):
        """Voluntary, community and social enterprises, by legal form or declaration."""
        return self.filter(is_vcse=True)

    def in_districts(self, districts: Iterable[str]):
        """Businesses whose postcode district is one of ``districts`` (canonical, like "B9")."""
        return self.filter(district__in=list(districts))

    def in_area(self, area):
        """Businesses in a named area's districts, fringe included (as ``area_contains``)."""
        return self.filter(district__in=area.districts.values("district_code"))

    def with_sector_division(self, divisions: Iterable[str]):
        """Businesses with at least one sector in one of the CPV ``divisions`` ("55")."""
        links = _sector_links().filter(business=OuterRef("pk"), division__in=list(divisions))
        return self.filter(Exists(links))

    def public(self):
        """Profiles anyone may see: opted in to a public profile and still active."""
        return self.filter(public_profile=True, is_active=True)


def _sector_links():
    # Looked up lazily: this module is imported by models.py before BusinessSector exists.
    return apps.get_model("suppliers", "BusinessSector").objects.all()
