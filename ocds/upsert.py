"""Applying one normalised release to the buyer side: the external institution, the contract,
its lots (a notice without lots is one lot) with their stated reservations and what the notice
says of them that ``Lot`` cannot hold (``ImportedLotDetails``), CPV codes and awards.

Called by ``ocds.services`` inside a savepoint; raises ``ReleaseSkipped`` for a release that
must not be applied, and Django's ``ValidationError`` when a row would be invalid.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.text import slugify

from anchors.models import Award, Contract, Institution, Lot
from anchors.services.contracts import MATCH_LOT_TASK
from core.services import audit_event_record, task_enqueue_after_commit
from ocds.importer import LotData, NoticeRelease, ReleaseSkipped
from ocds.models import ExternalBuyer, ImportedLotDetails, ImportedRelease
from ocds.reservations import AUTHORITY_AND_NEIGHBOURS, AUTHORITY_AREA, COUNTY
from sectors.selectors import cpv_get_many

SOURCE_NAMES = dict(Contract.Source.choices)
# Where a location reservation's place lives: on the buyer, as for institutions posting here
# (``matching.inputs`` and ``opportunities.presenters`` read it from there).
PLACE_FIELDS = {
    AUTHORITY_AREA: "home_area_name",
    AUTHORITY_AND_NEIGHBOURS: "home_area_name",
    COUNTY: "county_name",
}


@dataclass
class Applied:
    outcome: str
    contract_id: int
    reason: str = ""
    notes: list[str] = field(default_factory=list)


def notice_apply(*, notice: NoticeRelease, where: dict, now: datetime) -> Applied:
    """Create or update the opportunity for ``notice.ocid`` from this release."""
    contract = (
        Contract.objects.select_for_update()
        .select_related("institution")
        .filter(ocid=notice.ocid)
        .exclude(source=Contract.Source.LOCALLOTS)
        .order_by("pk")
        .first()
    )
    institution, identifier = _find_buyer(notice)
    if contract is not None and (institution is None or institution.pk != contract.institution_id):
        # An ocid is one contracting process of one buyer: a release naming another buyer is
        # a publisher's error (or worse), and must not take over the first buyer's notice.
        raise ReleaseSkipped(
            f"this ocid already belongs to {contract.institution.name}'s opportunity, but the "
            f"release names {notice.buyer_name} as buyer: not applied"
        )
    if institution is None:
        institution = _create_buyer(notice)
    ExternalBuyer.objects.get_or_create(
        identifier=identifier, defaults={"name": notice.buyer_name, "institution": institution}
    )
    notes: list[str] = []
    if contract is None:
        contract = Contract(
            institution=institution, ocid=notice.ocid, published_at=notice.published_at
        )
        before = None
    else:
        latest = (
            contract.imported_releases.exclude(outcome=ImportedRelease.Outcome.OLDER)
            .order_by("-release_date", "-pk")
            .first()
        )
        if latest and notice.date < latest.release_date:
            _record(notice, contract, ImportedRelease.Outcome.OLDER, where, notes, now)
            return Applied(
                "unchanged",
                contract.pk,
                reason=f"older than release {latest.release_id} of "
                f"{latest.release_date:%Y-%m-%d %H:%M}, already applied",
            )
        before = _snapshot(contract)
    _set_reservation_places(institution, notice)
    lots = _save_contract(contract, notice, notes)
    _save_awards(lots, notice, notes)
    after = _snapshot(contract)
    if before is None:
        outcome = ImportedRelease.Outcome.CREATED
    elif before == after:
        outcome = ImportedRelease.Outcome.UNCHANGED
    else:
        outcome = ImportedRelease.Outcome.UPDATED
    _record(notice, contract, outcome, where, notes, now)
    if outcome != ImportedRelease.Outcome.UNCHANGED:
        audit_event_record(
            actor=None,
            verb=f"contract.import_{outcome}",
            target=contract,
            summary={"ocid": notice.ocid, "release": notice.release_id, **where},
        )
        if contract.published_at and not contract.cancelled_at:
            for lot in lots:
                task_enqueue_after_commit(MATCH_LOT_TASK, lot.pk)
    reason = "" if outcome != ImportedRelease.Outcome.UNCHANGED else "no differences"
    return Applied(str(outcome), contract.pk, reason=reason, notes=notes)


def _buyer_identifier(notice: NoticeRelease) -> str:
    return notice.buyer_id[:255] if notice.buyer_id else f"name:{notice.buyer_name.lower()}"[:255]


def _find_buyer(notice: NoticeRelease) -> tuple[Institution | None, str]:
    """The external institution this buyer already is, by identifier, else by name."""
    identifier = _buyer_identifier(notice)
    link = ExternalBuyer.objects.select_related("institution").filter(identifier=identifier).first()
    if link is not None:
        return link.institution, identifier
    by_name = (
        Institution.objects.filter(is_external=True, name__iexact=notice.buyer_name)
        .order_by("pk")
        .first()
    )
    return by_name, identifier


def _create_buyer(notice: NoticeRelease) -> Institution:
    digest = hashlib.sha1(_buyer_identifier(notice).encode()).hexdigest()[:8]
    institution = Institution(
        name=notice.buyer_name,
        slug=f"{slugify(notice.buyer_name)[:60] or 'buyer'}-{digest}",
        kind=Institution.Kind.OTHER,
        is_external=True,
    )
    institution.full_clean()
    institution.save()
    return institution


def _save_contract(contract: Contract, notice: NoticeRelease, notes: list[str]) -> list[Lot]:
    contract.title = notice.title
    contract.description = notice.description or notice.title
    contract.procurement_type = notice.procurement_type
    contract.estimated_value = notice.value
    contract.delivery_postcode = next((lot.postcode for lot in notice.lots if lot.postcode), "")
    contract.starts_on, contract.ends_on = notice.starts_on, notice.ends_on
    contract.closes_at = notice.closes_at
    contract.source = notice.source
    contract.source_url = notice.source_url
    if notice.cancelled:
        contract.cancelled_at = contract.cancelled_at or notice.date
        contract.cancel_reason = f"Cancelled on {SOURCE_NAMES[notice.source]}."
    else:
        contract.cancelled_at, contract.cancel_reason = None, ""
    if notice.value is None:
        notes.append("no value published: stored without one")
    # Imported notices may lack a value or a postcode; everything else is validated as usual.
    contract.full_clean(
        exclude=_missing(
            estimated_value=contract.estimated_value, delivery_postcode=contract.delivery_postcode
        )
    )
    contract.save()
    lots = [_save_lot(contract, data, notice.source, notes) for data in notice.lots]
    extra = contract.lots.exclude(number__in=[lot.number for lot in lots])
    for lot in extra:
        notes.append(f"lot {lot.number} is no longer in the notice: left as it was")
    codes = {code for lot in lots for code in lot.cpv_codes.all()}
    contract.cpv_codes.set(codes)
    return lots


def _missing(**values) -> list[str]:
    """The fields an imported notice left empty, which ``full_clean`` must not insist on."""
    return [name for name, value in values.items() if value in (None, "")]


def _set_reservation_places(institution: Institution, notice: NoticeRelease) -> None:
    """Record on the external buyer the place its notice reserves lots for.

    A buyer has one home area and one county here; a notice naming a different place than the
    buyer's earlier notices (or two places at once) cannot be represented, so it is refused
    rather than enforced against the wrong place."""
    wanted: dict[str, str] = {}
    for lot in notice.lots:
        reservation = lot.reservation
        name = PLACE_FIELDS.get(reservation.location)
        if name is None:
            continue
        current = wanted.get(name) or getattr(institution, name)
        if current and current.casefold() != reservation.place.casefold():
            raise ReleaseSkipped(
                f"lot {lot.number} is reserved for suppliers based in {reservation.place}, but "
                f"{institution.name} is recorded here with {current}, and a buyer has one such "
                "place: not imported"
            )
        wanted[name] = current or reservation.place
    changed = [name for name, place in wanted.items() if getattr(institution, name) != place]
    if changed:
        for name in changed:
            setattr(institution, name, wanted[name])
        institution.full_clean()
        institution.save(update_fields=[*changed, "updated_at"])


def _save_lot(contract: Contract, data: LotData, source: str, notes: list[str]) -> Lot:
    lot = contract.lots.filter(number=data.number).first()
    lot = lot or Lot(contract=contract, number=data.number)
    lot.title = data.title
    lot.description = data.description
    lot.value = data.value
    # The buyer's stated reservation, recorded as published (the buyer answers for its
    # legality), so that matching and interest registration enforce it as for any lot.
    reservation = data.reservation
    lot.reservation_suppliers = reservation.suppliers
    lot.reservation_location = reservation.location
    lot.reservation_rationale = (
        f"The buyer reserved this lot {reservation.describe()} in its notice on "
        f"{SOURCE_NAMES[source]}."
        if reservation.is_reserved
        else ""
    )
    lot.delivery_postcode = data.postcode
    if not data.postcode:
        lot.delivery_district = ""
        notes.append(
            f"lot {data.number}: no delivery postcode"
            + (f", only the region {data.region}" if data.region else "")
        )
    lot.full_clean(
        exclude=["contract", *_missing(value=data.value, delivery_district=data.postcode)]
    )
    lot.save()
    details = ImportedLotDetails.objects.filter(lot=lot).first() or ImportedLotDetails(lot=lot)
    details.suitable_for_sme = data.suitable_for_sme
    details.suitable_for_vcse = data.suitable_for_vcse
    details.delivery_region = data.region
    details.full_clean(exclude=["lot"])
    details.save()
    known = cpv_get_many(data.cpv_codes)
    unknown = sorted(set(data.cpv_codes) - {row.code for row in known})
    if unknown:
        notes.append(f"CPV code(s) {', '.join(unknown)} not in the CPV 2008 list: left out")
    if not known:
        notes.append(f"lot {data.number} has no known CPV code, so it cannot be matched")
    lot.cpv_codes.set(known)
    return lot


def _save_awards(lots: list[Lot], notice: NoticeRelease, notes: list[str]) -> None:
    by_number = {lot.number: lot for lot in lots}
    for award in notice.awards:
        for number in award.lot_numbers:
            lot = by_number.get(number)
            value = award.value or (lot.value if lot else None)
            if lot is None or value is None:
                notes.append(f"award to {award.supplier_name} has no lot or no value: left out")
                continue
            existing = Award.objects.filter(lot=lot).first()
            if existing is not None and existing.business_id:
                notes.append(f"lot {number} already has an award recorded here: kept")
                continue
            row = existing or Award(lot=lot)
            row.supplier_name = award.supplier_name
            row.supplier_postcode = award.supplier_postcode
            row.value = value
            row.awarded_on = award.awarded_on
            row.full_clean()
            row.save()


def _snapshot(contract: Contract) -> dict:
    """What an opportunity shows, to tell an update from a release that changed nothing."""
    fields = (
        "title",
        "description",
        "procurement_type",
        "estimated_value",
        "delivery_postcode",
        "starts_on",
        "ends_on",
        "closes_at",
        "cancelled_at",
        "source",
        "source_url",
    )
    lots = Lot.objects.filter(contract=contract).order_by("number")
    return {
        "contract": {name: getattr(contract, name) for name in fields},
        "lots": [
            (
                lot.number,
                lot.title,
                lot.description,
                lot.value,
                lot.delivery_postcode,
                lot.reservation_suppliers,
                lot.reservation_location,
            )
            for lot in lots
        ],
        "details": sorted(
            ImportedLotDetails.objects.filter(lot__contract=contract).values_list(
                "lot__number", "suitable_for_sme", "suitable_for_vcse", "delivery_region"
            )
        ),
        "cpv": sorted(
            Lot.cpv_codes.through.objects.filter(lot__contract=contract).values_list(
                "lot__number", "cpv_code_id"
            )
        ),
        "awards": sorted(
            Award.objects.filter(lot__contract=contract).values_list(
                "lot__number", "supplier_name", "value", "awarded_on"
            )
        ),
    }


def _record(notice, contract, outcome, where, notes, now) -> ImportedRelease:
    row = ImportedRelease(
        ocid=notice.ocid,
        release_id=notice.release_id[:256],
        contract=contract,
        source=notice.source,
        release_date=notice.date,
        tag=list(notice.tags),
        outcome=outcome,
        imported_at=now,
        suitable_for_sme=notice.suitable_for_sme,
        suitable_for_vcse=notice.suitable_for_vcse,
        delivery_region=next((lot.region for lot in notice.lots if lot.region), ""),
        report={**where, "notes": [*notice.notes, *notes]},
    )
    row.full_clean()
    row.save()
    return row
