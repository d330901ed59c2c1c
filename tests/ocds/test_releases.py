"""OCDS releases of our contracts: valid against the merged schema, and saying the right things."""

import copy
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from anchors.models import Contract, Lot
from anchors.services.contracts import contract_amend
from ocds import releases, schema, selectors
from suppliers.models import Business
from tests.anchors.factories import ContractFactory, InstitutionFactory, officer_of
from tests.matching.factories import (
    CATERING,
    SCHOOL_MEALS,
    award_lot,
    cancel_lot,
    close_lot,
    cpv_codes,
    open_lot,
)
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def published_contract(*, values=("30000", "20000"), cpv=(CATERING, SCHOOL_MEALS), **fields):
    """A published LocalLots contract split into lots worth ``values``, each with ``cpv``."""
    codes = cpv_codes(*cpv)
    defaults = {
        "published_at": timezone.now(),
        "estimated_value": sum(Decimal(value) for value in values),
        "no_lots_reason": "" if len(values) > 1 else "One kitchen.",
    }
    return ContractFactory(**{**defaults, **fields}, lots=list(values), lots__cpv=codes)


def export(**kwargs) -> dict[int, dict]:
    """The releases the export would publish now, by contract id."""
    return {
        int(release["tender"]["id"]): release
        for release in releases.releases_for(selectors.ocds_contracts(**kwargs))
    }


def release_of(contract: Contract) -> dict:
    return export()[contract.pk]


def assert_valid(release: dict) -> None:
    assert schema.release_errors(release) == []


def reserve(lot: Lot, *, suppliers="none", location="none") -> Lot:
    lot.reservation_suppliers = suppliers
    lot.reservation_location = location
    lot.reservation_rationale = "Below threshold; the 2026 Order allows it."
    lot.save()
    return lot


def a_contract_in_every_state() -> list[Contract]:
    split = published_contract()
    reserve(split.lots.get(number=1), suppliers="sme_vcse", location="authority_area")
    reserve(split.lots.get(number=2), suppliers="sme", location="uk")

    single = open_lot(reservation_suppliers="vcse", reservation_location="county").contract

    awarded = published_contract()
    first, second = awarded.lots.order_by("number")
    close_lot(first)
    award_lot(first, BusinessFactory(legal_form=Business.LegalForm.CHARITY))
    award_lot(second)  # an outside supplier

    cancelled = cancel_lot(open_lot()).contract
    closed = close_lot(open_lot()).contract
    return [split, single, awarded, cancelled, closed]


# --- Validity -------------------------------------------------------------------------------


@pytest.mark.usefixtures("ocds_schema")
def test_every_release_and_the_package_validate_against_the_schema_with_the_lots_extension():
    contracts = a_contract_in_every_state()
    published = export()
    assert set(published) == {contract.pk for contract in contracts}
    for release in published.values():
        assert_valid(release)

    package = releases.release_package(
        releases=published.values(), uri="https://locallots.example/ocds/releases.json"
    )
    errors = [error.message for error in schema.release_package_validator().iter_errors(package)]
    assert errors == []


@pytest.mark.usefixtures("ocds_schema")
def test_the_validator_rejects_broken_releases_so_the_validity_tests_can_fail():
    release = release_of(published_contract())
    validator = schema.release_validator()
    assert validator.is_valid(release)

    no_ocid = {key: value for key, value in release.items() if key != "ocid"}
    assert "(release): 'ocid' is a required property" in schema.release_errors(no_ocid)

    bad_lot = copy.deepcopy(release)
    bad_lot["tender"]["lots"][0]["status"] = "open"  # not in the closed tenderStatus codelist
    assert any(error.startswith("tender/lots/0/status") for error in schema.release_errors(bad_lot))

    bad_date = copy.deepcopy(release)
    bad_date["date"] = "2026-02-30 10:00"
    assert schema.release_errors(bad_date) == [f"date: {bad_date['date']!r} is not a 'date-time'"]

    lot_without_id = copy.deepcopy(release)
    del lot_without_id["tender"]["lots"][0]["id"]  # required by the lots extension
    assert "tender/lots/0: 'id' is a required property" in schema.release_errors(lot_without_id)

    string_value = copy.deepcopy(release)
    string_value["tender"]["value"]["amount"] = "50000.00"
    assert not validator.is_valid(string_value)


@pytest.mark.usefixtures("ocds_schema")
def test_the_package_validator_checks_each_release_against_the_merged_schema():
    release = release_of(published_contract())
    release["tender"]["lots"][0]["status"] = "open"
    package = releases.release_package(releases=[release], uri="https://locallots.example/x")
    assert not schema.release_package_validator().is_valid(package)


@pytest.mark.usefixtures("ocds_schema")
def test_the_merged_schema_is_the_core_release_schema_patched_with_the_lots_extension():
    merged = schema.release_schema()
    tender = merged["definitions"]["Tender"]["properties"]
    assert "lots" in tender and "lotDetails" in tender and "items" in tender
    assert "relatedLot" in merged["definitions"]["Item"]["properties"]
    assert "relatedLots" in merged["definitions"]["Award"]["properties"]
    assert merged["definitions"]["Lot"]["required"] == ["id"]


def test_json_merge_patch_follows_rfc_7386():
    target = {"a": "b", "c": {"d": "e", "f": "g"}, "list": [1, 2]}
    patch = {"a": "z", "c": {"f": None}, "list": [3], "new": {"x": 1}}
    assert schema.json_merge_patch(target, patch) == {
        "a": "z",
        "c": {"d": "e"},
        "list": [3],
        "new": {"x": 1},
    }
    assert target == {"a": "b", "c": {"d": "e", "f": "g"}, "list": [1, 2]}


# --- Content --------------------------------------------------------------------------------


@pytest.mark.usefixtures("ocds_schema")
def test_the_ocid_is_the_prefix_setting_and_the_contract_id(settings):
    contract = published_contract()
    assert release_of(contract)["ocid"] == f"ocds-locallots-{contract.pk}"

    settings.OCDS = {**settings.OCDS, "OCID_PREFIX": "ocds-abc123"}
    release = release_of(contract)
    assert release["ocid"] == f"ocds-abc123-{contract.pk}"
    assert release["id"].startswith(f"ocds-abc123-{contract.pk}-")
    assert_valid(release)


def test_a_published_contract_is_a_tender_release_with_buyer_and_values():
    institution = InstitutionFactory(name="Birmingham City Council", website="https://bcc.example")
    contract = published_contract(
        institution=institution, procurement_type=Contract.ProcurementType.GOODS
    )
    release = release_of(contract)

    assert release["tag"] == ["tender"]
    assert release["initiationType"] == "tender"
    assert release["language"] == "en"
    buyer_id = f"locallots-institution-{institution.pk}"
    assert release["buyer"] == {"id": buyer_id, "name": "Birmingham City Council"}
    assert release["parties"] == [
        {
            "id": buyer_id,
            "name": "Birmingham City Council",
            "roles": ["buyer"],
            "contactPoint": {"url": "https://bcc.example"},
        }
    ]
    tender = release["tender"]
    assert tender["status"] == "active"
    assert tender["title"] == contract.title
    assert tender["value"] == {"amount": 50000, "currency": "GBP"}
    assert tender["procurementMethod"] == "open"
    assert tender["mainProcurementCategory"] == "goods"
    assert tender["tenderPeriod"]["endDate"] == releases.ocds_datetime(contract.closes_at)
    assert "awards" not in release


def test_light_touch_services_are_published_as_services():
    contract = published_contract(procurement_type=Contract.ProcurementType.LIGHT_TOUCH)
    assert release_of(contract)["tender"]["mainProcurementCategory"] == "services"


def test_each_lot_is_a_lot_with_an_item_related_to_it_carrying_its_cpv_codes_and_postcode():
    contract = published_contract(values=("30000.50", "20000"), delivery_postcode="B9 4AA")
    second = contract.lots.get(number=2)
    second.delivery_postcode = "B33 8TH"
    second.description = "Lunches for two schools in Stechford."
    second.save()

    tender = release_of(contract)["tender"]

    assert [lot["id"] for lot in tender["lots"]] == ["1", "2"]
    assert tender["lots"][0]["value"] == {"amount": 30000.5, "currency": "GBP"}
    assert tender["lots"][1]["title"] == second.title
    assert tender["lots"][1]["description"] == "Lunches for two schools in Stechford."
    assert [lot["status"] for lot in tender["lots"]] == ["active", "active"]
    assert [item["relatedLot"] for item in tender["items"]] == ["1", "2"]
    item = tender["items"][1]
    assert item["classification"] == {
        "scheme": "CPV",
        "id": CATERING,
        "description": "Catering services",
    }
    assert item["additionalClassifications"] == [
        {"scheme": "CPV", "id": SCHOOL_MEALS, "description": "School-meal services"}
    ]
    assert item["deliveryAddresses"] == [{"postalCode": "B33 8TH", "countryName": "United Kingdom"}]
    assert tender["items"][0]["deliveryAddresses"][0]["postalCode"] == "B9 4AA"
    assert tender["lotDetails"] == {"maximumLotsBidPerSupplier": 2}
    assert [doc["relatedLots"] for doc in tender["documents"]] == [["1"], ["2"]]
    assert tender["documents"][1]["url"].endswith(f"/opportunities/{second.pk}/")


def test_a_lot_with_only_a_district_publishes_the_district():
    lot = open_lot()
    Lot.objects.filter(pk=lot.pk).update(delivery_postcode="", delivery_district="B10")
    item = release_of(lot.contract)["tender"]["items"][0]
    assert item["deliveryAddresses"] == [{"postalCode": "B10", "countryName": "United Kingdom"}]


def test_reservations_are_published_as_other_requirements_on_each_lot():
    contract = published_contract(institution=InstitutionFactory(home_area_name="Birmingham"))
    reserve(contract.lots.get(number=1), suppliers="sme_vcse", location="authority_area")
    reserve(contract.lots.get(number=2), suppliers="sme", location="uk")

    tender = release_of(contract)["tender"]

    first, second = tender["lots"]
    assert first["otherRequirements"] == {
        "reservedParticipation": ["smeVcse"],
        "reservedParticipationLocation": {"description": "Suppliers based in Birmingham"},
    }
    assert second["otherRequirements"] == {
        "reservedParticipation": ["sme"],
        "reservedParticipationLocation": {
            "description": "Suppliers based in the UK",
            "gazetteer": {"scheme": "ISO3166-1.alpha2", "identifiers": ["GB"]},
        },
    }
    assert "otherRequirements" not in tender  # the lots differ


def test_a_reservation_shared_by_every_lot_is_also_on_the_tender():
    lot = open_lot(reservation_suppliers="vcse", reservation_location="county")
    tender = release_of(lot.contract)["tender"]
    expected = {
        "reservedParticipation": ["vcse"],
        "reservedParticipationLocation": {"description": "Suppliers based in West Midlands"},
    }
    assert tender["otherRequirements"] == expected
    assert tender["lots"][0]["otherRequirements"] == expected


def test_an_unreserved_lot_has_no_other_requirements():
    tender = release_of(open_lot().contract)["tender"]
    assert "otherRequirements" not in tender
    assert "otherRequirements" not in tender["lots"][0]


def test_below_threshold_lots_are_suitable_for_smes_and_vcses():
    tender = release_of(open_lot(value="40000").contract)["tender"]
    assert tender["suitability"] == {"sme": True, "vcse": True}
    assert tender["lots"][0]["suitability"] == {"sme": True, "vcse": True}


def test_above_threshold_lots_are_suitable_only_for_the_groups_they_are_reserved_for():
    contract = published_contract(values=("200000", "150000"))
    tender = release_of(contract)["tender"]
    assert tender["suitability"] == {"sme": False, "vcse": False}
    assert [lot["suitability"] for lot in tender["lots"]] == [{"sme": False, "vcse": False}] * 2

    # The model's own rules would refuse this reservation; the export still reports it.
    reserve(contract.lots.get(number=2), suppliers="vcse")
    tender = release_of(contract)["tender"]
    assert tender["lots"][1]["suitability"] == {"sme": False, "vcse": True}
    assert tender["suitability"] == {"sme": False, "vcse": False}


@pytest.mark.usefixtures("ocds_schema")
def test_awards_name_their_suppliers_as_parties_with_scale_and_vcse():
    contract = published_contract(values=("30000", "20000", "10000"))
    first, second, third = contract.lots.order_by("number")
    close_lot(first)
    charity = BusinessFactory(
        name="Stechford Community Kitchen",
        legal_form=Business.LegalForm.CHARITY,
        charity_number="1123456",
        postcode="B33 8TH",
    )
    large = BusinessFactory(
        name="Big Catering plc", staff_headcount=400, companies_house_number="01234567"
    )
    award_lot(first, charity)
    award_lot(second, large)
    award_lot(third)  # an outside supplier, by name only

    release = release_of(contract)

    assert release["tag"] == ["award"]
    assert release["tender"]["status"] == "complete"
    assert [lot["status"] for lot in release["tender"]["lots"]] == ["complete"] * 3
    buyer, kitchen, plc, outside = release["parties"]
    assert buyer["roles"] == ["buyer"]
    assert kitchen == {
        "id": "GB-CHC-1123456",
        "name": "Stechford Community Kitchen",
        "identifier": {
            "scheme": "GB-CHC",
            "id": "1123456",
            "legalName": "Stechford Community Kitchen",
        },
        "address": {"postalCode": "B33 8TH", "countryName": "United Kingdom"},
        "roles": ["supplier"],
        "details": {"scale": "sme", "vcse": True},
    }
    assert plc["id"] == "GB-COH-01234567"
    assert plc["details"] == {"scale": "large", "vcse": False}
    assert outside["name"] == "Someone Else Ltd"
    assert outside["roles"] == ["supplier"]
    assert "details" not in outside

    awards = release["awards"]
    assert [award["relatedLots"] for award in awards] == [["1"], ["2"], ["3"]]
    assert awards[0]["suppliers"] == [
        {"id": "GB-CHC-1123456", "name": "Stechford Community Kitchen"}
    ]
    assert awards[0]["status"] == "active"
    assert awards[0]["value"] == {"amount": 30000, "currency": "GBP"}
    assert awards[0]["date"].startswith(timezone.localdate().isoformat())
    assert_valid(release)


def test_a_business_winning_two_lots_is_one_party():
    contract = published_contract()
    business = BusinessFactory()
    for lot in contract.lots.all():
        award_lot(lot, business)
    release = release_of(contract)
    assert [party["roles"] for party in release["parties"]] == [["buyer"], ["supplier"]]
    assert len({award["suppliers"][0]["id"] for award in release["awards"]}) == 1


def test_a_partly_awarded_contract_is_still_active():
    contract = published_contract()
    award_lot(contract.lots.get(number=1))
    release = release_of(contract)
    assert release["tag"] == ["award"]
    assert release["tender"]["status"] == "active"
    assert [lot["status"] for lot in release["tender"]["lots"]] == ["complete", "active"]


@pytest.mark.usefixtures("ocds_schema")
def test_a_cancelled_contract_is_a_tender_cancellation():
    contract = cancel_lot(open_lot()).contract
    release = release_of(contract)
    assert release["tag"] == ["tenderCancellation"]
    assert release["tender"]["status"] == "cancelled"
    assert release["tender"]["lots"][0]["status"] == "cancelled"
    assert release["tender"]["statusDetails"] == "Budget withdrawn."
    assert_valid(release)


@pytest.mark.usefixtures("ocds_schema")
def test_an_amended_contract_is_a_tender_amendment_with_the_reason():
    contract = open_lot().contract
    officer = officer_of(contract.institution)
    contract_amend(
        actor=officer, contract=contract, reason="The schools asked for Fridays too.", title="New"
    )
    release = release_of(contract)
    assert release["tag"] == ["tenderAmendment"]
    assert release["tender"]["title"] == "New"
    (amendment,) = release["tender"]["amendments"]
    assert amendment["rationale"] == "The schools asked for Fridays too."
    assert amendment["description"] == "Changed: title."
    assert_valid(release)


def test_the_find_a_tender_notice_is_linked():
    contract = published_contract(find_a_tender_ref="012345-2026")
    documents = release_of(contract)["tender"]["documents"]
    assert documents[-1]["url"] == "https://www.find-tender.service.gov.uk/Notice/012345-2026"


def test_the_release_id_is_stable_and_changes_with_the_contract():
    contract = published_contract()
    before = release_of(contract)
    assert release_of(contract) == before

    with time_machine.travel(timezone.now() + timedelta(days=31)):
        award_lot(contract.lots.get(number=1))
        after = release_of(contract)
    assert after["id"] != before["id"]
    assert after["id"].startswith(f"{before['ocid']}-")
    assert after["date"] > before["date"]


def test_drafts_and_imported_contracts_are_not_published():
    ours = published_contract()
    draft = ContractFactory()
    imported = published_contract(
        source=Contract.Source.CONTRACTS_FINDER, ocid="ocds-b5fd17-abc", title="Someone else's"
    )
    published = export()
    assert ours.pk in published
    assert draft.pk not in published
    assert imported.pk not in published


def test_since_keeps_only_contracts_changed_at_or_after_it():
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=10), tick=False):
        old = published_contract()
        awarded_later = published_contract()
    with time_machine.travel(start - timedelta(days=5), tick=False):
        award_lot(awarded_later.lots.get(number=1))
    with time_machine.travel(start - timedelta(days=1), tick=False):
        recent = published_contract()

    assert set(export(since=start - timedelta(days=6))) == {awarded_later.pk, recent.pk}
    assert set(export(since=start - timedelta(days=2))) == {recent.pk}
    assert set(export(since=start - timedelta(days=20))) == {old.pk, awarded_later.pk, recent.pk}


@pytest.mark.usefixtures("ocds_schema")
def test_a_lot_without_a_value_is_published_without_one():
    lot = open_lot()
    Lot.objects.filter(pk=lot.pk).update(value=None)
    release = release_of(lot.contract)
    assert "value" not in release["tender"]["lots"][0]
    assert release["tender"]["value"] == {"amount": 40000, "currency": "GBP"}
    assert_valid(release)
