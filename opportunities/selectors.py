"""Reads for the public side: opportunity search, the home page's figures, one opportunity,
and the officer's view of a lot's questions.

Every list selector fixes its joins, so its query count does not depend on the number of rows;
``tests/opportunities/test_search.py`` pins them. Drafts and cancelled contracts are never
found here: the public sees published lots only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from anchors.models import Contract, Institution, Lot, LotCpv, Question
from anchors.selectors import lot_questions_for_officer
from core.dates import EARLIEST_YEAR, LATEST_YEAR, within_years
from places.models import NamedArea, NamedAreaDistrict
from sectors import cpv
from suppliers.models import Business
from suppliers.selectors import DistrictFilter

SEARCH_PAGE_SIZE = 20
HOME_LATEST = 5
Q_MAX_LENGTH = 200
DATE_FORMAT_MESSAGE = "Enter a real date, for example 2026-03-31."


class CpvFormField(forms.CharField):
    """A CPV code at any level, with or without its check digit ("45000000-7")."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            return cpv.normalise_code(value)
        except cpv.InvalidCpvCode as exc:
            raise forms.ValidationError(f"{cpv.FORMAT_HINT}.", code="invalid") from exc


class CpvFilter(django_filters.CharFilter):
    field_class = CpvFormField


class TickBox(forms.CheckboxInput):
    """Ticked for "on" (what a browser sends), "1", "true" or "yes"; anything else is unticked,
    so a tampered value leaves the list alone rather than filtering it."""

    TICKED = {"on", "1", "true", "yes"}

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        return isinstance(value, str) and value.strip().lower() in self.TICKED


class CheckboxFilter(django_filters.BooleanFilter):
    field_class = forms.BooleanField


class SearchForm(forms.Form):
    """The filter form: a minimum above the maximum, or dates the wrong way round, are errors."""

    def clean(self):
        data = super().clean()
        low, high = data.get("value_min"), data.get("value_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "value_max", "The maximum value must be the same as or more than the minimum."
            )
        after, before = data.get("closing_after"), data.get("closing_before")
        if after and before and after > before:
            self.add_error(
                "closing_before",
                "The “closing before” date must be on or after the “closing after” date.",
            )
        return data


def _date_filter(*, method: str, label: str, hint: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        method=method,
        label=label,
        help_text=hint,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_FORMAT_MESSAGE},
        validators=[_sensible_year],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _sensible_year(value) -> None:
    """Closing dates from 1900 to 2999: beyond that the date arithmetic overflows."""
    if not within_years(value):
        raise forms.ValidationError(
            f"Enter a date between the years {EARLIEST_YEAR} and {LATEST_YEAR}."
        )


def _value_filter(*, lookup: str, label: str, which: str) -> django_filters.NumberFilter:
    message = f"Enter the {which} value in pounds, like 25000."
    return django_filters.NumberFilter(
        field_name="value",
        lookup_expr=lookup,
        label=label,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": message,
            "min_value": f"The {which} value must be £0 or more.",
            "max_digits": message,
            "max_decimal_places": "Enter pounds and pence, with at most 2 decimal places.",
            "max_whole_digits": message,
        },
    )


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class OpportunityFilter(django_filters.FilterSet):
    """The public search's filters; the names are the query keys (the API uses the same).

    A value that cannot be read is an error on its field and is left out of the search, so a
    tampered or mistyped address never fails: it shows the message and the other filters apply.
    """

    RESERVED_CHOICES = (
        ("sme", "Reserved for SMEs"),
        ("vcse", "Reserved for VCSEs"),
        ("location", "Reserved by location"),
        ("any", "Any reservation"),
    )
    SORT_CHOICES = (
        ("closing", "Closing soonest"),
        ("newest", "Newest"),
        ("value_high", "Highest value"),
        ("value_low", "Lowest value"),
    )

    q = django_filters.CharFilter(
        method="filter_q",
        label="Keywords",
        max_length=Q_MAX_LENGTH,
        help_text="Words in the title, description or buyer’s name",
    )
    cpv = CpvFilter(
        method="filter_cpv",
        label="Sector (CPV code)",
        help_text="A code at any level, like 45000000 for all construction work",
    )
    district = DistrictFilter(
        method="filter_district", label="Postcode district", help_text="For example, B9"
    )
    area = django_filters.ModelChoiceFilter(
        queryset=NamedArea.objects.order_by("name"),
        to_field_name="slug",
        method="filter_area",
        label="Named area",
        empty_label="Anywhere",
        error_messages={"invalid_choice": "Choose an area from the list."},
    )
    hyper_local = CheckboxFilter(
        method="filter_hyper_local", label="Hyper-local lots only", widget=TickBox
    )
    reserved = django_filters.ChoiceFilter(
        method="filter_reserved",
        label="Reservation",
        choices=RESERVED_CHOICES,
        empty_label="All lots, reserved or not",
        error_messages={"invalid_choice": "Choose a reservation from the list."},
    )
    value_min = _value_filter(
        lookup="gte", label="Minimum value (£, excluding VAT)", which="minimum"
    )
    value_max = _value_filter(
        lookup="lte", label="Maximum value (£, excluding VAT)", which="maximum"
    )
    closing_after = _date_filter(
        method="filter_closing_after", label="Closing on or after", hint="For example, 2026-03-31"
    )
    closing_before = _date_filter(
        method="filter_closing_before", label="Closing on or before", hint="For example, 2026-04-30"
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label="Sort by",
        choices=SORT_CHOICES,
        empty_label=None,
        error_messages={"invalid_choice": "Choose a sort order from the list."},
    )

    class Meta:
        model = Lot
        fields = []
        form = SearchForm

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Each table's match is its own subquery, so PostgreSQL can answer each from its trigram
        # index (anchors migration 0004) instead of testing four columns on every joined row.
        lots = Lot.objects.filter(Q(title__icontains=value) | Q(description__icontains=value))
        contracts = Contract.objects.filter(title__icontains=value)
        buyers = Institution.objects.filter(name__icontains=value)
        return queryset.filter(
            Q(pk__in=lots.values("pk"))
            | Q(contract_id__in=contracts.values("pk"))
            | Q(contract__institution_id__in=buyers.values("pk"))
        )

    def filter_cpv(self, queryset, name, value):
        prefix = cpv.significant_prefix(value)
        links = LotCpv.objects.filter(lot=OuterRef("pk"), division=cpv.division(value))
        if len(prefix) > 2:
            links = links.filter(cpv_code__code__startswith=prefix)
        return queryset.filter(Exists(links))

    def filter_district(self, queryset, name, value):
        in_area = NamedAreaDistrict.objects.filter(
            area_id=OuterRef("target_area_id"), district_code=value
        )
        return queryset.filter(
            Q(delivery_district=value) | _targets_district(value) | Exists(in_area)
        )

    def filter_area(self, queryset, name, value):
        districts = list(value.districts.values_list("district_code", flat=True))
        targeted = Q(target_area=value) | Q(delivery_district__in=districts)
        return queryset.filter(targeted | _targets_any_district(districts))

    def filter_hyper_local(self, queryset, name, value):
        return queryset.hyper_local() if value else queryset

    def filter_reserved(self, queryset, name, value):
        suppliers = Lot.SupplierReservation
        if value == "sme":
            return queryset.filter(reservation_suppliers__in=[suppliers.SME, suppliers.SME_VCSE])
        if value == "vcse":
            return queryset.filter(reservation_suppliers__in=[suppliers.VCSE, suppliers.SME_VCSE])
        if value == "location":
            return queryset.exclude(reservation_location=Lot.LocationReservation.NONE)
        return queryset.reserved()

    def filter_closing_after(self, queryset, name, value):
        return queryset.filter(contract__closes_at__gte=_start_of(value))

    def filter_closing_before(self, queryset, name, value):
        return queryset.filter(contract__closes_at__lt=_start_of(value + timedelta(days=1)))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDERS[value])


SORT_ORDERS = {
    "closing": ("contract__closes_at", "contract_id", "number"),
    "newest": ("-contract__published_at", "-contract_id", "number"),
    "value_high": ("-value", "pk"),
    "value_low": ("value", "pk"),
}


def _targets_district(district: str) -> Q:
    """The lot's own list of target districts names ``district`` (a JSON list of strings).

    A text match on the stored JSON (quotes included, so "B1" does not match "B10") works the
    same on SQLite and PostgreSQL; districts are stored normalised by ``lot_set_target_area``.
    """
    return Q(target_districts__icontains=f'"{district}"')


def _targets_any_district(districts: list[str]) -> Q:
    """The lot's list of target districts names any of ``districts``: one regular expression
    over the stored JSON rather than a LIKE per district (districts are letters and digits)."""
    names = sorted({d for d in districts if d.isalnum()})
    if not names:
        return Q(pk__in=[])
    return Q(target_districts__regex=f'"({"|".join(names)})"')


def _with_listing(lots: QuerySet[Lot]) -> QuerySet[Lot]:
    """What a result row shows: contract, buyer, target area, what an imported notice says
    (``ocds`` ``import_details``, in the same query) and codes (with labels)."""
    return lots.select_related(
        "contract__institution", "target_area", "import_details"
    ).prefetch_related(
        Prefetch("cpv_links", LotCpv.objects.select_related("cpv_code").order_by("cpv_code_id"))
    )


def opportunity_search(*, params: dict) -> tuple[QuerySet[Lot], OpportunityFilter]:
    """Lots open for interest, filtered by ``params`` (see ``OpportunityFilter``) and sorted
    (closing soonest by default).

    Returns the lots and the filterset (its form carries an error for each unreadable value,
    which is then ignored). Two queries to count and list a page, one for the codes; reading
    an ``area`` adds two.
    """
    lots = Lot.objects.open().order_by(*SORT_ORDERS["closing"])
    filterset = OpportunityFilter(params or None, queryset=lots)
    return _with_listing(filterset.qs), filterset


@dataclass(frozen=True)
class HomeFigures:
    open_lots: int
    open_value: Decimal
    hyper_local_lots: int
    businesses: int
    latest_hyper_local: list[Lot]


def home_figures() -> HomeFigures:
    """The home page's live counts and the newest open hyper-local lots; four queries."""
    open_lots = Lot.objects.open()
    totals = open_lots.aggregate(
        lots=Count("pk"),
        value=Sum("value"),
        hyper_local=Count("pk", filter=Q(target_area__isnull=False) | ~Q(target_districts=[])),
    )
    latest = _with_listing(open_lots.hyper_local()).order_by(*SORT_ORDERS["newest"])[:HOME_LATEST]
    return HomeFigures(
        open_lots=totals["lots"],
        open_value=totals["value"] or Decimal(0),
        hyper_local_lots=totals["hyper_local"],
        businesses=Business.objects.active().count(),
        latest_hyper_local=list(latest),
    )


def opportunity_get(*, lot_id: int) -> Lot:
    """One published lot of a contract that is not cancelled, with what its page shows.

    ``is_open`` says whether it still takes interest (and questions). Raises
    ``Lot.DoesNotExist`` for a draft, a cancelled contract's lot or no lot at all.
    """
    return (
        Lot.objects.published()
        .select_related("contract__institution", "target_area", "award", "import_details")
        .prefetch_related(
            Prefetch(
                "cpv_links", LotCpv.objects.select_related("cpv_code").order_by("cpv_code_id")
            ),
            "required_certifications",
        )
        .annotate(is_open=Exists(Lot.objects.open().filter(pk=OuterRef("pk"))))
        .get(pk=lot_id)
    )


def officer_lot_questions(*, user, lot_id: int) -> tuple[Lot, QuerySet[Question]]:
    """A lot of the officer's institution and its questions (unanswered first, with the asker).

    Raises ``Lot.DoesNotExist`` for no such lot and ``PermissionDenied`` when the user is not
    an officer of the lot's institution.
    """
    lot = Lot.objects.select_related("contract__institution").get(pk=lot_id)
    return lot, lot_questions_for_officer(user=user, lot=lot)
