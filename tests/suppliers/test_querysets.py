import pytest

from places.areas import EAST_BIRMINGHAM_SLUG
from places.selectors import area_get
from suppliers.models import Business
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def _names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_in_area_uses_the_built_in_east_birmingham_districts_fringe_included():
    BusinessFactory(name="Small Heath", postcode="B10 0AA")  # core
    BusinessFactory(name="Digbeth", postcode="B5 5SE")  # fringe
    BusinessFactory(name="City centre", postcode="B1 1AA")
    BusinessFactory(name="Coventry", postcode="CV1 1AA")
    area = area_get(slug=EAST_BIRMINGHAM_SLUG)
    assert _names(Business.objects.in_area(area)) == ["Digbeth", "Small Heath"]


def test_in_districts_matches_whole_districts_only():
    BusinessFactory(name="B9", postcode="B9 4AA")
    BusinessFactory(name="B90", postcode="B90 1AA")
    assert _names(Business.objects.in_districts(["B9"])) == ["B9"]


def test_active_leaves_out_deactivated_businesses():
    BusinessFactory(name="Trading")
    BusinessFactory(name="Closed", is_active=False)
    assert _names(Business.objects.active()) == ["Trading"]


def test_micro_and_sme_follow_the_stored_size_class():
    BusinessFactory(name="Micro", staff_headcount=3)
    BusinessFactory(name="Medium", staff_headcount=120)
    BusinessFactory(name="Large", staff_headcount=400)
    assert _names(Business.objects.micro()) == ["Micro"]
    assert _names(Business.objects.sme()) == ["Medium", "Micro"]


def test_with_sector_division_finds_any_code_in_the_division_once():
    BusinessFactory(name="Caterer", sector_codes=["55000000"])
    BusinessFactory(name="Builder and caterer", sector_codes=["45000000", "55000000"])
    BusinessFactory(name="Cleaner", sector_codes=["90000000"])
    assert _names(Business.objects.with_sector_division(["55"])) == [
        "Builder and caterer",
        "Caterer",
    ]
    assert Business.objects.with_sector_division(["45", "55"]).count() == 2


def test_public_means_opted_in_and_active():
    BusinessFactory(name="Shown", public_profile=True)
    BusinessFactory(name="Private")
    BusinessFactory(name="Closed", public_profile=True, is_active=False)
    assert _names(Business.objects.public()) == ["Shown"]


def test_filters_chain():
    area = area_get(slug=EAST_BIRMINGHAM_SLUG)
    BusinessFactory(name="Local micro caterer", postcode="B33 8TH", staff_headcount=2)
    BusinessFactory(name="Local big caterer", postcode="B33 8TH", staff_headcount=300)
    BusinessFactory(name="Far micro caterer", postcode="CV1 1AA", staff_headcount=2)
    chained = Business.objects.active().in_area(area).micro().with_sector_division(["55"])
    assert _names(chained) == ["Local micro caterer"]
