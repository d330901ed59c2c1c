"""Reading OCDS files and turning each release into plain data the import service can apply.

No database here: the readers (``ocds.readers``, re-exported) accept release packages, record
packages, arrays of releases, single releases and JSON Lines; ``parse_release`` maps one
release to a ``NoticeRelease`` or raises ``ReleaseSkipped`` saying why. What can be repaired
(HTML entities, ``\\r\\n``, unspaced postcodes, "1,000.00") is repaired; what cannot be used
but need not stop the release (a value of ``1e9999``, a malformed postcode, a closing date in
the year 9999) is left out and noted. Single values are read by ``ocds.values``, reservations
by ``ocds.reservations``; whatever JSON a release holds, the outcome is a ``NoticeRelease`` or
``ReleaseSkipped``.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from ocds.readers import (
    BrokenFile,
    RawRelease,
    load_json,
    releases_from_document,
    releases_from_text,
)
from ocds.reservations import Reservation, UnrepresentableReservation, reservation_of
from ocds.values import (
    MAX_AMOUNT,
    UnusableValue,
    amount,
    as_bool,
    as_dict,
    as_list,
    clean,
    local_day,
    moment,
    optional_moment,
    period,
    shown,
    storable,
    text,
)
from places.postcodes import InvalidPostcode, Postcode
from sectors.cpv import InvalidCpvCode, normalise_code

CONTRACTS_FINDER = "contracts_finder"
FIND_A_TENDER = "find_a_tender"
OTHER_PUBLISHER = "ocds"
# OCDS ocid prefixes registered by the two UK services.
OCID_PREFIXES = {"ocds-b5fd17-": CONTRACTS_FINDER, "ocds-h6vhtk-": FIND_A_TENDER}
NOTICE_URLS = {
    CONTRACTS_FINDER: "https://www.contractsfinder.service.gov.uk/Notice/{}",
    FIND_A_TENDER: "https://www.find-tender.service.gov.uk/Notice/{}",
}
# Contracts Finder release ids are the notice's id plus "-<sequence>".
_CF_RELEASE_ID = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-\d+")
_FTS_NOTICE_ID = re.compile(r"\d{6}-\d{4}")
TITLE_LENGTH = 200
# The natural key is stored whole (``ImportedRelease``): a longer one could not be recognised
# when the release comes again, so it is refused rather than cut.
OCID_LENGTH, RELEASE_ID_LENGTH = 128, 256
# Far more lots than any real notice has (framework notices reach a few hundred); a release
# with more is a publishing error, and would make one release's import unreasonably slow.
MAX_LOTS = 1000
CANCELLED_STATUSES = {"cancelled", "withdrawn"}
CANCELLATION_TAGS = {"tenderCancellation"}
CATEGORIES = {"goods": "goods", "services": "services", "works": "works"}


class ReleaseSkipped(UnusableValue):
    """This release cannot become an opportunity; ``reason`` says why, for the report."""


@dataclass(frozen=True)
class LotData:
    number: int
    title: str
    description: str
    value: Decimal | None
    cpv_codes: tuple[str, ...]
    postcode: str
    region: str
    key: str = ""  # the OCDS lot id ("" for a notice without lots)
    suitable_for_sme: bool | None = None
    suitable_for_vcse: bool | None = None
    reservation: Reservation = field(default_factory=Reservation)


@dataclass(frozen=True)
class AwardData:
    lot_numbers: tuple[int, ...]
    supplier_name: str
    supplier_postcode: str
    value: Decimal | None
    awarded_on: date


@dataclass(frozen=True)
class NoticeRelease:
    """One release, normalised: everything the service needs and nothing it must re-check
    except what needs the database (CPV codes, the buyer, earlier releases)."""

    ocid: str
    release_id: str
    date: datetime
    tags: tuple[str, ...]
    source: str
    source_url: str
    buyer_id: str
    buyer_name: str
    title: str
    description: str
    value: Decimal | None
    procurement_type: str
    published_at: datetime
    closes_at: datetime | None
    starts_on: date | None
    ends_on: date | None
    cancelled: bool
    suitable_for_sme: bool | None
    suitable_for_vcse: bool | None
    lots: tuple[LotData, ...]
    awards: tuple[AwardData, ...]
    notes: tuple[str, ...] = ()


__all__ = [
    "BrokenFile",
    "NoticeRelease",
    "RawRelease",
    "ReleaseSkipped",
    "load_json",
    "parse_release",
    "releases_from_document",
    "releases_from_text",
]


def parse_release(data: object, *, default_source: str = OTHER_PUBLISHER) -> NoticeRelease:
    """Map one OCDS release to a ``NoticeRelease``; ``ReleaseSkipped`` if it cannot be one."""
    if not isinstance(data, dict):
        raise ReleaseSkipped(f"not a release (a JSON {type(data).__name__}, not an object)")
    ocid, release_id = _natural_key(data)
    released = _release_date(data.get("date"))
    tender = data.get("tender")
    if not isinstance(tender, dict):
        raise ReleaseSkipped("no tender: a planning or contract-only release is not an opportunity")
    buyer_id, buyer_name = _buyer(data)
    if not buyer_name:
        raise ReleaseSkipped("no buyer name")
    notes: list[str] = []
    title = clean(tender.get("title"))
    if not title:
        raise ReleaseSkipped("the tender has no title")
    if len(title) > TITLE_LENGTH:
        notes.append(f"title shortened to {TITLE_LENGTH} characters")
        title = title[: TITLE_LENGTH - 1].rstrip() + "…"
    source = _source(ocid, default_source)
    tags = tuple(tag for tag in map(text, as_list(data.get("tag"))) if tag)
    value = amount(tender.get("value"), "tender value", notes)
    lots = _lots(tender, title, value, notes)
    if value is None and lots and all(lot.value is not None for lot in lots):
        total = sum((lot.value for lot in lots), Decimal(0))
        value = total if total <= MAX_AMOUNT else None
    starts_on, ends_on = period(tender.get("contractPeriod"), "contract period", notes)
    suitability = as_dict(tender.get("suitability"))
    closing = as_dict(tender.get("tenderPeriod")).get("endDate")
    return NoticeRelease(
        ocid=ocid,
        release_id=release_id,
        date=released,
        tags=tags,
        source=source,
        source_url=_notice_url(data, tender, source, release_id),
        buyer_id=buyer_id,
        buyer_name=buyer_name,
        title=title,
        description=clean(tender.get("description")),
        value=value,
        procurement_type=CATEGORIES.get(text(tender.get("mainProcurementCategory")), "services"),
        published_at=optional_moment(tender.get("datePublished"), "publication date", notes)
        or released,
        closes_at=optional_moment(closing, "closing date (tenderPeriod.endDate)", notes),
        starts_on=starts_on,
        ends_on=ends_on,
        cancelled=text(tender.get("status")) in CANCELLED_STATUSES
        or bool(CANCELLATION_TAGS & set(tags)),
        suitable_for_sme=as_bool(suitability.get("sme")),
        suitable_for_vcse=as_bool(suitability.get("vcse")),
        lots=lots,
        awards=_awards(data, lots, released, notes),
        notes=tuple(notes),
    )


def _natural_key(data: dict) -> tuple[str, str]:
    ocid, release_id = text(data.get("ocid")), text(data.get("id"))
    if not ocid or not release_id:
        if "url" in data and "tender" not in data:
            raise ReleaseSkipped("a linked release (only its URL): import the release itself")
        raise ReleaseSkipped("no ocid or no release id")
    if len(ocid) > OCID_LENGTH:
        raise ReleaseSkipped(f"the ocid is longer than {OCID_LENGTH} characters")
    if len(release_id) > RELEASE_ID_LENGTH:
        raise ReleaseSkipped(f"the release id is longer than {RELEASE_ID_LENGTH} characters")
    return ocid, release_id


def _release_date(value) -> datetime:
    """The release's date, which orders it against the other releases of its ocid."""
    try:
        released = moment(value)
    except UnusableValue as exc:
        raise ReleaseSkipped(
            f"no usable release date ({exc.reason}), so it cannot be ordered against other releases"
        ) from None
    if released is None:
        raise ReleaseSkipped("no release date, so it cannot be ordered against other releases")
    return released


def _buyer(data: dict) -> tuple[str, str]:
    buyer = as_dict(data.get("buyer"))
    buyer_id, name = text(buyer.get("id")), clean(buyer.get("name"))
    if not name:
        for party in map(as_dict, as_list(data.get("parties"))):
            if "buyer" in as_list(party.get("roles")) and (
                not buyer_id or text(party.get("id")) == buyer_id
            ):
                buyer_id, name = buyer_id or text(party.get("id")), clean(party.get("name"))
                break
    return buyer_id, name[:200]


def _source(ocid: str, default: str) -> str:
    for prefix, source in OCID_PREFIXES.items():
        if ocid.startswith(prefix):
            return source
    return default


def _notice_url(data: dict, tender: dict, source: str, release_id: str) -> str:
    for document in map(as_dict, as_list(tender.get("documents"))):
        if document.get("documentType") == "tenderNotice" and _is_url(document.get("url")):
            return storable(document["url"]).strip()[:500]
    for link in (as_dict(data.get("links")).get("self"), as_dict(tender.get("links")).get("self")):
        if _is_url(link):
            return storable(link).strip()[:500]
    if source == CONTRACTS_FINDER and (match := _CF_RELEASE_ID.fullmatch(release_id)):
        return NOTICE_URLS[CONTRACTS_FINDER].format(match.group(1))
    if source == FIND_A_TENDER and _FTS_NOTICE_ID.fullmatch(release_id):
        return NOTICE_URLS[FIND_A_TENDER].format(release_id)
    return ""


def _is_url(value) -> bool:
    return isinstance(value, str) and value.strip().startswith(("https://", "http://"))


def _cpv_codes(holders: list[dict], notes: list[str]) -> tuple[str, ...]:
    codes = []
    for holder in holders:
        classifications = [
            holder.get("classification"),
            *as_list(holder.get("additionalClassifications")),
        ]
        for classification in map(as_dict, classifications):
            if not classification or text(classification.get("scheme")).upper() not in ("CPV", ""):
                continue
            try:
                codes.append(normalise_code(text(classification.get("id"))))
            except InvalidCpvCode:
                notes.append(f"CPV code {shown(classification.get('id'))} is malformed: left out")
    return tuple(dict.fromkeys(codes))


def _place(items: list[dict], notes: list[str]) -> tuple[str, str]:
    """The first usable delivery postcode, and the first region, of some items."""
    postcode, region = "", ""
    for item in items:
        for address in map(as_dict, as_list(item.get("deliveryAddresses"))):
            raw = address.get("postalCode")
            if raw and not postcode:
                try:
                    postcode = Postcode.parse(raw).value
                except InvalidPostcode:
                    notes.append(f"delivery postcode {shown(raw)} is not a UK postcode: left out")
            region = region or clean(address.get("region"))[:120]
    return postcode, region


def _suitability(own, general) -> tuple[bool | None, bool | None]:
    """``(sme, vcse)``: the lot's own statement, else the tender's."""
    own, general = as_dict(own), as_dict(general)
    sme, vcse = as_bool(own.get("sme")), as_bool(own.get("vcse"))
    return (
        as_bool(general.get("sme")) if sme is None else sme,
        as_bool(general.get("vcse")) if vcse is None else vcse,
    )


def _reservation(own, general, where: str) -> Reservation:
    try:
        return reservation_of(own, general)
    except UnrepresentableReservation as exc:
        raise ReleaseSkipped(
            f"{where} is {exc.reason}: not imported, since shown as open to all it would "
            "invite businesses that may not take part"
        ) from None


def _lots(tender: dict, title: str, value: Decimal | None, notes: list[str]) -> tuple[LotData, ...]:
    items = [as_dict(item) for item in as_list(tender.get("items"))]
    requirements, suitability = tender.get("otherRequirements"), tender.get("suitability")
    ocds_lots = []
    for index, lot in enumerate(as_list(tender.get("lots")), start=1):
        if isinstance(lot, dict):
            ocds_lots.append(lot)
        else:
            notes.append(f"tender lot {index} is not an object: left out")
    if len(ocds_lots) > MAX_LOTS:
        raise ReleaseSkipped(f"the notice lists {len(ocds_lots)} lots, more than {MAX_LOTS}")
    if not ocds_lots:
        # Contracts Finder publishes no lots: the notice is one lot.
        postcode, region = _place(items, notes)
        sme, vcse = _suitability(suitability, None)
        return (
            LotData(
                number=1,
                title=title,
                description="",
                value=value,
                cpv_codes=_cpv_codes([tender, *items], notes),
                postcode=postcode,
                region=region,
                suitable_for_sme=sme,
                suitable_for_vcse=vcse,
                reservation=_reservation(requirements, None, "the notice"),
            ),
        )
    keys = _lot_keys(ocds_lots)
    general = _general_items(items, set(keys) - {""}, notes)
    lots = []
    for number, (key, lot) in enumerate(zip(keys, ocds_lots, strict=True), start=1):
        own_items = [i for i in items if key and text(i.get("relatedLot")) == key] or general
        postcode, region = _place(own_items, notes)
        sme, vcse = _suitability(lot.get("suitability"), suitability)
        lot_title = clean(lot.get("title")) or f"{title} (lot {number})"
        lots.append(
            LotData(
                number=number,
                title=lot_title[:TITLE_LENGTH],
                description=clean(lot.get("description")),
                value=amount(lot.get("value"), f"lot {number} value", notes),
                cpv_codes=_cpv_codes(own_items, notes) or _cpv_codes([tender], notes),
                postcode=postcode,
                region=region,
                key=key,
                suitable_for_sme=sme,
                suitable_for_vcse=vcse,
                reservation=_reservation(
                    lot.get("otherRequirements"), requirements, f"lot {number}"
                ),
            )
        )
    return tuple(lots)


def _lot_keys(ocds_lots: list[dict]) -> list[str]:
    """Each lot's id; the same id twice makes items and awards ambiguous, so it is refused."""
    keys = [text(lot.get("id")) for lot in ocds_lots]
    repeated = sorted(key for key, times in Counter(keys).items() if key and times > 1)
    if repeated:
        raise ReleaseSkipped(
            f"the notice lists lot id {', '.join(map(repr, repeated))} more than once, so its "
            "items and awards cannot be told apart"
        )
    return keys


def _general_items(items: list[dict], keys: set[str], notes: list[str]) -> list[dict]:
    """Items for no lot in particular (they describe every lot); an item for a lot the notice
    does not list belongs to none and is left out."""
    general = []
    for index, item in enumerate(items, start=1):
        related = text(item.get("relatedLot"))
        if not related:
            general.append(item)
        elif related not in keys:
            notes.append(
                f"item {index} is for lot {shown(related)}, which the notice does not list"
            )
    return general


def _awards(
    data: dict, lots: tuple[LotData, ...], released: datetime, notes: list[str]
) -> tuple[AwardData, ...]:
    postcodes = _party_postcodes(data)
    numbers = {lot.key: lot.number for lot in lots if lot.key}
    found = []
    for index, award in enumerate(map(as_dict, as_list(data.get("awards"))), start=1):
        if text(award.get("status")) not in ("", "active"):
            continue
        suppliers = [as_dict(s) for s in as_list(award.get("suppliers"))]
        names = [name for name in (clean(s.get("name")) for s in suppliers) if name]
        if not names:
            notes.append(f"award {index} names no supplier: left out")
            continue
        related = [text(key) for key in as_list(award.get("relatedLots"))]
        lot_numbers = tuple(dict.fromkeys(numbers[key] for key in related if key in numbers))
        if related and not lot_numbers:
            notes.append(f"award {index} is for lots the notice does not list: left out")
            continue
        awarded = optional_moment(award.get("date"), f"award {index} date", notes) or released
        found.append(
            AwardData(
                lot_numbers=lot_numbers or tuple(lot.number for lot in lots),
                supplier_name=", ".join(names)[:200],
                supplier_postcode=postcodes.get(text(suppliers[0].get("id")), ""),
                value=amount(award.get("value"), f"award {index} value", notes),
                awarded_on=local_day(awarded),
            )
        )
    return tuple(found)


def _party_postcodes(data: dict) -> dict[str, str]:
    found = {}
    for party in map(as_dict, as_list(data.get("parties"))):
        with contextlib.suppress(InvalidPostcode):
            raw = as_dict(party.get("address")).get("postalCode")
            found[text(party.get("id"))] = Postcode.parse(raw).value
    return found
