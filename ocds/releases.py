"""Our published contracts as OCDS 1.1 releases, and the release package that carries them.

Pure functions of the contracts (as ``ocds.selectors.ocds_contracts`` loads them: lots, awards,
businesses, CPV codes and amendments prefetched) and the ``OCDS`` settings; nothing here
queries the database or reads the clock, so the same data always gives the same release.

Mapping, one release per contract (``<OCID_PREFIX>-<contract id>``), one lot per lot (the lots
extension), one item per lot (``relatedLot``, CPV classifications, delivery address):

- ``tag``: ``tenderCancellation`` once cancelled; ``award`` once any lot is awarded;
  ``tenderAmendment`` after a formal amendment (``contract_amend``, with its reason in
  ``tender.amendments``); otherwise ``tender``.
- ``tender.status`` / lot ``status``: ``cancelled``; ``complete`` when every lot (or that lot) is
  awarded; otherwise ``active`` (taking interest, or closed and being evaluated).
- ``id``: the ocid and a digest of the release's content, so it is stable while nothing
  changes and new whenever anything in the release does.
- ``date``: the last change to the contract, its lots, awards or amendments.
- Reservations (UK profile, as Find a Tender publishes them):
  ``otherRequirements.reservedParticipation`` (``sme``, ``vcse`` or ``smeVcse``) and
  ``otherRequirements.reservedParticipationLocation``, on each reserved lot, and on the tender
  when every lot has the same reservation.
- ``suitability.sme`` / ``.vcse`` (Crown Commercial Service suitability extension): true when
  the lot is reserved for that group, or the contract is below the PA23 threshold (where s.85
  forbids excluding suppliers for capacity or experience, so small organisations can bid).
- Suppliers: parties with the role ``supplier``; a registered business carries ``details.scale``
  (``sme`` or ``large``, partyDetails scale extension) and ``details.vcse`` when its size is
  known; an outside supplier only its name and postcode.

Money is published as entered: GBP excluding VAT.
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.text import slugify

from anchors import rules
from anchors.models import Award, Contract, Lot

OCDS_VERSION = "1.1"
CURRENCY = "GBP"
LANGUAGE = "en"
COUNTRY_NAME = "United Kingdom"
CPV_SCHEME = "CPV"

# Extensions whose fields the releases use. The lots extension is the one the schema set in
# shared/data/ocds-schema/ merges (its master version: lot groups and submission terms).
LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
    "master/extension.json"
)
EXTENSIONS = (
    LOTS_EXTENSION,
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_otherRequirements_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_partyDetails_scale_extension/master/extension.json",
    "https://raw.githubusercontent.com/Crown-Commercial-Service/"
    "ocds_partyDetails_vcse_extension/main/extension.json",
    "https://raw.githubusercontent.com/Crown-Commercial-Service/"
    "ocds_tender_suitability_extension/main/extension.json",
)

CATEGORY = {
    Contract.ProcurementType.GOODS: "goods",
    Contract.ProcurementType.SERVICES: "services",
    Contract.ProcurementType.WORKS: "works",
    Contract.ProcurementType.LIGHT_TOUCH: "services",
}

RESERVED_PARTICIPATION = {
    Lot.SupplierReservation.SME: ["sme"],
    Lot.SupplierReservation.VCSE: ["vcse"],
    Lot.SupplierReservation.SME_VCSE: ["smeVcse"],
}
RESERVED_FOR_SMES = {Lot.SupplierReservation.SME, Lot.SupplierReservation.SME_VCSE}
RESERVED_FOR_VCSES = {Lot.SupplierReservation.VCSE, Lot.SupplierReservation.SME_VCSE}

FIND_A_TENDER_NOTICE_URL = "https://www.find-tender.service.gov.uk/Notice/{ref}"


def ocds_settings() -> dict:
    return settings.OCDS


def ocid_for(contract: Contract) -> str:
    """The contract's Open Contracting id: ``<OCID_PREFIX>-<contract id>``."""
    return f"{ocds_settings()['OCID_PREFIX']}-{contract.pk}"


# --- Formatting -----------------------------------------------------------------------------


def ocds_datetime(moment: datetime) -> str:
    """An aware datetime as RFC 3339 in UTC to the second: ``2026-03-02T09:30:00Z``."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _local_day(day: date, at: time) -> str:
    """A calendar date as a date-time in the site's time zone (``2026-04-01T00:00:00+01:00``)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def _amount(value: Decimal) -> int | float:
    """A JSON number: pence kept exactly (14 digits at most fit a float's round trip)."""
    return int(value) if value == value.to_integral_value() else float(value)


def _value(amount: Decimal) -> dict:
    return {"amount": _amount(amount), "currency": CURRENCY}


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


# --- Facts from the prefetched contract -----------------------------------------------------


def _lots(contract: Contract) -> list[Lot]:
    return sorted(contract.lots.all(), key=lambda lot: lot.number)


def award_of(lot: Lot) -> Award | None:
    """The lot's award from the ``select_related`` cache, or None (no query either way)."""
    try:
        return lot.award
    except Award.DoesNotExist:
        return None


def lot_id(lot: Lot) -> str:
    """A lot's id within its release: its number (also the item id and ``relatedLot``)."""
    return str(lot.number)


def _amendments(contract: Contract) -> list:
    return list(getattr(contract, "ocds_amendments", []))


def release_date(contract: Contract) -> datetime:
    """When the release last changed: the contract, a lot, an award or an amendment."""
    moments = [contract.updated_at]
    for lot in _lots(contract):
        moments.append(lot.updated_at)
        award = award_of(lot)
        if award is not None:
            moments.append(award.updated_at)
    moments += [event.created_at for event in _amendments(contract)]
    return max(moments)


def tender_status(contract: Contract) -> str:
    if contract.cancelled_at:
        return "cancelled"
    lots = _lots(contract)
    if lots and all(award_of(lot) for lot in lots):
        return "complete"
    return "active"


def lot_status(contract: Contract, lot: Lot) -> str:
    if contract.cancelled_at:
        return "cancelled"
    return "complete" if award_of(lot) else "active"


def release_tag(contract: Contract) -> list[str]:
    if contract.cancelled_at:
        return ["tenderCancellation"]
    if any(award_of(lot) for lot in _lots(contract)):
        return ["award"]
    if _amendments(contract):
        return ["tenderAmendment"]
    return ["tender"]


def is_below_threshold(contract: Contract) -> bool:
    """The contract's VAT-inclusive value is below the PA23 threshold that applied when it was
    published (all lots count towards it, PA23 Sch. 3). False when no threshold is configured
    for that date."""
    try:
        threshold = rules.threshold_for(
            threshold_class=contract.institution.threshold_class,
            procurement_type=contract.procurement_type,
            on=contract.published_at.date(),
        )
    except ValueError:
        return False
    gross = rules.vat_inclusive(contract.estimated_value, vat_exempt=contract.vat_exempt)
    return gross is not None and gross < threshold


def lot_suitability(contract: Contract, lot: Lot) -> dict:
    """``{"sme": bool, "vcse": bool}``: reserved for the group, or below the threshold."""
    below = is_below_threshold(contract)
    return {
        "sme": below or lot.reservation_suppliers in RESERVED_FOR_SMES,
        "vcse": below or lot.reservation_suppliers in RESERVED_FOR_VCSES,
    }


def _reserved_location(contract: Contract, lot: Lot) -> dict | None:
    institution = contract.institution
    home = institution.home_area_name or "the authority's area"
    county = institution.county_name or "the county"
    location = lot.reservation_location
    if location == Lot.LocationReservation.UK:
        return {
            "description": "Suppliers based in the UK",
            "gazetteer": {"scheme": "ISO3166-1.alpha2", "identifiers": ["GB"]},
        }
    descriptions = {
        Lot.LocationReservation.AUTHORITY_AREA: f"Suppliers based in {home}",
        Lot.LocationReservation.AUTHORITY_AREA_AND_NEIGHBOURS: (
            f"Suppliers based in {home} or a bordering county"
        ),
        Lot.LocationReservation.COUNTY: f"Suppliers based in {county}",
    }
    if location in descriptions:
        return {"description": descriptions[location]}
    return None


def other_requirements(contract: Contract, lot: Lot) -> dict | None:
    """The lot's reservation as ``otherRequirements``, or None when it is open to all."""
    requirements = {}
    if lot.reservation_suppliers in RESERVED_PARTICIPATION:
        requirements["reservedParticipation"] = list(
            RESERVED_PARTICIPATION[lot.reservation_suppliers]
        )
    location = _reserved_location(contract, lot)
    if location:
        requirements["reservedParticipationLocation"] = location
    return requirements or None


# --- Blocks ---------------------------------------------------------------------------------


def _classification(cpv_code) -> dict:
    return {"scheme": CPV_SCHEME, "id": cpv_code.code, "description": cpv_code.label}


def _delivery_address(lot: Lot, contract: Contract) -> dict:
    """The delivery postcode; only the district (``B9``) when that is all that is known."""
    postcode = lot.delivery_postcode or lot.delivery_district or contract.delivery_postcode
    return {"postalCode": postcode, "countryName": COUNTRY_NAME}


def _item(contract: Contract, lot: Lot) -> dict:
    codes = [link.cpv_code for link in lot.cpv_links.all()]
    item = {"id": lot_id(lot), "description": lot.title}
    if codes:
        item["classification"] = _classification(codes[0])
    if len(codes) > 1:
        item["additionalClassifications"] = [_classification(code) for code in codes[1:]]
    item["relatedLot"] = lot_id(lot)
    item["deliveryAddresses"] = [_delivery_address(lot, contract)]
    return item


def _lot(contract: Contract, lot: Lot) -> dict:
    block = {"id": lot_id(lot), "title": lot.title}
    if lot.description:
        block["description"] = lot.description
    block["status"] = lot_status(contract, lot)
    if lot.value is not None:
        block["value"] = _value(lot.value)
    block["suitability"] = lot_suitability(contract, lot)
    requirements = other_requirements(contract, lot)
    if requirements:
        block["otherRequirements"] = requirements
    return block


def _period(start: str | None, end: str | None) -> dict | None:
    period = {key: value for key, value in (("startDate", start), ("endDate", end)) if value}
    return period or None


def _documents(contract: Contract, lots: list[Lot]) -> list[dict]:
    published = ocds_datetime(contract.published_at)
    documents = [
        {
            "id": f"lot-{lot_id(lot)}-notice",
            "documentType": "tenderNotice",
            "title": f"Lot {lot.number} on LocalLots",
            "url": _absolute(reverse("opportunities:detail", args=[lot.pk])),
            "datePublished": published,
            "format": "text/html",
            "language": LANGUAGE,
            "relatedLots": [lot_id(lot)],
        }
        for lot in lots
    ]
    ref = contract.find_a_tender_ref.strip()
    if ref:
        documents.append(
            {
                "id": "find-a-tender-notice",
                "documentType": "tenderNotice",
                "title": f"Find a Tender notice {ref}",
                "url": FIND_A_TENDER_NOTICE_URL.format(ref=quote(ref, safe="")),
                "format": "text/html",
                "language": LANGUAGE,
            }
        )
    return documents


def _amendment(event) -> dict:
    summary = event.summary or {}
    changed = sorted((summary.get("after") or {}).keys())
    amendment = {
        "id": f"amendment-{event.pk}",
        "date": ocds_datetime(event.created_at),
        "rationale": summary.get("reason") or "Amended by the buyer.",
    }
    if changed:
        amendment["description"] = f"Changed: {', '.join(changed)}."
    return amendment


def _tender(contract: Contract) -> dict:
    lots = _lots(contract)
    tender = {
        "id": str(contract.pk),
        "title": contract.title,
        "description": contract.description,
        "status": tender_status(contract),
    }
    if contract.estimated_value is not None:
        tender["value"] = _value(contract.estimated_value)
    tender["procurementMethod"] = "open"
    tender["mainProcurementCategory"] = CATEGORY.get(contract.procurement_type, "services")
    codes = list(contract.cpv_codes.all())
    if codes:
        tender["classification"] = _classification(codes[0])
    tender["items"] = [_item(contract, lot) for lot in lots]
    tender["tenderPeriod"] = _period(
        ocds_datetime(contract.published_at),
        ocds_datetime(contract.closes_at) if contract.closes_at else None,
    )
    contract_period = _period(
        _local_day(contract.starts_on, time.min) if contract.starts_on else None,
        _local_day(contract.ends_on, time(23, 59, 59)) if contract.ends_on else None,
    )
    if contract_period:
        tender["contractPeriod"] = contract_period
    tender["lots"] = [_lot(contract, lot) for lot in lots]
    tender["lotDetails"] = {"maximumLotsBidPerSupplier": len(lots)}
    if lots:
        suitabilities = [lot_suitability(contract, lot) for lot in lots]
        tender["suitability"] = {
            group: all(suitability[group] for suitability in suitabilities)
            for group in ("sme", "vcse")
        }
        requirements = [other_requirements(contract, lot) for lot in lots]
        if requirements[0] and all(each == requirements[0] for each in requirements):
            tender["otherRequirements"] = requirements[0]
    tender["documents"] = _documents(contract, lots)
    amendments = [_amendment(event) for event in _amendments(contract)]
    if amendments:
        tender["amendments"] = amendments
    if contract.cancelled_at:
        tender["statusDetails"] = contract.cancel_reason or "Cancelled by the buyer."
    return tender


def _buyer_party(contract: Contract) -> dict:
    institution = contract.institution
    party = {
        "id": f"locallots-institution-{institution.pk}",
        "name": institution.name,
        "roles": ["buyer"],
    }
    if institution.website:
        party["contactPoint"] = {"url": institution.website}
    return party


def _charity_identifier(number: str) -> dict:
    if number.startswith("SC"):
        return {"scheme": "GB-SC", "id": number}
    if number.startswith("NIC"):
        return {"scheme": "GB-NIC", "id": number.removeprefix("NIC")}
    return {"scheme": "GB-CHC", "id": number}


def _supplier_party(award: Award) -> dict:
    business = award.business
    if business is None:
        name = award.supplier_name
        postcode = award.supplier_postcode
        party = {"id": "locallots-supplier-" + slugify(f"{name} {postcode}"), "name": name}
        if postcode:
            party["address"] = {"postalCode": postcode, "countryName": COUNTRY_NAME}
        party["roles"] = ["supplier"]
        return party
    identifier = None
    if business.companies_house_number:
        identifier = {"scheme": "GB-COH", "id": business.companies_house_number}
    elif business.charity_number:
        identifier = _charity_identifier(business.charity_number)
    party_id = (
        f"{identifier['scheme']}-{identifier['id']}"
        if identifier
        else f"locallots-business-{business.pk}"
    )
    party = {"id": party_id, "name": business.name}
    if identifier:
        party["identifier"] = {**identifier, "legalName": business.name}
    if business.postcode:
        party["address"] = {"postalCode": business.postcode, "countryName": COUNTRY_NAME}
    party["roles"] = ["supplier"]
    details = {}
    if business.size_class:
        details["scale"] = "large" if business.size_class == "large" else "sme"
    details["vcse"] = bool(business.is_vcse)
    party["details"] = details
    return party


def _reference(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


def _parties_and_awards(contract: Contract) -> tuple[list[dict], list[dict]]:
    parties = [_buyer_party(contract)]
    awards = []
    seen = {parties[0]["id"]}
    for lot in _lots(contract):
        award = award_of(lot)
        if award is None:
            continue
        supplier = _supplier_party(award)
        if supplier["id"] not in seen:
            seen.add(supplier["id"])
            parties.append(supplier)
        awards.append(
            {
                "id": f"award-{lot_id(lot)}",
                "title": f"Award of lot {lot.number}: {lot.title}",
                "status": "active",
                "date": _local_day(award.awarded_on, time.min),
                "value": _value(award.value),
                "suppliers": [_reference(supplier)],
                "relatedLots": [lot_id(lot)],
            }
        )
    return parties, awards


# --- Releases and the package ---------------------------------------------------------------


def release_id(ocid: str, body: dict) -> str:
    """``<ocid>-<digest>``: the digest covers everything in the release but its id."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{ocid}-{hashlib.sha256(canonical.encode()).hexdigest()[:16]}"


def release_for(contract: Contract) -> dict:
    """The OCDS release describing ``contract`` now (a published LocalLots contract, loaded as
    ``ocds.selectors.ocds_contracts`` loads it)."""
    ocid = ocid_for(contract)
    parties, awards = _parties_and_awards(contract)
    buyer = parties[0]
    body = {
        "ocid": ocid,
        "date": ocds_datetime(release_date(contract)),
        "tag": release_tag(contract),
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": parties,
        "buyer": _reference(buyer),
        "tender": _tender(contract),
    }
    if awards:
        body["awards"] = awards
    return {"ocid": ocid, "id": release_id(ocid, body), **body}


def release_package(
    *, releases: Iterable[dict], uri: str, published_date: str | None = None
) -> dict:
    """An OCDS 1.1 release package of ``releases``, published at ``uri``.

    ``publishedDate`` defaults to the latest release date (a package built on demand dates
    from the last change to its contents); pass ``published_date`` for an empty package.
    """
    releases = list(releases)
    options = ocds_settings()
    dates = [release["date"] for release in releases]
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": max(dates) if dates else published_date,
        "publisher": {"name": options["PUBLISHER_NAME"], "uri": options["PUBLISHER_URI"]},
        "license": options["LICENSE"],
        "publicationPolicy": options["PUBLICATION_POLICY"],
        "releases": releases,
    }


def releases_for(contracts: Iterable[Contract]) -> list[dict]:
    return [release_for(contract) for contract in contracts]
