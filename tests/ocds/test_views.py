"""GET /ocds/releases.json: the public OCDS feed, its filter, caching headers and query count."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from anchors.services.contracts import contract_amend
from ocds import schema
from tests.anchors.factories import officer_of
from tests.matching.factories import award_lot, cancel_lot, open_lot
from tests.ocds.test_releases import a_contract_in_every_state, published_contract
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db

URL = "/ocds/releases.json"


def test_the_feed_lives_at_the_documented_address():
    assert reverse("ocds:releases") == URL


@pytest.mark.usefixtures("ocds_schema")
def test_anyone_gets_a_valid_release_package_of_the_published_contracts(client, settings):
    settings.SITE_URL = "https://locallots.example"
    contracts = a_contract_in_every_state()

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    package = response.json()
    errors = [error.message for error in schema.release_package_validator().iter_errors(package)]
    assert errors == []
    assert package["uri"] == "https://locallots.example/ocds/releases.json"
    assert package["version"] == "1.1"
    assert package["license"] == (
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    )
    assert package["publicationPolicy"]
    assert package["publisher"]["name"] == "LocalLots"
    assert (
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
        "master/extension.json"
    ) in package["extensions"]
    assert sorted(release["tender"]["id"] for release in package["releases"]) == sorted(
        str(contract.pk) for contract in contracts
    )
    assert package["publishedDate"] == max(release["date"] for release in package["releases"])


def test_publisher_licence_and_policy_come_from_settings(client, settings):
    published_contract()
    settings.OCDS = {
        **settings.OCDS,
        "PUBLISHER_NAME": "Birmingham Anchor Network",
        "PUBLISHER_URI": "https://anchors.example/",
        "PUBLICATION_POLICY": "https://anchors.example/open-data/",
    }
    package = client.get(URL).json()
    assert package["publisher"] == {
        "name": "Birmingham Anchor Network",
        "uri": "https://anchors.example/",
    }
    assert package["publicationPolicy"] == "https://anchors.example/open-data/"


def test_with_nothing_published_the_package_is_empty_and_dated_now(client):
    open_lot(published=False)
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        package = client.get(URL).json()
    assert package["releases"] == []
    assert package["publishedDate"] == now.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize("count", [1, 4])
def test_the_feed_uses_a_fixed_number_of_queries(count, client, django_assert_num_queries):
    for _ in range(count):
        award_lot(open_lot(reservation_suppliers="sme"), BusinessFactory())
        award_lot(published_contract().lots.get(number=1))  # an outside supplier
    amended = open_lot().contract
    contract_amend(
        actor=officer_of(amended.institution), contract=amended, reason="Typo.", title="New"
    )
    cancel_lot(open_lot())
    # contracts + institutions, contract CPV codes, lots + awards + businesses, lot CPV codes,
    # amendments
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert len(response.json()["releases"]) == 2 * count + 2


@pytest.mark.usefixtures("ocds_schema")
def test_since_filters_by_the_last_change(client):
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=10), tick=False):
        published_contract()
    with time_machine.travel(start - timedelta(days=1), tick=False):
        recent = published_contract()

    since = (start - timedelta(days=2)).date().isoformat()
    package = client.get(URL, {"since": since}).json()

    assert [release["tender"]["id"] for release in package["releases"]] == [str(recent.pk)]
    uri = urlsplit(package["uri"])
    assert uri.path == URL
    published_since = datetime.fromisoformat(parse_qs(uri.query)["since"][0])
    assert published_since == timezone.make_aware(datetime.fromisoformat(since))
    errors = list(schema.release_package_validator().iter_errors(package))
    assert errors == []


def test_since_accepts_a_date_time_with_a_zone(client):
    published_contract()
    response = client.get(URL, {"since": "2000-01-01T09:30:00+01:00"})
    assert response.status_code == 200
    assert len(response.json()["releases"]) == 1
    assert client.get(URL, {"since": ""}).status_code == 200


@pytest.mark.parametrize(
    "since",
    ["yesterday", "2026-13-01", "2026-02-30", "2026-01-01T25:00", "9999-12-31T23:59:59-14:00"],
)
def test_a_bad_since_is_a_400_with_the_error_shape(client, since):
    response = client.get(URL, {"since": since})
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Some of the values sent are not valid."
    assert body["extra"]["fields"]["since"][0].startswith("Give since as a date (2026-03-01)")


def test_responses_can_be_revalidated_with_etag_and_last_modified(client):
    published_contract()
    first = client.get(URL)
    assert first["ETag"]
    assert first["Last-Modified"]
    assert "public" in first["Cache-Control"]

    again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    published_contract(title="Another contract")
    changed = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_the_feed_is_read_only(client):
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200


def test_the_publication_policy_page_links_the_feed_and_licence(client, settings):
    response = client.get("/ocds/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/ocds/releases.json"' in html
    assert settings.OCDS["LICENSE"] in html
    assert settings.OCDS["PUBLICATION_POLICY"].endswith("/ocds/")
