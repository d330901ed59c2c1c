"""Writes to a business's profile: register, update, deactivate."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.services import audit_event_record, task_enqueue_after_commit
from sectors import cpv
from sectors.models import CpvCode
from suppliers import permissions
from suppliers.models import (
    GENERATED_FIELDS,
    Business,
    BusinessMember,
    BusinessSector,
    Certification,
)

# Matching is above this app (DESIGN section 2): it is started by task name, after commit.
MATCH_BUSINESS_TASK = "matching.tasks.match_business"

if TYPE_CHECKING:
    from accounts.models import User

# Profile fields a member may change; ``sector_codes`` and ``certification_slugs`` also go.
PROFILE_FIELDS = (
    "name",
    "legal_form",
    "companies_house_number",
    "charity_number",
    "postcode",
    "staff_headcount",
    "annual_turnover",
    "max_contract_value",
    "concurrent_capacity",
    "description",
    "website",
    "public_profile",
    "social_enterprise_declared",
)
SECTOR_CODES = "sector_codes"
CERTIFICATION_SLUGS = "certification_slugs"


def _sector_codes(raw_codes: Iterable[str], errors: dict) -> list[str]:
    """Known 8-digit codes in the order given; problems go into ``errors["sector_codes"]``."""
    if isinstance(raw_codes, str):  # one code passed bare must not be read digit by digit
        raw_codes = [raw_codes]
    codes, problems = [], []
    for raw in raw_codes:
        try:
            codes.append(cpv.normalise_code(raw))
        except cpv.InvalidCpvCode:
            problems.append(f"“{raw}” is not a CPV code. {cpv.FORMAT_HINT}.")
    codes = list(dict.fromkeys(codes))
    known = set(CpvCode.objects.filter(code__in=codes).values_list("code", flat=True))
    problems += [
        f"We don't recognise the CPV code {code}. Check it on the CPV codes page, "
        "or pick your sector from the list."
        for code in codes
        if code not in known
    ]
    if problems:
        errors[SECTOR_CODES] = problems
    return codes


def _certifications(slugs: Iterable[str], errors: dict) -> list[Certification]:
    wanted = list(dict.fromkeys(slugs))
    found = Certification.objects.in_bulk(wanted, field_name="slug")
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        errors[CERTIFICATION_SLUGS] = [f"We don't know the certification “{s}”." for s in unknown]
    return [found[slug] for slug in wanted if slug in found]


def _full_clean(business: Business, errors: dict) -> None:
    """Run model validation, then raise its errors together with ``errors`` (if any)."""
    try:
        business.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _jsonable(value: Any) -> Any:
    """Audit summaries are JSON: money as its exact text, lists sorted so diffs read well."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"  # every Decimal here is money, stored to the penny
    if isinstance(value, list | tuple | set):
        return sorted(_jsonable(item) for item in value)
    return value


def _profile_values(business: Business, fields: Iterable[str]) -> dict:
    return {field: _jsonable(getattr(business, field)) for field in fields}


def _set_sectors(business: Business, codes: list[str]) -> None:
    """Make the business's sectors exactly ``codes``, touching only the rows that change."""
    business.sector_links.exclude(cpv_code__in=codes).delete()
    existing = set(business.sector_links.values_list("cpv_code_id", flat=True))
    new = [BusinessSector(business=business, cpv_code_id=c) for c in codes if c not in existing]
    BusinessSector.objects.bulk_create(new)


@transaction.atomic
def business_create(
    *,
    actor: User,
    name: str,
    legal_form: str,
    postcode: str,
    sector_codes: Iterable[str],
    staff_headcount: int | None,
    annual_turnover: Decimal | None = None,
    max_contract_value: Decimal | None = None,
    concurrent_capacity: int = 1,
    certification_slugs: Iterable[str] = (),
    companies_house_number: str = "",
    charity_number: str = "",
    description: str = "",
    website: str = "",
    public_profile: bool = False,
    social_enterprise_declared: bool = False,
) -> Business:
    """Register a business; ``actor`` becomes its owner (and so a supplier).

    Sectors may be given with or without check digits. A profile may start incomplete (no
    sectors, staff or capacity yet): ``Business.profile_missing`` says what is left.
    """
    permissions.ensure_signed_in(actor, "register a business")
    # The keyword arguments named like profile fields are exactly the model's fields.
    business = Business(**{key: value for key, value in locals().items() if key in PROFILE_FIELDS})
    errors: dict = {}
    codes = _sector_codes(sector_codes, errors)
    certifications = _certifications(certification_slugs, errors)
    _full_clean(business, errors)
    business.save()  # an INSERT returns the generated columns; an UPDATE does not (below)
    _set_sectors(business, codes)
    business.certifications.set(certifications)
    BusinessMember.objects.create(business=business, user=actor, role=BusinessMember.Role.OWNER)
    after = _profile_values(business, PROFILE_FIELDS)
    after |= {
        SECTOR_CODES: sorted(codes),
        CERTIFICATION_SLUGS: sorted(c.slug for c in certifications),
    }
    audit_event_record(
        actor=actor, verb="business.created", target=business, summary={"after": after}
    )
    task_enqueue_after_commit(MATCH_BUSINESS_TASK, business.pk)
    return business


def _relation_changes(business: Business, changes: dict, errors: dict) -> dict:
    """``{name: (before, after, rows)}`` for the sectors and certifications being replaced."""
    found = {}
    if SECTOR_CODES in changes:
        codes = _sector_codes(changes[SECTOR_CODES], errors)
        before = sorted(business.sector_links.values_list("cpv_code_id", flat=True))
        found[SECTOR_CODES] = (before, sorted(codes), codes)
    if CERTIFICATION_SLUGS in changes:
        rows = _certifications(changes[CERTIFICATION_SLUGS], errors)
        before = sorted(business.certifications.values_list("slug", flat=True))
        found[CERTIFICATION_SLUGS] = (before, sorted(row.slug for row in rows), rows)
    return found


def _replace_relations(business: Business, relations: dict, summary: dict) -> None:
    """Write the sectors and certifications that differ, and note them in the audit summary."""
    for name, (before, after, rows) in relations.items():
        if before == after:
            continue
        summary["before"][name], summary["after"][name] = before, after
        if name == SECTOR_CODES:
            _set_sectors(business, rows)
        else:
            business.certifications.set(rows)


@transaction.atomic
def business_update(*, actor: User, business: Business, **changes: Any) -> Business:
    """Change some of a business's profile; only its members may (coordinators only read).

    Takes any of ``PROFILE_FIELDS``, ``sector_codes`` and ``certification_slugs``; sectors and
    certifications given are replaced as a whole. Nothing is saved or audited when nothing
    actually changes (``"b94aa"`` for ``"B9 4AA"`` is no change).
    """
    unknown = set(changes) - {*PROFILE_FIELDS, SECTOR_CODES, CERTIFICATION_SLUGS}
    if unknown:
        raise TypeError(f"business_update() cannot change {', '.join(sorted(unknown))}")
    permissions.ensure_can_edit_business(actor, business)
    scalars = [field for field in PROFILE_FIELDS if field in changes]
    before = {field: getattr(business, field) for field in scalars}
    for field in scalars:
        setattr(business, field, changes[field])
    errors: dict = {}
    relations = _relation_changes(business, changes, errors)
    _full_clean(business, errors)
    changed = [field for field in scalars if getattr(business, field) != before[field]]
    summary = {
        "before": {field: _jsonable(before[field]) for field in changed},
        "after": _profile_values(business, changed),
    }
    _replace_relations(business, relations, summary)
    if not summary["after"]:
        return business
    business.save(update_fields=[*changed, "updated_at"])
    if changed:
        business.refresh_from_db(fields=GENERATED_FIELDS)
    audit_event_record(actor=actor, verb="business.updated", target=business, summary=summary)
    task_enqueue_after_commit(MATCH_BUSINESS_TASK, business.pk)
    return business


@transaction.atomic
def business_deactivate(*, actor: User, business: Business) -> Business:
    """Take a business out of matching and public lists; its owners or a coordinator may.

    Deactivating an inactive business changes nothing and records nothing.
    """
    permissions.ensure_can_deactivate_business(actor, business)
    if not business.is_active:
        return business
    business.is_active = False
    business.save(update_fields=["is_active", "updated_at"])
    audit_event_record(
        actor=actor,
        verb="business.deactivated",
        target=business,
        summary={"before": {"is_active": True}, "after": {"is_active": False}},
    )
    task_enqueue_after_commit(MATCH_BUSINESS_TASK, business.pk)  # withdraws its matches
    return business
