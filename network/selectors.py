"""Reads for the network coordinator's dashboard: reach and local spend across institutions.

Every figure is an aggregate computed by the database: each table is one grouped query (or
one query with correlated subqueries), so the number of queries does not grow with the data.
Only network coordinators may read these figures (``ensure_role``); every public selector
checks that first and raises ``core.exceptions.PermissionDenied`` otherwise.

Definitions, in the words the dashboard uses:
- *Open lot*: ``Lot.objects.open()`` (published, before its closing date, not awarded). Values
  are in pounds excluding VAT.
- *Hyper-local*: a lot with a target area or target districts (``Lot.objects.hyper_local()``).
- *Interest*: an active interest (registered or shortlisted, not withdrawn nor declined).
- *Matched business*: a business the engine has matched to at least one lot of a published,
  not cancelled contract (dismissed matches included: the business was reached).
- *East Birmingham*: the built-in named area's postcode districts, fringe districts included
  (as ``BusinessQuerySet.in_area``). An award to an outside supplier counts as East
  Birmingham by its postcode; its size and VCSE status are unknown, so it is never counted as
  a micro-enterprise or VCSE.

With an institution filter every figure is limited to that institution's lots; an id that
names no institution is ignored (the whole network is shown, and ``Dashboard.institution_unknown``
says so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Left, StrIndex

from accounts.roles import Role, ensure_role
from anchors.models import Award, Institution, Lot
from matching.models import Interest, Match
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedAreaDistrict
from suppliers.models import Business
from suppliers.sizes import SizeClass

TABLES = ("districts", "institutions", "awards")
ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True, slots=True)
class Headline:
    open_lots: int
    open_value: Decimal
    hyper_local_lots: int
    hyper_local_percent: Decimal | None  # None when there are no open lots
    interests: int
    interested_businesses: int
    matched_businesses: int


@dataclass(frozen=True, slots=True)
class DistrictRow:
    district: str
    east_birmingham: str  # "core", "fringe" or "" (outside)
    matched: int
    micro: int
    vcse: int

    @property
    def east_birmingham_label(self) -> str:
        return {"core": "Yes", "fringe": "Partly (fringe district)"}.get(self.east_birmingham, "No")


@dataclass(frozen=True, slots=True)
class CountValue:
    """A number of awards, their value, and that value's share of the row's total value."""

    count: int
    value: Decimal
    percent: Decimal | None


@dataclass(frozen=True, slots=True)
class AwardRow:
    institution_id: int | None  # None for the all-institutions total
    institution_name: str
    total: CountValue
    east_birmingham: CountValue
    micro: CountValue
    vcse: CountValue
    east_birmingham_micro_or_vcse: CountValue


@dataclass(frozen=True, slots=True)
class AwardsTable:
    rows: list[AwardRow]
    total: AwardRow | None  # None when there are no awards


@dataclass(frozen=True, slots=True)
class InstitutionRow:
    institution_id: int
    institution_name: str
    open_lots: int
    open_value: Decimal
    hyper_local_lots: int
    interests: int
    awards: int
    award_value: Decimal


@dataclass(frozen=True, slots=True)
class Dashboard:
    institutions: list[Institution]  # every institution, for the filter
    institution: Institution | None  # the filter applied, if any
    institution_unknown: bool  # an id was given that names no institution
    headline: Headline
    districts: list[DistrictRow]
    awards: AwardsTable
    institution_rows: list[InstitutionRow]


@dataclass(frozen=True, slots=True)
class TableData:
    name: str
    institution: Institution | None
    rows: list[DistrictRow] | list[AwardRow] | list[InstitutionRow]


# --- Public selectors -----------------------------------------------------------------------


def network_dashboard(*, user, institution_id: int | None = None) -> Dashboard:
    """Everything the dashboard shows, for a coordinator, optionally for one institution."""
    ensure_role(user, Role.COORDINATOR)
    institutions = list(Institution.objects.order_by("name", "pk"))
    institution = next((i for i in institutions if i.pk == institution_id), None)
    east = _east_birmingham_districts()
    return Dashboard(
        institutions=institutions,
        institution=institution,
        institution_unknown=institution_id is not None and institution is None,
        headline=_headline(institution),
        districts=_districts(institution, east),
        awards=_awards(institution, east),
        institution_rows=_institution_rows(institution),
    )


def network_table(*, user, table: str, institution_id: int | None = None) -> TableData:
    """The rows of one dashboard table (``TABLES``) for download; ``KeyError`` if unknown."""
    ensure_role(user, Role.COORDINATOR)
    if table not in TABLES:
        raise KeyError(table)
    institution = Institution.objects.filter(pk=institution_id).first() if institution_id else None
    if table == "districts":
        rows = _districts(institution, _east_birmingham_districts())
    elif table == "awards":
        rows = _awards(institution, _east_birmingham_districts()).rows
    else:
        rows = _institution_rows(institution)
    return TableData(name=table, institution=institution, rows=rows)


# --- Tables ---------------------------------------------------------------------------------


def _headline(institution: Institution | None) -> Headline:
    hyper_local = Q(target_area__isnull=False) | ~Q(target_districts=[])
    lots = _for_institution(Lot.objects.open(), "contract__institution", institution)
    lot_figures = lots.aggregate(
        count=Count("pk"), value=Sum("value"), hyper_local=Count("pk", filter=hyper_local)
    )
    interests = _for_institution(_active_interests(), "lot__contract__institution", institution)
    interest_figures = interests.aggregate(
        count=Count("pk"), businesses=Count("business", distinct=True)
    )
    return Headline(
        open_lots=lot_figures["count"],
        open_value=lot_figures["value"] or ZERO,
        hyper_local_lots=lot_figures["hyper_local"],
        hyper_local_percent=_percent(lot_figures["hyper_local"], lot_figures["count"]),
        interests=interest_figures["count"],
        interested_businesses=interest_figures["businesses"],
        matched_businesses=_matched_businesses(institution).count(),
    )


def _districts(institution: Institution | None, east: dict[str, str]) -> list[DistrictRow]:
    grouped = (
        _matched_businesses(institution)
        .order_by()
        .values("district")
        .annotate(
            matched=Count("pk"),
            micro=Count("pk", filter=Q(size_class=SizeClass.MICRO)),
            vcse=Count("pk", filter=Q(is_vcse=True)),
        )
    )
    rows = [
        DistrictRow(
            district=row["district"] or "Unknown",
            east_birmingham=east.get(row["district"], ""),
            matched=row["matched"],
            micro=row["micro"],
            vcse=row["vcse"],
        )
        for row in grouped
    ]
    return sorted(rows, key=lambda row: (-row.matched, _district_sort_key(row.district)))


AWARD_GROUPS = ("east_birmingham", "micro", "vcse", "east_birmingham_micro_or_vcse")


def _awards(institution: Institution | None, east: dict[str, str]) -> AwardsTable:
    in_east = Q(business__district__in=list(east)) | Q(
        business__isnull=True, supplier_district__in=list(east)
    )
    micro = Q(business__size_class=SizeClass.MICRO)
    vcse = Q(business__is_vcse=True)
    conditions = dict(
        zip(AWARD_GROUPS, (in_east, micro, vcse, in_east & (micro | vcse)), strict=True)
    )
    aggregates = {"total_count": Count("pk"), "total_value": Sum("value")}
    for group, condition in conditions.items():
        aggregates[f"{group}_count"] = Count("pk", filter=condition)
        aggregates[f"{group}_value"] = Sum("value", filter=condition)
    awards = _for_institution(Award.objects.all(), "lot__contract__institution", institution)
    grouped = (
        awards.alias(
            supplier_district=Left(
                "supplier_postcode", StrIndex("supplier_postcode", Value(" ")) - 1
            )
        )
        .order_by()
        .values("lot__contract__institution_id", "lot__contract__institution__name")
        .annotate(**aggregates)
        .order_by("lot__contract__institution__name", "lot__contract__institution_id")
    )
    rows = [
        _award_row(
            row["lot__contract__institution_id"], row["lot__contract__institution__name"], row
        )
        for row in grouped
    ]
    if not rows:
        return AwardsTable(rows=[], total=None)
    totals = {
        key: sum((getattr(getattr(row, group), part) for row in rows), start=0)
        for group in ("total", *AWARD_GROUPS)
        for part, key in (("count", f"{group}_count"), ("value", f"{group}_value"))
    }
    return AwardsTable(rows=rows, total=_award_row(None, "All institutions", totals))


def _award_row(institution_id, name: str, figures: dict) -> AwardRow:
    total_value = figures["total_value"] or ZERO

    def cell(group: str) -> CountValue:
        value = figures[f"{group}_value"] or ZERO
        return CountValue(
            count=figures[f"{group}_count"], value=value, percent=_percent(value, total_value)
        )

    return AwardRow(
        institution_id=institution_id,
        institution_name=name,
        total=cell("total"),
        **{group: cell(group) for group in AWARD_GROUPS},
    )


def _institution_rows(institution: Institution | None) -> list[InstitutionRow]:
    open_lots = Lot.objects.open()
    hyper_local = Lot.objects.open().hyper_local()
    path = "contract__institution"
    institutions = _for_institution(Institution.objects.all(), "pk", institution).annotate(
        open_lots=_per_institution(open_lots, path, Count("pk")),
        open_value=_per_institution(open_lots, path, Sum("value")),
        hyper_local_lots=_per_institution(hyper_local, path, Count("pk")),
        interests=_per_institution(_active_interests(), f"lot__{path}", Count("pk")),
        awards=_per_institution(Award.objects.all(), f"lot__{path}", Count("pk")),
        award_value=_per_institution(Award.objects.all(), f"lot__{path}", Sum("value")),
    )
    return [
        InstitutionRow(
            institution_id=row.pk,
            institution_name=row.name,
            open_lots=row.open_lots,
            open_value=row.open_value,
            hyper_local_lots=row.hyper_local_lots,
            interests=row.interests,
            awards=row.awards,
            award_value=row.award_value,
        )
        for row in institutions.order_by("name", "pk")
    ]


# --- Helpers --------------------------------------------------------------------------------


def _for_institution(queryset: QuerySet, path: str, institution: Institution | None):
    return queryset.filter(**{path: institution.pk}) if institution else queryset


def _active_interests() -> QuerySet:
    return Interest.objects.filter(status__in=Interest.ACTIVE_STATUSES)


def _matched_businesses(institution: Institution | None) -> QuerySet:
    matches = _for_institution(
        Match.objects.filter(business=OuterRef("pk")).filter(
            lot__contract__published_at__isnull=False, lot__contract__cancelled_at__isnull=True
        ),
        "lot__contract__institution",
        institution,
    )
    return Business.objects.filter(Exists(matches))


def _per_institution(queryset: QuerySet, path: str, aggregate):
    """A correlated subquery: ``aggregate`` over the rows of ``queryset`` for each institution."""
    is_money = isinstance(aggregate, Sum)
    output = MONEY if is_money else IntegerField()
    grouped = (
        queryset.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(result=aggregate)
        .values("result")
    )
    return Coalesce(
        Subquery(grouped, output_field=output),
        Value(ZERO if is_money else 0, output_field=output),
        output_field=output,
    )


def _east_birmingham_districts() -> dict[str, str]:
    """East Birmingham's districts: ``{"B9": "core", "B12": "fringe", ...}`` (one query)."""
    rows = NamedAreaDistrict.objects.filter(area__slug=EAST_BIRMINGHAM_SLUG).values_list(
        "district_code", "is_fringe"
    )
    return {code: "fringe" if is_fringe else "core" for code, is_fringe in rows}


def _percent(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal place; None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


_DISTRICT = re.compile(r"^([A-Z]+)(\d+)([A-Z]?)$")


def _district_sort_key(district: str) -> tuple:
    """B2 before B10 (postcode order rather than text order); odd values last."""
    match = _DISTRICT.match(district)
    if not match:
        return ("~", 0, district)
    area, number, suffix = match.groups()
    return (area, int(number), suffix)
