"""Words the public pages say about an imported opportunity: where it came from (with the link
to the source notice), its suitability, and its region when the notice gives no postcode.

Pure functions of a lot fetched with its contract and ``import_details`` (as
``opportunities.selectors`` fetches them): no queries. A lot posted on LocalLots has no source
mark, suitability or region, and gets empty answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

from anchors.models import Contract, Lot
from ocds.models import ImportedLotDetails

NOT_PUBLISHED = "Not published"


@dataclass(frozen=True)
class Source:
    name: str  # "Contracts Finder"
    url: str  # the source notice, or ""

    @property
    def words(self) -> str:
        return f"From {self.name}"


def source(lot: Lot) -> Source | None:
    """Where an imported opportunity came from; None for one posted here."""
    contract = lot.contract
    if contract.source == Contract.Source.LOCALLOTS:
        return None
    return Source(name=contract.get_source_display(), url=contract.source_url)


def details(lot: Lot) -> ImportedLotDetails | None:
    try:
        return lot.import_details
    except ObjectDoesNotExist:
        return None


def suitability_labels(lot: Lot) -> list[str]:
    """ "Suitable for SMEs", "Suitable for VCSEs": what the buyer's notice says (advice, not a
    reservation)."""
    found = details(lot)
    if found is None:
        return []
    labels = []
    if found.suitable_for_sme:
        labels.append("Suitable for SMEs")
    if found.suitable_for_vcse:
        labels.append("Suitable for VCSEs")
    return labels


def region(lot: Lot) -> str:
    found = details(lot)
    return found.delivery_region if found is not None else ""


def delivery_words(lot: Lot, default: str) -> str:
    """Where it is delivered: ``default`` (the postcode or district) when the lot has one, else
    the notice's region, else that the notice does not say."""
    if lot.delivery_postcode or lot.delivery_district:
        return default
    place = region(lot)
    return f"{place} (the notice gives no postcode)" if place else NOT_PUBLISHED


def listing(lot: Lot, row: dict) -> dict:
    """A search result row (``opportunities.presenters.result_row``) with the source mark and
    the region of an imported opportunity."""
    return {**row, "source": source(lot), "delivery": delivery_words(lot, row["delivery"])}
