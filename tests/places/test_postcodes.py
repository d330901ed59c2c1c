"""The Postcode value object: pure Python, no database."""

import pytest

from places.postcodes import (
    DISTRICT_MESSAGE,
    POSTCODE_MESSAGE,
    InvalidPostcode,
    Postcode,
    haversine_km,
    normalise_district,
    parse_postcode_or_district,
)


@pytest.mark.parametrize(
    "raw",
    ["B9 4AA", "b94aa", " B9  4AA ", "b9 4aa", "B9\t4AA", "b 9 4 a a", "B94AA\n", "B9\u00a04AA"],
)
def test_parse_normalises_case_and_whitespace(raw):
    assert Postcode.parse(raw).value == "B9 4AA"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("m11aa", "M1 1AA"),  # A9 9AA
        ("m601nw", "M60 1NW"),  # A99 9AA
        ("cr26xh", "CR2 6XH"),  # AA9 9AA
        ("dn551pt", "DN55 1PT"),  # AA99 9AA
        ("w1a1aa", "W1A 1AA"),  # A9A 9AA
        ("ec1a1bb", "EC1A 1BB"),  # AA9A 9AA
        ("gir0aa", "GIR 0AA"),
        ("B338TH", "B33 8TH"),
    ],
)
def test_parse_accepts_every_standard_format(raw, expected):
    assert Postcode.parse(raw).value == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        None,
        42,
        "B9",  # a district alone
        "B9 4",  # a sector
        "B9-4AA",  # only whitespace and case are forgiven
        "B9 4CA",  # C never appears in the inward code
        "B9 4AI",
        "B9 4KM",
        "B9 4OV",
        "99 4AA",
        "B9 AAA",
        "ABC9 4AA",
        "B9A9 4AA",
        "B9 4AAA",
        "B\u0669 4AA",  # an Arabic-Indic digit is not a digit here
    ],
)
def test_parse_refuses_what_is_not_a_full_uk_postcode(raw):
    with pytest.raises(InvalidPostcode) as caught:
        Postcode.parse(raw)
    assert caught.value.message == POSTCODE_MESSAGE == "Enter a full UK postcode, like B9 4AA"
    assert isinstance(caught.value, ValueError)


def test_parts_of_a_postcode():
    postcode = Postcode.parse("b94aa")
    assert (postcode.value, str(postcode)) == ("B9 4AA", "B9 4AA")
    assert postcode.outward == postcode.district == "B9"
    assert postcode.inward == "4AA"
    assert postcode.sector == "B9 4"
    assert postcode.area == "B"


def test_parts_of_a_two_letter_area_postcode():
    postcode = Postcode.parse("ec1a1bb")
    assert (postcode.district, postcode.sector, postcode.area) == ("EC1A", "EC1A 1", "EC")


def test_postcodes_are_equal_and_hash_by_value():
    assert Postcode.parse("b94aa") == Postcode.parse("B9 4AA")
    assert len({Postcode.parse("b94aa"), Postcode.parse(" B9 4AA")}) == 1


def test_postcode_is_immutable():
    postcode = Postcode.parse("B9 4AA")
    with pytest.raises(AttributeError):
        postcode.value = "B10 0AA"


def test_constructor_refuses_an_unnormalised_value():
    with pytest.raises(InvalidPostcode):
        Postcode("b94aa")


@pytest.mark.parametrize(("raw", "expected"), [("b9", "B9"), (" b10\t", "B10"), ("ec1a", "EC1A")])
def test_normalise_district_accepts_outward_codes(raw, expected):
    assert normalise_district(raw) == expected


@pytest.mark.parametrize("raw", ["", "B", "9", "B9 4AA", "B9 4", "b 10", "B999", "B9-", None])
def test_normalise_district_refuses_anything_else_with_a_clear_message(raw):
    with pytest.raises(InvalidPostcode) as caught:
        normalise_district(raw)
    assert caught.value.message == DISTRICT_MESSAGE == "Enter a UK postcode district, like B9"


def test_parse_postcode_or_district_returns_a_postcode_or_a_district():
    assert parse_postcode_or_district("b94aa") == Postcode("B9 4AA")
    assert parse_postcode_or_district("b9") == "B9"
    with pytest.raises(InvalidPostcode, match="postcode district"):
        parse_postcode_or_district("B9 4")


def test_haversine_is_zero_for_one_point_and_symmetric():
    assert haversine_km(52.48, -1.89, 52.48, -1.89) == 0
    there = haversine_km(52.48, -1.89, 52.49, -1.78)
    back = haversine_km(52.49, -1.78, 52.48, -1.89)
    assert there == pytest.approx(back)


def test_haversine_matches_a_known_distance():
    # London (51.5074, -0.1278) to Birmingham (52.4862, -1.8904) is about 163 km.
    assert haversine_km(51.5074, -0.1278, 52.4862, -1.8904) == pytest.approx(163, abs=1)
