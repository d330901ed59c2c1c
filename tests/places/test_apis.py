import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.places.factories import FullPostcodeFactory, PostcodeDistrictFactory

pytestmark = pytest.mark.django_db


def url(raw):
    return reverse("places-api:postcode-detail", kwargs={"postcode": raw})


def test_postcode_url_is_under_the_versioned_api():
    assert url("B9 4AA") == "/api/v1/places/postcodes/B9%204AA/"


def test_postcode_lookup_returns_parts_location_and_areas(django_assert_num_queries):
    FullPostcodeFactory(postcode="B9 4AA", latitude=52.4741, longitude=-1.8574)
    with django_assert_num_queries(2):
        response = APIClient().get(url("b94aa"))
    assert response.status_code == 200
    assert response.json() == {
        "postcode": "B9 4AA",
        "district": "B9",
        "sector": "B9 4",
        "area": "B",
        "latitude": 52.4741,
        "longitude": -1.8574,
        "precision": "postcode",
        "areas": [{"slug": "east-birmingham", "name": "East Birmingham", "membership": "core"}],
    }


def test_postcode_lookup_uses_the_district_centroid_for_an_unknown_postcode():
    PostcodeDistrictFactory(code="B5", latitude=52.4721, longitude=-1.89687)
    body = APIClient().get(url("B5 4ZZ")).json()
    assert (body["latitude"], body["precision"]) == (52.4721, "district")
    assert body["areas"][0]["membership"] == "fringe"


def test_unknown_valid_postcode_answers_200_with_null_location():
    body = APIClient().get(url("M1 1AA")).json()
    assert body["postcode"] == "M1 1AA"
    assert (body["latitude"], body["longitude"], body["precision"], body["areas"]) == (
        None,
        None,
        None,
        [],
    )


def test_invalid_postcode_answers_400_in_the_shared_error_shape():
    response = APIClient().get(url("B9 4"))
    assert response.status_code == 400
    assert response.json() == {
        "message": "Some of the values sent are not valid.",
        "extra": {"fields": {"postcode": ["Enter a full UK postcode, like B9 4AA"]}},
    }
