"""Reading OCDS files and turning each release into plain data the import service can apply.

No database here: the readers (``ocds.readers``, re-exported) accept release packages, record
packages, arrays of releases, single releases and JSON Lines; ``parse_release`` maps one release to a ``NoticeRelease`` or raises ``ReleaseSkipped`` saying why. What can be
repaired (HTML entities, ``\\r\\n``, unspaced postcodes) is repaired; what cannot be used but
need not stop the release (a value of ``1e9999``, a malformed postcode) is left out and noted.
"""

from __future__ import annotations

import contextlib
import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ocds.readers import (
    BrokenFile,
    RawRelease,
    load_json,
    releases_from_document,
    releases_from_text,
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
MAX_AMOUNT = Decimal("999999999999.99")  # what a DecimalField(14, 2) holds
TITLE_LENGTH = 200
CANCELLED_STATUSES = {"cancelled", "withdrawn"}
CANCELLATION_TAGS = {"tenderCancellation"}
CATEGORIES = {"goods": "goods", "services": "services", "works": "works"}
RESERVATIONS = {
    frozenset({"sme"}): "sme",
    frozenset({"vcse"}): "vcse",
    frozenset({"sme", "vcse"}): "sme_vcse",
}


class ReleaseSkipped(ValueError):
    """This release cannot become an opportunity; ``reason`` says why, for the report."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LotData:
    number: int
    title: str
    description: str
    value: Decimal | None
    cpv_codes: tuple[str, ...]
    postcode: str
    region: str


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
    reservation_suppliers: str
    lots: tuple[LotData, ...]
    awards: tuple[AwardData, ...]
    notes: tuple[str, ...] = field(default=())


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
    ocid, release_id = _text(data.get("ocid")), _text(data.get("id"))
    if not ocid or not release_id:
        if "url" in data and "tender" not in data:
            raise ReleaseSkipped("a linked release (only its URL): import the release itself")
        raise ReleaseSkipped("no ocid or no release id")
    released = _datetime(data.get("date"))
    if released is None:
        raise ReleaseSkipped("no release date, so it cannot be ordered against other releases")
    tender = data.get("tender")
    if not isinstance(tender, dict):
        raise ReleaseSkipped("no tender: a planning or contract-only release is not an opportunity")
    buyer_id, buyer_name = _buyer(data)
    if not buyer_name:
        raise ReleaseSkipped("no buyer name")
    notes: list[str] = []
    title = _clean(tender.get("title"))
    if not title:
        raise ReleaseSkipped("the tender has no title")
    if len(title) > TITLE_LENGTH:
        notes.append(f"title shortened to {TITLE_LENGTH} characters")
        title = title[: TITLE_LENGTH - 1].rstrip() + "…"
    source = _source(ocid, default_source)
    tags = tuple(t for t in _list(data.get("tag")) if isinstance(t, str))
    value = _amount(tender.get("value"), "tender value", notes)
    lots = _lots(tender, title, value, notes)
    if value is None and lots and all(lot.value is not None for lot in lots):
        value = sum((lot.value for lot in lots), Decimal(0))
    starts_on, ends_on = _period(tender.get("contractPeriod"), notes)
    suitability = tender.get("suitability") if isinstance(tender.get("suitability"), dict) else {}
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
        description=_clean(tender.get("description")),
        value=value,
        procurement_type=CATEGORIES.get(_text(tender.get("mainProcurementCategory")), "services"),
        published_at=_datetime(tender.get("datePublished")) or released,
        closes_at=_datetime(_dict(tender.get("tenderPeriod")).get("endDate")),
        starts_on=starts_on,
        ends_on=ends_on,
        cancelled=_text(tender.get("status")) in CANCELLED_STATUSES
        or bool(CANCELLATION_TAGS & set(tags)),
        suitable_for_sme=_bool(suitability.get("sme")),
        suitable_for_vcse=_bool(suitability.get("vcse")),
        reservation_suppliers=_reservation(tender, notes),
        lots=lots,
        awards=_awards(data, lots, released, notes),
        notes=tuple(notes),
    )


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _bool(value) -> bool | None:
    return value if isinstance(value, bool) else None


def _clean(value) -> str:
    """Plain text: HTML entities decoded (twice-escaped ones too), line ends normalised,
    trailing spaces and runs of blank lines removed."""
    if not isinstance(value, str):
        return ""
    for _ in range(2):
        value = html.unescape(value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in value.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _datetime(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def _buyer(data: dict) -> tuple[str, str]:
    buyer = _dict(data.get("buyer"))
    buyer_id, name = _text(buyer.get("id")), _clean(buyer.get("name"))
    if not name:
        for party in _list(data.get("parties")):
            party = _dict(party)
            if "buyer" in _list(party.get("roles")) and (
                not buyer_id or party.get("id") == buyer_id
            ):
                buyer_id, name = buyer_id or _text(party.get("id")), _clean(party.get("name"))
                break
    return buyer_id, name[:200]


def _source(ocid: str, default: str) -> str:
    for prefix, source in OCID_PREFIXES.items():
        if ocid.startswith(prefix):
            return source
    return default


def _amount(value, what: str, notes: list[str]) -> Decimal | None:
    """A usable amount in pounds, or None with a note saying why the published one is not."""
    if not isinstance(value, dict) or "amount" not in value:
        return None
    amount, currency = value.get("amount"), value.get("currency")
    if isinstance(amount, bool) or not isinstance(amount, (int, Decimal, str)):
        notes.append(f"{what} {amount!r} is not a number: stored without a value")
        return None
    try:
        amount = Decimal(str(amount).strip())
    except InvalidOperation:
        notes.append(f"{what} {value.get('amount')!r} is not a number: stored without a value")
        return None
    if currency not in (None, "GBP"):
        notes.append(f"{what} is in {currency}, not pounds: stored without a value")
        return None
    if not amount.is_finite() or amount > MAX_AMOUNT:
        notes.append(f"{what} {value.get('amount')} is not a usable amount: stored without a value")
        return None
    if amount <= 0:
        notes.append(f"{what} {amount} is not more than £0: stored without a value")
        return None
    return amount.quantize(Decimal("0.01"))


def _period(period, notes: list[str]) -> tuple[date | None, date | None]:
    period = _dict(period)
    start, end = _datetime(period.get("startDate")), _datetime(period.get("endDate"))
    starts_on, ends_on = (start.date() if start else None), (end.date() if end else None)
    if starts_on and ends_on and ends_on < starts_on:
        notes.append("the contract period ends before it starts: dates left out")
        return None, None
    return starts_on, ends_on


def _notice_url(data: dict, tender: dict, source: str, release_id: str) -> str:
    documents = [_dict(d) for d in _list(tender.get("documents"))]
    for document in documents:
        if document.get("documentType") == "tenderNotice" and _is_url(document.get("url")):
            return document["url"].strip()[:500]
    for link in (_dict(data.get("links")).get("self"), _dict(tender.get("links")).get("self")):
        if _is_url(link):
            return link.strip()[:500]
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
            *_list(holder.get("additionalClassifications")),
        ]
        for classification in map(_dict, classifications):
            if not classification or _text(classification.get("scheme")).upper() not in ("CPV", ""):
                continue
            try:
                codes.append(normalise_code(_text(classification.get("id"))))
            except InvalidCpvCode:
                notes.append(f"CPV code {classification.get('id')!r} is malformed: left out")
    return tuple(dict.fromkeys(codes))


def _place(items: list[dict], notes: list[str]) -> tuple[str, str]:
    """The first usable delivery postcode, and the first region, of some items."""
    postcode, region = "", ""
    for item in items:
        for address in map(_dict, _list(item.get("deliveryAddresses"))):
            raw = address.get("postalCode")
            if raw and not postcode:
                try:
                    postcode = Postcode.parse(raw).value
                except InvalidPostcode:
                    notes.append(f"delivery postcode {raw!r} is not a UK postcode: left out")
            region = region or _clean(address.get("region"))[:120]
    return postcode, region


def _lots(tender: dict, title: str, value: Decimal | None, notes: list[str]) -> tuple[LotData, ...]:
    items = [_dict(i) for i in _list(tender.get("items"))]
    ocds_lots = [_dict(lot) for lot in _list(tender.get("lots")) if isinstance(lot, dict)]
    if not ocds_lots:
        # Contracts Finder publishes no lots: the notice is one lot.
        postcode, region = _place(items, notes)
        return (
            LotData(
                number=1,
                title=title,
                description="",
                value=value,
                cpv_codes=_cpv_codes([tender, *items], notes),
                postcode=postcode,
                region=region,
            ),
        )
    lots = []
    for number, lot in enumerate(ocds_lots, start=1):
        key = _text(lot.get("id"))
        own_items = [i for i in items if _text(i.get("relatedLot")) == key] or items
        postcode, region = _place(own_items, notes)
        lot_title = _clean(lot.get("title")) or f"{title} (lot {number})"
        lots.append(
            LotData(
                number=number,
                title=lot_title[:TITLE_LENGTH],
                description=_clean(lot.get("description")),
                value=_amount(lot.get("value"), f"lot {number} value", notes),
                cpv_codes=_cpv_codes(own_items, notes) or _cpv_codes([tender], notes),
                postcode=postcode,
                region=region,
            )
        )
    return tuple(lots)


def _reservation(tender: dict, notes: list[str]) -> str:
    """A legal reservation only when the notice states one (``otherRequirements``)."""
    requirements = _dict(tender.get("otherRequirements"))
    reserved = {str(r).lower() for r in _list(requirements.get("reservedParticipation"))}
    if not reserved:
        return "none"
    mapped = RESERVATIONS.get(frozenset(reserved & {"sme", "vcse"}))
    if mapped is None:
        notes.append(
            f"reserved participation {sorted(reserved)} has no equivalent here: shown as open"
        )
        return "none"
    return mapped


def _awards(
    data: dict, lots: tuple[LotData, ...], released: datetime, notes: list[str]
) -> tuple[AwardData, ...]:
    postcodes = _party_postcodes(data)
    tender_lots = [
        lot for lot in _list(_dict(data.get("tender")).get("lots")) if isinstance(lot, dict)
    ]
    numbers = {_text(lot.get("id")): n for n, lot in enumerate(tender_lots, start=1)}
    found = []
    for index, award in enumerate(map(_dict, _list(data.get("awards"))), start=1):
        if _text(award.get("status")) not in ("", "active"):
            continue
        suppliers = [_dict(s) for s in _list(award.get("suppliers"))]
        names = [_clean(s.get("name")) for s in suppliers if _clean(s.get("name"))]
        if not names:
            notes.append(f"award {index} names no supplier: left out")
            continue
        related = [_text(key) for key in _list(award.get("relatedLots"))]
        lot_numbers = tuple(numbers[key] for key in related if key in numbers)
        if related and not lot_numbers:
            notes.append(f"award {index} is for lots the notice does not list: left out")
            continue
        awarded = _datetime(award.get("date")) or released
        found.append(
            AwardData(
                lot_numbers=lot_numbers or tuple(lot.number for lot in lots),
                supplier_name=", ".join(names)[:200],
                supplier_postcode=postcodes.get(_text(suppliers[0].get("id")), ""),
                value=_amount(award.get("value"), f"award {index} value", notes),
                awarded_on=timezone.localtime(awarded).date(),
            )
        )
    return tuple(found)


def _party_postcodes(data: dict) -> dict[str, str]:
    found = {}
    for party in map(_dict, _list(data.get("parties"))):
        with contextlib.suppress(InvalidPostcode):
            raw = _dict(party.get("address")).get("postalCode")
            found[_text(party.get("id"))] = Postcode.parse(raw).value
    return found
