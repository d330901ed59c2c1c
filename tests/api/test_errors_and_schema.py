"""Bad input of every kind gets a 4xx in the one error shape, never a 500 or a partial write;
the schema validates without a warning and documents that shape on every operation."""

import json
import re

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

from anchors.models import Contract
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"message", "extra"}
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_malformed_json_is_a_400(world):
    response = client_for(world.officer).generic(
        "POST", "/api/v1/contracts/", "{not json", content_type="application/json"
    )
    body = assert_error_shape(response, 400)
    assert body["message"].startswith("JSON parse error")


@pytest.mark.parametrize("payload", ["[]", '"text"', "3", "null"])
def test_a_body_that_is_not_an_object_is_a_400(world, payload):
    response = client_for(world.officer).generic(
        "POST", "/api/v1/contracts/", payload, content_type="application/json"
    )
    assert_error_shape(response, 400)


def test_a_body_that_is_not_json_is_a_415(world):
    response = client_for(world.officer).post(
        "/api/v1/contracts/", {"title": "x"}, format="multipart"
    )
    body = assert_error_shape(response, 415)
    assert "multipart/form-data" in body["message"]


def test_an_oversized_body_is_a_413_and_writes_nothing(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"title": "Office cleaning", "description": "x" * 2000})
    response = client_for(world.officer).generic(
        "POST", "/api/v1/contracts/", body, content_type="application/json"
    )
    payload = assert_error_shape(response, 413)
    assert payload["message"] == "The request body is larger than the 1,000 bytes this API accepts."
    assert not Contract.objects.filter(title="Office cleaning").exists()


def test_a_method_an_operation_does_not_take_is_a_405(world):
    response = client_for(world.officer).delete("/api/v1/contracts/")
    body = assert_error_shape(response, 405)
    assert body["message"] == 'Method "DELETE" not allowed.'


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here/", "/api/v1/opportunities", "/api/v1/contracts/0/"]
)
def test_unknown_api_addresses_are_a_404_in_the_shape(world, path):
    body = assert_error_shape(APIClient().post(path), 404)
    assert body["message"].startswith("There is no API operation at this address.")


def test_accept_other_than_json_is_a_406(world):
    response = APIClient().get("/api/v1/opportunities/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406


def test_anonymous_clients_are_throttled(world, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    client = APIClient()
    for _ in range(3):
        assert client.get("/api/v1/opportunities/").status_code == 200
    body = assert_error_shape(client.get("/api/v1/opportunities/"), 429)
    assert body["message"].startswith("Request was throttled.")
    assert 0 < body["extra"]["wait"] <= 60
    # Signed-in clients are not counted as anonymous.
    assert client_for(world.supplier).get("/api/v1/opportunities/").status_code == 200


def test_nested_field_errors_are_flattened_to_dotted_paths(world):
    response = client_for(world.officer).post(
        f"/api/v1/contracts/{world.draft.pk}/split/",
        {"plan": "lots", "lots": [{"title": "A", "value": "1"}, {"value": "x"}]},
        format="json",
    )
    fields = assert_error_shape(response, 400)["extra"]["fields"]
    assert set(fields) == {"lots.1.title", "lots.1.value"}
    assert all(isinstance(messages, list) for messages in fields.values())


def test_a_number_or_boolean_where_text_is_expected_is_a_400(world):
    client = client_for(world.officer)
    response = client.post(
        f"/api/v1/contracts/{world.draft.pk}/split/",
        {"plan": "lots", "lots": [{"title": 7, "value": "30000"}, {"title": "B", "value": "1"}]},
        format="json",
    )
    fields = assert_error_shape(response, 400)["extra"]["fields"]
    assert fields == {"lots.0.title": ["Enter text (a JSON string), not a number, true or false."]}
    assert world.draft.lots.count() == 1

    response = client.post(
        f"/api/v1/interests/{world.interest.pk}/decline/", {"note": 0}, format="json"
    )
    assert list(assert_error_shape(response, 400)["extra"]["fields"]) == ["note"]
    world.interest.refresh_from_db()
    assert world.interest.status == "registered"


def test_too_many_query_parameters_is_a_400_in_the_shape(world, settings):
    """Django refuses the parameters before DRF sees them; the 400 is still the API's shape."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    query = "&".join(f"q{n}=x" for n in range(60))
    body = assert_error_shape(APIClient().get(f"/api/v1/opportunities/?{query}"), 400)
    assert body["message"] == (
        "The request has too many query parameters or form fields: send at most 50."
    )


def test_an_unexpected_error_under_the_api_is_a_500_in_the_shape(world, monkeypatch):
    from opportunities import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(selectors, "opportunity_search", broken)
    client = APIClient(raise_request_exception=False)
    body = assert_error_shape(client.get("/api/v1/opportunities/"), 500)
    assert body["message"] == "Sorry, there is a problem with the service. Try again later."
    assert "database" not in body["message"]


def test_web_pages_keep_their_html_error_pages(world, settings, client):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    query = "&".join(f"q{n}=x" for n in range(60))
    response = client.get(f"/opportunities/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Something in the request was not right" in response.content.decode()


# The schema ---------------------------------------------------------------------------------


def test_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert target.stat().st_size > 0


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_describes_every_api_operation(schema):
    operations = {
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    }
    assert {
        ("GET", "/api/v1/opportunities/"),
        ("GET", "/api/v1/opportunities/{id}/"),
        ("POST", "/api/v1/auth/token/"),
        ("DELETE", "/api/v1/auth/token/"),
        ("GET", "/api/v1/contracts/"),
        ("POST", "/api/v1/contracts/"),
        ("PATCH", "/api/v1/contracts/{id}/"),
        ("POST", "/api/v1/contracts/{id}/split/"),
        ("POST", "/api/v1/contracts/{id}/publish/"),
        ("POST", "/api/v1/contracts/{id}/cancel/"),
        ("GET", "/api/v1/lots/{id}/"),
        ("PATCH", "/api/v1/lots/{id}/"),
        ("GET", "/api/v1/businesses/"),
        ("POST", "/api/v1/businesses/"),
        ("PATCH", "/api/v1/businesses/{id}/"),
        ("GET", "/api/v1/interests/"),
        ("POST", "/api/v1/interests/"),
        ("POST", "/api/v1/interests/{id}/withdraw/"),
        ("POST", "/api/v1/interests/{id}/shortlist/"),
        ("POST", "/api/v1/interests/{id}/decline/"),
        ("GET", "/api/v1/matches/"),
        ("GET", "/api/v1/events/"),
        ("GET", "/api/v1/events/{id}/"),
        ("GET", "/api/v1/registrations/"),
        ("POST", "/api/v1/registrations/"),
        ("GET", "/api/v1/registrations/{id}/"),
        ("PATCH", "/api/v1/registrations/{id}/"),
        ("POST", "/api/v1/registrations/{id}/cancel/"),
    } <= operations


def test_every_operation_documents_the_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            for code, response in responses.items():
                if code.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == error


def test_public_list_documents_its_filters_and_throttling(schema):
    operation = schema["paths"]["/api/v1/opportunities/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {
        "q", "cpv", "district", "area", "hyper_local", "reserved", "value_min", "value_max",
        "closing_after", "closing_before", "sort", "page", "page_size",
    }  # fmt: skip
    assert {"400", "404", "429"} <= set(operation["responses"])
    assert "403" not in operation["responses"]


def test_the_docs_page_serves_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/api/schema/" in html
    assert "cdn." not in html and "//unpkg" not in html
    scripts = re.findall(r'src="([^"]+swagger-ui[^"]*\.js)"', html)
    assert scripts, "Swagger UI's script is not on the page"
    for src in scripts:
        assert src.startswith("/static/drf_spectacular_sidecar/")
        asset = client.get(src)
        assert asset.status_code == 200
        assert b"".join(asset.streaming_content if asset.streaming else [asset.content])
