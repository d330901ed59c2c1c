"""Words the public pages say about a lot: where it is and its reservation in plain English
(its value with and without VAT is ``core.web.money_both``). Pure functions of a fetched lot
(no queries beyond what ``opportunities.selectors.opportunity_get`` and ``opportunity_search``
load)."""

from __future__ import annotations

from urllib.parse import quote

from anchors.models import Lot
from core.web import money
from matching.inputs import REGIME_SHORT_NAMES
from suppliers.sizes import SME_STAFF_BELOW

FIND_A_TENDER_NOTICE_URL = "https://www.find-tender.service.gov.uk/Notice/{ref}"

SUPPLIER_WORDS = {
    Lot.SupplierReservation.SME: (
        "Reserved for small and medium-sized enterprises (SMEs): only businesses with fewer "
        f"than {SME_STAFF_BELOW} staff can register interest"
    ),
    Lot.SupplierReservation.VCSE: (
        "Reserved for voluntary, community and social enterprises (VCSEs): only charities, "
        "community interest companies, co-operatives and other social enterprises can register "
        "interest"
    ),
    Lot.SupplierReservation.SME_VCSE: (
        "Reserved for small and medium-sized enterprises (SMEs) and voluntary, community and "
        f"social enterprises (VCSEs): only businesses with fewer than {SME_STAFF_BELOW} staff, "
        "or social enterprises of any size, can register interest"
    ),
}

SHORT_TAGS = {
    Lot.SupplierReservation.SME: "Reserved for SMEs",
    Lot.SupplierReservation.VCSE: "Reserved for VCSEs",
    Lot.SupplierReservation.SME_VCSE: "Reserved for SMEs and VCSEs",
}


def location_place(lot: Lot) -> str:
    """The place a location reservation admits suppliers from, as ``matching`` names it."""
    institution = lot.contract.institution
    kind = lot.reservation_location
    if kind == Lot.LocationReservation.UK:
        return "the UK"
    if kind == Lot.LocationReservation.AUTHORITY_AREA:
        return institution.home_area_name or "the buyer’s area"
    if kind == Lot.LocationReservation.AUTHORITY_AREA_AND_NEIGHBOURS:
        home = institution.home_area_name or "the buyer’s area"
        return f"{home} or a bordering county"
    if kind == Lot.LocationReservation.COUNTY:
        return institution.county_name or "the buyer’s county"
    return ""


def reservation_sentences(lot: Lot) -> list[str]:
    """Who may register interest, in words; the same rules ``matching`` enforces (PA23 s.85:
    a lawful reservation is the only bar to registering interest)."""
    if not lot.is_reserved:
        return ["Open to all suppliers: any business can register interest."]
    sentences = []
    if lot.reservation_suppliers in SUPPLIER_WORDS:
        sentences.append(SUPPLIER_WORDS[lot.reservation_suppliers] + ".")
    place = location_place(lot)
    if place:
        sentences.append(
            f"Reserved for suppliers based in {place}: only businesses based in {place} can "
            "register interest."
        )
    regime = REGIME_SHORT_NAMES.get(lot.contract.institution.reservation_regime)
    if regime:
        sentences.append(f"The buyer reserves this lot under {regime}.")
    return sentences


def reservation_tags(lot: Lot) -> list[str]:
    """Short labels for a result row, e.g. "Reserved for SMEs", "Reserved for Birmingham"."""
    tags = []
    if lot.reservation_suppliers in SHORT_TAGS:
        tags.append(SHORT_TAGS[lot.reservation_suppliers])
    place = location_place(lot)
    if place:
        tags.append(f"Reserved for suppliers in {place}")
    return tags


def target_words(lot: Lot) -> str:
    """The hyper-local target in words ("East Birmingham", "postcode districts B9 and B10")."""
    if lot.target_area_id:
        return lot.target_area.name
    districts = list(lot.target_districts)
    if not districts:
        return ""
    if len(districts) == 1:
        return f"postcode district {districts[0]}"
    return f"postcode districts {', '.join(districts[:-1])} and {districts[-1]}"


def delivery_words(lot: Lot) -> str:
    if lot.delivery_postcode:
        return lot.delivery_postcode
    return f"Postcode district {lot.delivery_district}"


def find_a_tender_url(lot: Lot) -> str:
    ref = lot.contract.find_a_tender_ref.strip()
    return FIND_A_TENDER_NOTICE_URL.format(ref=quote(ref, safe="")) if ref else ""


def result_row(lot: Lot) -> dict:
    """What a search result or home-page row shows about a lot."""
    return {
        "lot": lot,
        "contract": lot.contract,
        "institution": lot.contract.institution,
        "value": money(lot.value),
        "closes_at": lot.contract.closes_at,
        "target": target_words(lot),
        "delivery": delivery_words(lot),
        "reservations": reservation_tags(lot),
        "codes": [link.cpv_code for link in lot.cpv_links.all()],
    }
