"""Imported opportunities are shown like any other, marked with their source: in the search
results, on the opportunity page (with their suitability and region) and in the API."""

import re

import pytest
from django.urls import reverse

from anchors.models import Lot
from ocds.models import ImportedLotDetails
from tests.matching.factories import open_lot
from tests.ocds.test_importer import OCID, a_release, run

pytestmark = pytest.mark.django_db

SEARCH = reverse("opportunities:search")
API = "/api/v1/opportunities/"
NOTICE = "https://www.contractsfinder.service.gov.uk/Notice/11111111-2222-3333-4444-555555555555"
OPEN_UNTIL = {"endDate": "2099-01-01T12:00:00Z"}
REGION_ONLY = [{"id": "1", "deliveryAddresses": [{"region": "West Midlands"}]}]


def imported_lot(*, number: int = 0, **changes) -> Lot:
    release = a_release(tender__tenderPeriod=OPEN_UNTIL, **changes)
    if number:
        release.update(ocid=f"{OCID}-{number}", id=f"release-{number}")
    run(release)
    return Lot.objects.filter(contract__ocid=release["ocid"]).get()


def words(html: str) -> str:
    """The page's text, tags removed and spaces collapsed: what a screen reader reads out."""
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return text.replace("( ", "(").replace(" )", ")")


def detail(client, lot) -> str:
    response = client.get(reverse("opportunities:detail", args=[lot.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- Search results -----------------------------------------------------------------------


def test_search_results_mark_an_imported_opportunity_with_its_source_and_link(client):
    imported = imported_lot()
    open_lot()
    html = client.get(SEARCH).content.decode()
    assert html.count("From Contracts Finder") == 1
    assert f'href="{NOTICE}"' in html
    # The link says which notice it opens, for screen readers and link lists.
    assert "read the original notice for School meals on Contracts Finder" in words(html)
    assert f'href="/opportunities/{imported.pk}/"' in html


def test_search_results_give_the_region_when_the_notice_has_no_postcode(client):
    imported_lot(tender__items=REGION_ONLY)
    text = words(client.get(SEARCH).content.decode())
    assert "Delivered in West Midlands (the notice gives no postcode)" in text
    assert "Delivered in Postcode district" not in text


def test_an_imported_notice_without_a_link_still_says_where_it_came_from(client):
    imported_lot(ocid="ocds-h6vhtk-abc", id="not-a-notice-id", tender__documents=[])
    html = client.get(SEARCH).content.decode()
    assert "From Find a Tender" in html
    assert "read the original notice" not in html


@pytest.mark.parametrize("count", [1, 12])
def test_search_query_count_is_unchanged_by_imported_opportunities(
    client, django_assert_num_queries, count
):
    for number in range(1, count + 1):
        imported_lot(number=number)
    open_lot()
    # As tests/opportunities pins it: count, page of lots (with what the import says, joined),
    # their codes, and the named areas for the select.
    with django_assert_num_queries(4):
        response = client.get(SEARCH)
    assert response.context["count"] == count + 1
    assert response.content.decode().count("From Contracts Finder") == count


# --- The opportunity page -----------------------------------------------------------------


def test_the_page_shows_source_suitability_and_region_of_an_imported_notice(client):
    lot = imported_lot(tender__items=REGION_ONLY, tender__suitability={"sme": True, "vcse": True})
    html = detail(client, lot)
    text = words(html)
    assert '<strong class="govuk-tag govuk-tag--grey">From Contracts Finder</strong>' in html
    assert "Source From Contracts Finder (read the original notice on Contracts Finder)" in text
    assert f'href="{NOTICE}"' in html
    assert "Suitability Suitable for SMEs Suitable for VCSEs" in text
    assert "This is advice, not a reservation." in text
    assert "Where it is delivered West Midlands (the notice gives no postcode)" in text
    # Suitability is not a reservation: anyone may still register interest.
    assert "Open to all suppliers" in text


def test_the_page_shows_only_the_suitability_the_notice_states(client):
    lot = imported_lot(tender__suitability={"sme": True, "vcse": False})
    text = words(detail(client, lot))
    assert "Suitable for SMEs" in text and "Suitable for VCSEs" not in text
    assert "Where it is delivered B9 4AA" in text


def test_a_notice_without_postcode_or_region_says_so(client):
    lot = imported_lot(tender__items=[])
    assert "Where it is delivered Not published" in words(detail(client, lot))


def test_our_own_lots_carry_no_source_mark_or_suitability(client):
    text = words(detail(client, open_lot()))
    assert "From LocalLots" not in text and "Suitability" not in text and "Source" not in text


def test_the_page_of_an_imported_lot_keeps_the_pinned_query_count(
    client, django_assert_num_queries
):
    lot = imported_lot(tender__items=REGION_ONLY)
    # As tests/opportunities pins it: the lot (with contract, buyer, award and what the
    # import says), its codes, certifications, published questions.
    with django_assert_num_queries(4):
        client.get(reverse("opportunities:detail", args=[lot.pk]))


# --- The API ------------------------------------------------------------------------------


def test_the_api_gives_the_source_suitability_and_region_of_an_imported_opportunity(client):
    lot = imported_lot(tender__items=REGION_ONLY, tender__suitability={"sme": True})
    listed = client.get(API).json()["results"][0]
    shown = client.get(f"{API}{lot.pk}/").json()
    for body in (listed, shown):
        assert body["suitability"] == {"sme": True, "vcse": None}
        assert body["delivery_region"] == "West Midlands"
        assert body["contract"]["source"] == "contracts_finder"
        assert body["contract"]["source_url"] == NOTICE


def test_the_api_gives_null_suitability_and_region_for_our_own_lots(client):
    lot = open_lot()
    body = client.get(f"{API}{lot.pk}/").json()
    assert (body["suitability"], body["delivery_region"]) == (None, None)
    assert (body["contract"]["source"], body["contract"]["source_url"]) == ("locallots", "")


def test_the_api_list_query_count_is_unchanged_by_imported_opportunities(
    client, django_assert_num_queries
):
    for number in range(1, 6):
        imported_lot(number=number)
    with django_assert_num_queries(3):  # count, page (with what the import says), codes
        response = client.get(API, {"page_size": 4})
    assert [row["suitability"] for row in response.json()["results"]] == [
        {"sme": True, "vcse": False}
    ] * 4


def test_the_schema_documents_the_new_fields_as_read_only(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    properties = schema["components"]["schemas"]["Opportunity"]["properties"]
    assert properties["suitability"]["readOnly"] is True
    assert properties["delivery_region"]["readOnly"] is True
    assert set(schema["components"]["schemas"]["OpportunitySuitability"]["properties"]) == {
        "sme",
        "vcse",
    }


def test_a_later_release_updates_what_the_page_shows(client):
    lot = imported_lot(tender__suitability={"sme": True})
    later = a_release(
        id="amended-2",
        date="2025-02-01T00:00:00Z",
        tender__tenderPeriod=OPEN_UNTIL,
        tender__suitability={"sme": False, "vcse": True},
    )
    assert run(later).lines[0].outcome == "updated"
    details = ImportedLotDetails.objects.get(lot=lot)
    assert (details.suitable_for_sme, details.suitable_for_vcse) == (False, True)
    text = words(detail(client, lot))
    assert "Suitable for VCSEs" in text and "Suitable for SMEs" not in text
