"""The OCDS import: reading files, mapping messy releases, and upserting opportunities."""

import copy
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from anchors.models import Award, Contract, Institution, Lot
from ocds.importer import (
    BrokenFile,
    ReleaseSkipped,
    parse_release,
    releases_from_text,
)
from ocds.models import ImportedRelease
from ocds.readers import RawRelease
from ocds.services import ocds_import_releases
from tests.sectors.factories import CpvCodeFactory

OCID = "ocds-b5fd17-11111111-2222-3333-4444-555555555555"


def a_release(**changes) -> dict:
    """A small Contracts Finder-style release; ``changes`` replace top-level keys, and
    ``tender__x`` replaces ``tender["x"]``."""
    release = {
        "ocid": OCID,
        "id": "11111111-2222-3333-4444-555555555555-100001",
        "date": "2025-01-23T10:00:00Z",
        "tag": ["tender"],
        "buyer": {"id": "GB-CFS-1", "name": "Birmingham City Council"},
        "tender": {
            "title": "School meals",
            "description": "Hot lunches.",
            "status": "active",
            "classification": {"scheme": "CPV", "id": "55000000"},
            "items": [{"id": "1", "deliveryAddresses": [{"postalCode": "B9 4AA"}]}],
            "value": {"amount": 40000, "currency": "GBP"},
            "tenderPeriod": {"endDate": "2025-02-24T14:00:00Z"},
            "suitability": {"sme": True, "vcse": False},
            "documents": [
                {
                    "documentType": "tenderNotice",
                    "url": "https://www.contractsfinder.service.gov.uk/Notice/11111111-2222-3333-4444-555555555555",
                }
            ],
        },
    }
    for key, value in changes.items():
        if key.startswith("tender__"):
            release["tender"][key.removeprefix("tender__")] = value
        else:
            release[key] = value
    return release


def run(*releases, name="test.json"):
    raws = [RawRelease(f"releases[{i}]", copy.deepcopy(r)) for i, r in enumerate(releases)]
    return ocds_import_releases(releases=raws, source_name=name)


def parsed(release):
    """Parse a release the way a file is read (numbers as Decimal)."""
    return parse_release(releases_from_text(json.dumps(release))[0].data)


# --- Readers ------------------------------------------------------------------------------


def test_reader_finds_releases_in_a_release_package_with_their_positions():
    text = json.dumps({"releases": [a_release(), a_release(id="2")]})
    assert [r.position for r in releases_from_text(text)] == ["releases[0]", "releases[1]"]


def test_reader_takes_the_compiled_release_of_a_record_else_each_release():
    text = json.dumps(
        {
            "records": [
                {"ocid": OCID, "compiledRelease": a_release(), "releases": [{"url": "x"}]},
                {"ocid": "ocds-x-2", "releases": [a_release(id="a"), a_release(id="b")]},
            ]
        }
    )
    positions = [r.position for r in releases_from_text(text)]
    assert positions == [
        "records[0].compiledRelease",
        "records[1].releases[0]",
        "records[1].releases[1]",
    ]


def test_reader_accepts_a_plain_array_and_json_lines_with_line_numbers():
    assert len(releases_from_text(json.dumps([a_release(), a_release(id="2")]))) == 2
    lines = json.dumps(a_release()) + "\n\n" + json.dumps({"releases": [a_release(id="2")]})
    assert [r.position for r in releases_from_text(lines)] == ["line 1", "line 3 releases[0]"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ('{"releases": [', "Not valid JSON"),
        ('{"name": "a spreadsheet"}', "not OCDS"),
        ("42", "not OCDS"),
        (json.dumps(a_release()) + "\n{broken", "Line 2 is not valid JSON"),
    ],
)
def test_a_file_that_is_not_ocds_is_broken_with_a_clear_message(text, message):
    with pytest.raises(BrokenFile) as caught:
        releases_from_text(text)
    assert message.lower() in caught.value.message.lower()


# --- Mapping messy data -------------------------------------------------------------------


def test_html_entities_are_unescaped_and_line_ends_normalised():
    notice = parsed(
        a_release(
            tender__title="St Bede&apos;s &amp; St Mary&#39;s",
            tender__description="First line \r\n      second line\r\n\r\n\r\n\r\nlast",
        )
    )
    assert notice.title == "St Bede's & St Mary's"
    assert notice.description == "First line\nsecond line\n\nlast"


def test_an_unspaced_postcode_is_normalised():
    items = [{"id": "1", "deliveryAddresses": [{"postalCode": "b152tt"}]}]
    assert parsed(a_release(tender__items=items)).lots[0].postcode == "B15 2TT"


def test_a_malformed_postcode_is_left_out_with_a_note_and_the_region_kept():
    items = [
        {"id": "1", "deliveryAddresses": [{"postalCode": "Brum"}, {"region": "West Midlands"}]}
    ]
    notice = parsed(a_release(tender__items=items))
    assert notice.lots[0].postcode == ""
    assert notice.lots[0].region == "West Midlands"
    assert any("'Brum' is not a UK postcode" in note for note in notice.notes)


@pytest.mark.parametrize(
    "amount",
    ["1e9999", "NaN", "Infinity", "-5000", "0", '"lots"', "true"],
)
def test_an_unusable_value_is_reported_and_left_out(amount):
    text = json.dumps(a_release()).replace('"amount": 40000', f'"amount": {amount}')
    notice = parse_release(releases_from_text(text)[0].data)
    assert notice.value is None
    assert notice.lots[0].value is None
    assert any("tender value" in note for note in notice.notes)


def test_a_value_in_another_currency_is_not_taken_as_pounds():
    notice = parsed(a_release(tender__value={"amount": 1000, "currency": "EUR"}))
    assert notice.value is None
    assert any("EUR" in note for note in notice.notes)


def test_the_notice_link_comes_from_the_tender_notice_document_or_the_release_id():
    assert parsed(a_release()).source_url.endswith("/Notice/11111111-2222-3333-4444-555555555555")
    notice = parsed(a_release(tender__documents=[]))
    assert notice.source_url == (
        "https://www.contractsfinder.service.gov.uk/Notice/11111111-2222-3333-4444-555555555555"
    )


def test_suitability_is_kept_as_advice_and_is_not_a_reservation():
    notice = parsed(a_release(tender__suitability={"sme": True, "vcse": True}))
    assert (notice.suitable_for_sme, notice.suitable_for_vcse) == (True, True)
    lot = notice.lots[0]
    assert (lot.suitable_for_sme, lot.suitable_for_vcse) == (True, True)
    assert not lot.reservation.is_reserved


def test_a_stated_reserved_participation_becomes_the_reservation():
    requirements = {"reservedParticipation": ["sme", "vcse"]}
    notice = parsed(a_release(tender__otherRequirements=requirements))
    assert notice.lots[0].reservation.suppliers == "sme_vcse"


@pytest.mark.parametrize(
    "changes", [{"tender__status": "cancelled"}, {"tag": ["tenderCancellation"]}]
)
def test_a_cancellation_is_recognised_by_status_or_tag(changes):
    assert parsed(a_release(**changes)).cancelled


def test_the_source_follows_the_ocid_prefix():
    assert parsed(a_release()).source == "contracts_finder"
    assert parsed(a_release(ocid="ocds-h6vhtk-0001")).source == "find_a_tender"
    assert parsed(a_release(ocid="ocds-abc123-1")).source == "ocds"


@pytest.mark.parametrize(
    ("release", "reason"),
    [
        ("not a release", "not a release"),
        ({"id": "1", "date": "2025-01-01T00:00:00Z"}, "no ocid"),
        ({"url": "https://example.org/r.json", "date": "2025-01-01"}, "linked release"),
        ({**a_release(), "date": "yesterday"}, "no usable release date ('yesterday'"),
        ({**a_release(), "date": None}, "no release date"),
        ({**a_release(), "tender": None, "tag": ["planning"]}, "no tender"),
        ({**a_release(), "buyer": {}}, "no buyer"),
    ],
)
def test_a_release_that_cannot_be_an_opportunity_says_why(release, reason):
    with pytest.raises(ReleaseSkipped) as caught:
        parse_release(release)
    assert reason in caught.value.reason


# --- Upserting ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_notice_without_lots_becomes_one_published_lot_of_an_external_buyer():
    report = run(a_release())
    assert report.lines[0].outcome == "created"
    contract = Contract.objects.get(ocid=OCID)
    assert contract.source == Contract.Source.CONTRACTS_FINDER
    assert contract.institution.is_external
    assert contract.institution.kind == Institution.Kind.OTHER
    assert contract.published_at == datetime(2025, 1, 23, 10, tzinfo=UTC)
    assert contract.closes_at == datetime(2025, 2, 24, 14, tzinfo=UTC)
    lot = contract.lots.get()
    assert (lot.number, lot.title, lot.value) == (1, "School meals", Decimal("40000.00"))
    assert (lot.delivery_postcode, lot.delivery_district) == ("B9 4AA", "B9")
    assert list(lot.cpv_codes.values_list("code", flat=True)) == ["55000000"]
    assert ImportedRelease.objects.get().suitable_for_sme is True


@pytest.mark.django_db
def test_the_same_release_again_is_reported_already_imported_and_changes_nothing():
    run(a_release())
    before = Contract.objects.get().updated_at
    report = run(a_release())
    assert (report.lines[0].outcome, report.lines[0].reason) == ("unchanged", "already imported")
    assert Contract.objects.count() == 1 and Lot.objects.count() == 1
    assert Contract.objects.get().updated_at == before


@pytest.mark.django_db
def test_a_later_release_updates_the_same_opportunity():
    run(a_release())
    amended = a_release(id="amend-2", date="2025-01-30T09:00:00Z", tag=["tenderAmendment"])
    amended["tender"]["tenderPeriod"] = {"endDate": "2025-03-10T12:00:00Z"}
    report = run(amended)
    assert report.lines[0].outcome == "updated"
    contract = Contract.objects.get()
    assert contract.closes_at == datetime(2025, 3, 10, 12, tzinfo=UTC)
    assert contract.imported_releases.count() == 2


@pytest.mark.django_db
def test_an_older_release_does_not_overwrite_a_newer_one():
    newer = a_release(id="new", date="2025-02-01T09:00:00Z", tender__title="Newer title")
    run(newer)
    report = run(a_release(id="old", tender__title="Older title"))
    assert report.lines[0].outcome == "unchanged"
    assert "older than release new" in report.lines[0].reason
    assert Contract.objects.get().title == "Newer title"
    assert run(a_release(id="old")).lines[0].reason == "already imported"


@pytest.mark.django_db
def test_a_new_release_with_the_same_content_is_reported_unchanged():
    run(a_release())
    report = run(a_release(id="republished", date="2025-01-24T09:00:00Z"))
    assert (report.lines[0].outcome, report.lines[0].reason) == ("unchanged", "no differences")


@pytest.mark.django_db
def test_an_ocid_reused_by_another_buyer_does_not_take_over_the_first_buyers_opportunity():
    run(a_release())
    hijack = a_release(
        id="other-1", date="2025-02-01T00:00:00Z", buyer={"id": "GB-CFS-999", "name": "Acme Ltd"}
    )
    hijack["tender"]["title"] = "Something else"
    report = run(hijack)
    line = report.lines[0]
    assert line.outcome == "skipped"
    assert "already belongs to Birmingham City Council's opportunity" in line.reason
    assert Contract.objects.get().title == "School meals"
    assert not Institution.objects.filter(name="Acme Ltd").exists()


@pytest.mark.django_db
def test_the_same_buyer_is_one_institution_across_notices():
    run(a_release(), a_release(ocid="ocds-b5fd17-other", id="x-1"))
    assert Institution.objects.filter(is_external=True).count() == 1
    assert Contract.objects.count() == 2


@pytest.mark.django_db
def test_an_unknown_cpv_code_is_reported_and_skipped_not_fatal():
    release = a_release(tender__additionalClassifications=[{"scheme": "CPV", "id": "99999999"}])
    line = run(release).lines[0]
    assert line.outcome == "created"
    assert any("99999999 not in the CPV 2008 list" in note for note in line.notes)
    assert list(Lot.objects.get().cpv_codes.values_list("code", flat=True)) == ["55000000"]


@pytest.mark.django_db
def test_a_notice_without_a_value_is_stored_without_one_and_says_so():
    release = a_release()
    del release["tender"]["value"]
    line = run(release).lines[0]
    assert line.outcome == "created"
    assert "no value published: stored without one" in line.notes
    assert Contract.objects.get().estimated_value is None
    assert Lot.objects.get().value is None


@pytest.mark.django_db
def test_a_notice_with_only_a_region_is_stored_without_a_district():
    items = [{"id": "1", "deliveryAddresses": [{"region": "West Midlands"}]}]
    line = run(a_release(tender__items=items)).lines[0]
    assert line.outcome == "created"
    lot = Lot.objects.get()
    assert (lot.delivery_postcode, lot.delivery_district) == ("", "")
    assert ImportedRelease.objects.get().delivery_region == "West Midlands"
    assert any("only the region West Midlands" in note for note in line.notes)


@pytest.mark.django_db
def test_a_cancellation_release_cancels_the_opportunity():
    run(a_release())
    cancelled = a_release(id="cancel-2", date="2025-02-01T00:00:00Z", tag=["tenderCancellation"])
    assert run(cancelled).lines[0].outcome == "updated"
    contract = Contract.objects.get()
    assert contract.status == Contract.Status.CANCELLED
    assert contract.cancel_reason == "Cancelled on Contracts Finder."


@pytest.mark.django_db
def test_an_award_release_records_the_award_to_an_outside_supplier():
    run(a_release())
    award = a_release(
        id="award-3",
        date="2025-03-01T00:00:00Z",
        tag=["award"],
        parties=[{"id": "S1", "name": "Tasty Ltd", "address": {"postalCode": "b94aa"}}],
        awards=[
            {
                "id": "1",
                "status": "active",
                "date": "2025-02-28T00:00:00Z",
                "value": {"amount": 38500, "currency": "GBP"},
                "suppliers": [{"id": "S1", "name": "Tasty Ltd"}],
            }
        ],
    )
    assert run(award).lines[0].outcome == "updated"
    row = Award.objects.get()
    assert (row.supplier_name, row.supplier_postcode, row.value) == (
        "Tasty Ltd",
        "B9 4AA",
        Decimal("38500.00"),
    )
    assert row.business is None
    assert Contract.objects.get().status == Contract.Status.AWARDED


@pytest.mark.django_db
def test_tender_lots_become_lots_with_their_own_items_places_and_codes():
    CpvCodeFactory(code="55520000", parent_id="55000000")
    release = a_release(
        tender__lots=[
            {"id": "A", "title": "North schools", "value": {"amount": 10000, "currency": "GBP"}},
            {"id": "B", "title": "South schools", "value": {"amount": 30000, "currency": "GBP"}},
        ],
        tender__items=[
            {
                "id": "1",
                "relatedLot": "A",
                "classification": {"scheme": "CPV", "id": "55520000"},
                "deliveryAddresses": [{"postalCode": "B23 6AA"}],
            },
            {
                "id": "2",
                "relatedLot": "B",
                "classification": {"scheme": "CPV", "id": "55000000"},
                "deliveryAddresses": [{"postalCode": "B29 7AA"}],
            },
        ],
    )
    run(release)
    lots = list(Lot.objects.order_by("number"))
    assert [(lot.title, lot.value, lot.delivery_district) for lot in lots] == [
        ("North schools", Decimal("10000.00"), "B23"),
        ("South schools", Decimal("30000.00"), "B29"),
    ]
    assert [list(lot.cpv_codes.values_list("code", flat=True)) for lot in lots] == [
        ["55520000"],
        ["55000000"],
    ]


@pytest.mark.django_db
def test_one_bad_release_is_skipped_and_the_others_are_imported():
    report = run(a_release(), "not a release", a_release(ocid="ocds-b5fd17-two", id="2"))
    assert [line.outcome for line in report.lines] == ["created", "skipped", "created"]
    assert report.describe_lines()[1].startswith("test.json releases[1]: skipped: not a release")


@pytest.mark.django_db
def test_an_imported_open_lot_is_matched_after_commit(django_capture_on_commit_callbacks):
    from matching.models import Match
    from tests.suppliers.factories import BusinessFactory

    business = BusinessFactory(sector_codes=["55000000"])
    release = a_release(tender__tenderPeriod={"endDate": "2099-01-01T12:00:00Z"})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(release)
    assert len(callbacks) == 1
    assert Match.objects.filter(lot=Lot.objects.get(), business=business).exists()


@pytest.mark.django_db
def test_an_imported_opportunity_without_a_value_or_postcode_is_listed_and_shown(client):
    release = a_release(
        tender__tenderPeriod={"endDate": "2099-01-01T12:00:00Z"},
        tender__items=[{"id": "1", "deliveryAddresses": [{"region": "West Midlands"}]}],
    )
    del release["tender"]["value"]
    run(release)
    lot = Lot.objects.get()
    search = client.get("/opportunities/")
    assert search.status_code == 200
    assert "School meals" in search.content.decode()
    detail = client.get(f"/opportunities/{lot.pk}/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Not published" in page
    assert "Source</dt>" in page and "Contracts Finder" in page
    assert 'href="https://www.contractsfinder.service.gov.uk/Notice/11111111-' in page
    api = client.get("/api/v1/opportunities/")
    assert api.status_code == 200
    assert api.json()["results"][0]["value"] is None


@pytest.mark.django_db
def test_an_imported_lot_without_a_value_is_still_matched_and_says_so(
    django_capture_on_commit_callbacks,
):
    from matching.models import Match
    from tests.suppliers.factories import BusinessFactory

    business = BusinessFactory(sector_codes=["55000000"])
    release = a_release(tender__tenderPeriod={"endDate": "2099-01-01T12:00:00Z"})
    del release["tender"]["value"]
    with django_capture_on_commit_callbacks(execute=True):
        run(release)
    match = Match.objects.get(lot=Lot.objects.get(), business=business)
    assert "The buyer has not published the lot's value." in str(match.reasons)
