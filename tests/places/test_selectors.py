"""Locations, distances and named-area membership, with pinned query counts."""

import pytest

from places.areas import (
    EAST_BIRMINGHAM_CORE_DISTRICTS,
    EAST_BIRMINGHAM_FRINGE_DISTRICTS,
    EAST_BIRMINGHAM_SLUG,
    EAST_BIRMINGHAM_WARDS,
)
from places.models import NamedArea
from places.postcodes import InvalidPostcode, Postcode
from places.selectors import (
    AreaMembership,
    Location,
    area_contains,
    area_get,
    area_membership,
    area_memberships,
    areas_for_postcode,
    distance_km,
    locations_for,
    postcode_location,
)
from tests.places.factories import (
    FullPostcodeFactory,
    NamedAreaDistrictFactory,
    NamedAreaFactory,
    PostcodeDistrictFactory,
)

pytestmark = pytest.mark.django_db

BORDESLEY_GREEN = "E05011127"  # an East Birmingham ward
LADYWOOD = "E05011151"  # a Birmingham ward outside it


@pytest.fixture
def east_birmingham():
    return area_get(slug=EAST_BIRMINGHAM_SLUG)


def test_east_birmingham_is_built_in_with_its_districts_and_20_wards(east_birmingham):
    assert east_birmingham.built_in
    core = east_birmingham.districts.filter(is_fringe=False).values_list("district_code", flat=True)
    fringe = east_birmingham.districts.filter(is_fringe=True).values_list(
        "district_code", flat=True
    )
    assert set(core) == set(EAST_BIRMINGHAM_CORE_DISTRICTS)
    assert set(fringe) == set(EAST_BIRMINGHAM_FRINGE_DISTRICTS)
    assert set(east_birmingham.wards.values_list("ward_code", "ward_name")) == set(
        EAST_BIRMINGHAM_WARDS
    )
    assert east_birmingham.wards.count() == 20


def test_area_get_returns_none_for_an_unknown_slug():
    assert area_get(slug="atlantis") is None


def test_location_prefers_the_full_postcode(django_assert_num_queries):
    PostcodeDistrictFactory(code="B9", latitude=52.47, longitude=-1.85)
    FullPostcodeFactory(postcode="B9 4AA", latitude=52.474, longitude=-1.857)
    with django_assert_num_queries(1):
        location = postcode_location("b94aa")
    assert location == Location(52.474, -1.857, "postcode")


def test_location_falls_back_to_the_district_centroid(django_assert_num_queries):
    PostcodeDistrictFactory(code="B9", latitude=52.47, longitude=-1.85)
    FullPostcodeFactory(postcode="B9 4AB", latitude=None, longitude=None)
    with django_assert_num_queries(1):
        assert postcode_location(Postcode.parse("B9 4AB")) == Location(52.47, -1.85, "district")
    assert postcode_location("B9 5ZZ") == Location(52.47, -1.85, "district")
    assert postcode_location("B9") == Location(52.47, -1.85, "district")


def test_location_is_unknown_without_postcode_or_district():
    assert postcode_location("B9 4AA") is None


def test_non_geographic_district_centroid_is_not_a_location():
    PostcodeDistrictFactory(code="B99", latitude=52.49, longitude=-1.89, non_geographic=True)
    assert postcode_location("B99 1AA") is None
    FullPostcodeFactory(postcode="B99 1AA", latitude=52.5, longitude=-1.9)
    assert postcode_location("B99 1AA") == Location(52.5, -1.9, "postcode")


def test_selectors_refuse_invalid_postcodes():
    with pytest.raises(InvalidPostcode):
        postcode_location("B9 4")


def test_distance_between_two_postcodes_in_one_query(django_assert_num_queries):
    FullPostcodeFactory(postcode="B9 4AA", latitude=52.4741, longitude=-1.8574)
    PostcodeDistrictFactory(code="B33", latitude=52.4794, longitude=-1.7806)
    with django_assert_num_queries(1):
        distance = distance_km("B9 4AA", "B33 8TH")
    assert 4 < distance < 6
    assert distance_km("B9 4AA", "b9 4aa") == 0


def test_distance_is_unknown_when_either_location_is():
    FullPostcodeFactory(postcode="B9 4AA")
    assert distance_km("B9 4AA", "B33 8TH") is None


def test_locations_for_keys_by_normalised_input_and_leaves_out_unknown(django_assert_num_queries):
    FullPostcodeFactory(postcode="B9 4AA", latitude=52.4741, longitude=-1.8574)
    PostcodeDistrictFactory(code="B10", latitude=52.47, longitude=-1.85)
    with django_assert_num_queries(1):
        found = locations_for(["b94aa", "B10 0AA", "B10", "B33 8TH"])
    assert found == {
        "B9 4AA": Location(52.4741, -1.8574, "postcode"),
        "B10 0AA": Location(52.47, -1.85, "district"),
        "B10": Location(52.47, -1.85, "district"),
    }


def test_locations_for_many_postcodes_takes_one_query_per_2000(django_assert_num_queries):
    PostcodeDistrictFactory(code="B9", latitude=52.47, longitude=-1.85)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcodes = [f"B9 {digit}{a}{b}" for digit in range(10) for a in letters for b in letters]
    with django_assert_num_queries(2):
        assert len(locations_for(postcodes[:2100])) == 2100


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("B9 4AA", "core"),
        ("B33 8TH", "core"),
        ("B5 4AA", "fringe"),
        ("B1 1AA", None),
        ("B9", "core"),
    ],
)
def test_membership_by_district_when_the_ward_is_unknown(east_birmingham, postcode, expected):
    assert area_membership(east_birmingham, postcode) == expected
    assert area_contains(east_birmingham, postcode) is (expected is not None)


def test_membership_by_ward_is_exact_when_the_ward_is_known(east_birmingham):
    FullPostcodeFactory(postcode="B5 4AA", ward_code=BORDESLEY_GREEN)  # fringe district
    FullPostcodeFactory(postcode="B9 4AA", ward_code=LADYWOOD)  # core district
    assert area_membership(east_birmingham, "B5 4AA") == NamedArea.Membership.CORE
    assert area_membership(east_birmingham, "B9 4AA") is None


def test_membership_falls_back_to_districts_for_an_area_without_wards():
    area = NamedAreaFactory()
    NamedAreaDistrictFactory(area=area, district_code="B1", is_fringe=True)
    FullPostcodeFactory(postcode="B1 1AA", ward_code=LADYWOOD)
    assert area_membership(area, "B1 1AA") == "fringe"


def test_membership_is_one_query(east_birmingham, django_assert_num_queries):
    FullPostcodeFactory(postcode="B9 4AA", ward_code=BORDESLEY_GREEN)
    with django_assert_num_queries(1):
        assert area_membership(east_birmingham, "B9 4AA") == "core"


def test_areas_for_postcode_lists_each_area_holding_it(east_birmingham, django_assert_num_queries):
    other = NamedAreaFactory(name="Bordesley corridor", slug="bordesley")
    NamedAreaDistrictFactory(area=other, district_code="B9", is_fringe=True)
    NamedAreaDistrictFactory(area=NamedAreaFactory(), district_code="B1")
    with django_assert_num_queries(1):
        areas = areas_for_postcode("B9 4AA")
    assert areas == [
        AreaMembership("bordesley", "Bordesley corridor", "fringe"),
        AreaMembership(EAST_BIRMINGHAM_SLUG, "East Birmingham", "core"),
    ]


def test_area_memberships_in_bulk_match_the_single_lookup(
    east_birmingham, django_assert_num_queries
):
    FullPostcodeFactory(postcode="B5 4AA", ward_code=BORDESLEY_GREEN)
    FullPostcodeFactory(postcode="B9 4AA", ward_code=LADYWOOD)
    postcodes = ["B5 4AA", "B9 4AA", "B5 4AB", "B33 8TH", "B1 1AA", "b10"]
    with django_assert_num_queries(3):
        found = area_memberships(east_birmingham, postcodes)
    assert found == {"B5 4AA": "core", "B5 4AB": "fringe", "B33 8TH": "core", "B10": "core"}
    for postcode in postcodes:
        key = Postcode.parse(postcode).value if " " in postcode else postcode.upper()
        assert found.get(key) == area_membership(east_birmingham, postcode)
