import pytest
from django.db import IntegrityError

from places.models import FullPostcode, NamedAreaDistrict, PostcodeDistrict
from tests.places.factories import NamedAreaFactory

pytestmark = pytest.mark.django_db


def test_district_area_is_derived_from_its_code_when_left_empty():
    assert PostcodeDistrict.objects.create(code="EC1A").area == "EC"


def test_coordinates_must_come_in_pairs():
    with pytest.raises(IntegrityError):
        FullPostcode.objects.create(postcode="B9 4AA", district_code="B9", latitude=52.4)


def test_latitude_must_be_on_the_earth():
    with pytest.raises(IntegrityError):
        PostcodeDistrict.objects.create(code="B9", latitude=95, longitude=-1.8)


def test_a_district_is_listed_once_per_area():
    area = NamedAreaFactory()
    NamedAreaDistrict.objects.create(area=area, district_code="B9")
    with pytest.raises(IntegrityError):
        NamedAreaDistrict.objects.create(area=area, district_code="b9", is_fringe=True)
