import pytest
from django.urls import reverse

SEARCH_URL = "/api/v1/sectors/cpv/"


def test_search_urls_are_named():
    assert reverse("sectors-api:cpv-search") == SEARCH_URL
    assert reverse("sectors-api:cpv-detail", args=["55520000"]) == SEARCH_URL + "55520000/"


def test_search_returns_matches_best_first_with_the_total_count(
    client, catering_tree, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the page of results, and the count
        response = client.get(SEARCH_URL, {"q": "catering", "limit": 2})

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "code": "55520000",
                "check_digit": "1",
                "label": "Catering services",
                "level": 3,
                "parent": "55500000",
            },
            {
                "code": "55521000",
                "check_digit": "8",
                "label": "Catering services for private households",
                "level": 4,
                "parent": "55520000",
            },
        ],
        "count": 5,
    }


def test_search_by_code_prefix(client, catering_tree):
    response = client.get(SEARCH_URL, {"q": "555231"})
    assert [r["code"] for r in response.json()["results"]] == ["55523100"]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "c"}, {"q": "  c "}])
def test_search_needs_at_least_two_characters(client, db, params):
    response = client.get(SEARCH_URL, params)

    assert response.status_code == 400
    assert response.json() == {
        "message": "Some of the values sent are not valid.",
        "extra": {
            "fields": {
                "q": ["Type at least 2 characters of a word or a code, like catering or 5552."]
            }
        },
    }


def test_search_refuses_a_limit_above_100(client, db):
    response = client.get(SEARCH_URL, {"q": "catering", "limit": 101})
    assert response.status_code == 400
    assert "limit" in response.json()["extra"]["fields"]


def test_search_is_open_to_anonymous_users_and_finds_nothing_politely(client, db):
    response = client.get(SEARCH_URL, {"q": "zzzz"})
    assert response.json() == {"results": [], "count": 0}


def test_detail_returns_one_code_with_its_ancestors_and_children(
    client, catering_tree, django_assert_num_queries
):
    with django_assert_num_queries(3):
        response = client.get(SEARCH_URL + "55520000-1/")

    assert response.status_code == 200
    assert response.json() == {
        "code": "55520000",
        "check_digit": "1",
        "label": "Catering services",
        "level": 3,
        "parent": "55500000",
        "division": "55",
        "ancestors": [
            {"code": "55000000", "label": "Hotels, restaurants, catering and retail"},
            {"code": "55500000", "label": "Canteen and catering services"},
        ],
        "children": [
            {"code": "55521000", "label": "Catering services for private households"},
            {
                "code": "55523000",
                "label": "Catering services for other enterprises or other institutions",
            },
        ],
    }


def test_detail_of_an_unknown_code_is_404(client, db):
    response = client.get(SEARCH_URL + "55529999/")
    assert response.status_code == 404
    assert response.json() == {"message": "There is no CPV code 55529999.", "extra": {}}


def test_detail_of_a_malformed_code_is_400_naming_the_rule(client, db):
    response = client.get(SEARCH_URL + "5552/")
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["code"] == [
        "'5552' is not a CPV code. CPV codes have 8 digits, like 45000000 or 45000000-7."
    ]


def test_api_schema_documents_the_cpv_endpoints(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"] if "json" in response["Content-Type"] else None
    text = response.content.decode()
    assert "/api/v1/sectors/cpv/" in (paths or text)
    assert "CpvSearchResults" in text
