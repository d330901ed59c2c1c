"""Which local authorities a location reservation admits (pure, no database)."""

import pytest

from places.authorities import (
    COUNTY_AUTHORITIES,
    authorities_in,
    authorities_in_and_bordering,
    county_of,
    describe,
    local_authority_name,
)

WEST_MIDLANDS = {
    "Birmingham",
    "Coventry",
    "Dudley",
    "Sandwell",
    "Solihull",
    "Walsall",
    "Wolverhampton",
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Birmingham ", "Birmingham"),  # the district file pads some names
        ("birmingham", "Birmingham"),
        ("  Telford   and  Wrekin ", "Telford and Wrekin"),
        ("Bromsgrove Worcestershire", "Bromsgrove"),  # authority then county
        ("Stafford Borough", "Stafford"),
        ("Staffordshire Moorlands", "Staffordshire Moorlands"),  # not "Stafford"
        ("East Staffordshire", "East Staffordshire"),
        ("Leeds ", "Leeds"),  # unknown: stands for itself, stripped
        ("", ""),
    ],
)
def test_local_authority_name_is_canonical(raw, expected):
    assert local_authority_name(raw) == expected


def test_every_authority_belongs_to_exactly_one_county():
    seen = [name for names in COUNTY_AUTHORITIES.values() for name in names]
    assert len(seen) == len(set(seen))
    assert county_of("Solihull") == "West Midlands"
    assert county_of("Redditch") == "Worcestershire"
    assert county_of("Bromsgrove Worcestershire") == "Worcestershire"
    assert county_of("Leeds") is None


def test_a_county_is_made_of_its_authorities():
    assert authorities_in("West Midlands") == WEST_MIDLANDS
    assert authorities_in(" west  midlands ") == WEST_MIDLANDS
    assert "Stoke-on-Trent" in authorities_in("Staffordshire")


@pytest.mark.parametrize(
    "alias", ["West Midlands Combined Authority", "WMCA", "west midlands combined authority area"]
)
def test_the_combined_authority_is_the_metropolitan_county(alias):
    assert authorities_in(alias) == WEST_MIDLANDS


def test_an_authority_stands_for_itself():
    assert authorities_in("Birmingham") == {"Birmingham"}
    assert authorities_in("Bromsgrove Worcestershire") == {"Bromsgrove"}
    assert authorities_in("Leeds") == {"Leeds"}  # outside our coverage, still usable


def test_no_area_admits_nobody():
    assert authorities_in("") == frozenset()
    assert authorities_in("   ") == frozenset()
    assert authorities_in_and_bordering("") == frozenset()


def test_birmingham_and_bordering_counties():
    found = authorities_in_and_bordering("Birmingham")
    assert found >= WEST_MIDLANDS
    assert {"Lichfield", "Bromsgrove", "Warwick", "Stoke-on-Trent"} <= found
    assert not {"Shropshire", "Telford and Wrekin", "Herefordshire"} & found
    assert len(found) == 7 + 9 + 5 + 6


def test_a_county_and_its_bordering_counties():
    found = authorities_in_and_bordering("Herefordshire")
    assert found == set(
        COUNTY_AUTHORITIES["Herefordshire"]
        + COUNTY_AUTHORITIES["Shropshire"]
        + COUNTY_AUTHORITIES["Worcestershire"]
    )
    assert "Birmingham" not in found


def test_bordering_is_never_narrower_than_the_area_itself():
    for name in ["Birmingham", "West Midlands", "WMCA", "Worcestershire", "Leeds", "Redditch"]:
        assert authorities_in(name) <= authorities_in_and_bordering(name)
    assert authorities_in_and_bordering("Leeds") == {"Leeds"}


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ([], ""),
        (["Birmingham"], "Birmingham"),
        (["Solihull", "Birmingham"], "Birmingham and Solihull"),
        (["Solihull", "Birmingham", "Dudley"], "Birmingham, Dudley and Solihull"),
        (sorted(WEST_MIDLANDS), "Birmingham, Coventry and 5 more"),
    ],
)
def test_describe_lists_a_few_names_in_order(names, expected):
    assert describe(names) == expected
    assert describe(frozenset(names)) == expected


def test_a_name_that_is_both_council_and_county_reads_as_the_council_for_an_authority_area():
    assert authorities_in("Shropshire", authority_first=True) == {"Shropshire"}
    assert authorities_in("Shropshire") == {"Shropshire", "Telford and Wrekin"}
