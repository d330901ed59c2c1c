"""Reads of businesses for pages, the API and other apps.

Each selector fixes its joins, so its query count does not grow with the number of businesses;
``tests/suppliers/test_selectors.py`` pins them. Permission refusals raise
``core.exceptions.PermissionDenied``; a missing business raises ``Business.DoesNotExist``
(a 404).
"""

import django_filters
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Prefetch, Q, QuerySet

from places.fields import PostcodeDistrictFormField
from places.models import NamedArea
from suppliers import permissions
from suppliers.models import Business, BusinessMember, BusinessSector


def _with_profile(businesses: QuerySet[Business]) -> QuerySet[Business]:
    """Sectors (with their labels) and certifications: what a profile or a list row shows."""
    sectors = Prefetch("sector_links", BusinessSector.objects.select_related("cpv_code"))
    return businesses.prefetch_related(sectors, "certifications")


def _with_members(businesses: QuerySet[Business]) -> QuerySet[Business]:
    """Members and their accounts; also lets permission checks answer without a query."""
    members = Prefetch("members", BusinessMember.objects.select_related("user"))
    return businesses.prefetch_related(members)


def business_get_for_user(*, user, business_id: int) -> Business:
    """A business with its sectors, certifications and members, for a member or coordinator.

    Four queries. Raises ``Business.DoesNotExist`` when there is no such business and
    ``PermissionDenied`` when the user is neither a member nor a coordinator.
    """
    business = _with_members(_with_profile(Business.objects.all())).get(pk=business_id)
    permissions.ensure_can_view_private_business(user, business)
    return business


def businesses_for_user(*, user) -> QuerySet[Business]:
    """The businesses the user acts for, by name (all of them for a coordinator); one query."""
    if permissions.is_coordinator(user):
        return Business.objects.all()
    if not user.is_authenticated:
        return Business.objects.none()
    return Business.objects.filter(members__user=user)


def businesses_of_member(*, user) -> QuerySet[Business]:
    """The businesses the user belongs to, by name (a coordinator is not a member); one query."""
    if not user.is_authenticated or not user.is_active:
        return Business.objects.none()
    return Business.objects.filter(members__user=user).order_by("name", "pk")


class DistrictFilter(django_filters.CharFilter):
    """A postcode district in any spelling ("b9"), refused when it is not one."""

    field_class = PostcodeDistrictFormField


class BusinessFilter(django_filters.FilterSet):
    """Filters a coordinator's (or member's) list of businesses; names are the query keys."""

    q = django_filters.CharFilter(method="filter_q", label="Name or postcode contains")
    size_class = django_filters.ChoiceFilter(choices=Business.SizeClass.choices)
    legal_form = django_filters.ChoiceFilter(choices=Business.LegalForm.choices)
    is_vcse = django_filters.BooleanFilter()
    is_active = django_filters.BooleanFilter()
    public_profile = django_filters.BooleanFilter()
    district = DistrictFilter(method="filter_district", label="Postcode district")
    division = django_filters.CharFilter(
        method="filter_division",
        label="CPV division",
        validators=[RegexValidator(r"^\d{2}$", "Enter a CPV division: two digits, like 55.")],
    )
    area = django_filters.ModelChoiceFilter(
        queryset=NamedArea.objects.all(), to_field_name="slug", method="filter_area"
    )

    class Meta:
        model = Business
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(postcode__icontains=value))

    def filter_district(self, queryset, name, value):
        return queryset.in_districts([value])

    def filter_division(self, queryset, name, value):
        return queryset.with_sector_division([value])

    def filter_area(self, queryset, name, value):
        return queryset.in_area(value)


def business_list(*, user, filters: dict | None = None) -> QuerySet[Business]:
    """Businesses the user may list, filtered (see ``BusinessFilter``), with profiles joined.

    Coordinators list every business; anyone else lists their own. Four queries however many
    rows (one more to read an ``area`` filter's slug). Raises ``ValidationError`` for a filter
    value that cannot be read.
    """
    filterset = BusinessFilter(filters or {}, queryset=businesses_for_user(user=user))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors.as_data())
    return _with_members(_with_profile(filterset.qs)).order_by("name", "pk")


def public_business_list() -> QuerySet[Business]:
    """Active businesses that opted in to a public profile, by name; three queries."""
    return _with_profile(Business.objects.public()).order_by("name", "pk")


def public_business_get(*, business_id: int) -> Business:
    """One public profile; ``Business.DoesNotExist`` unless it is public and active."""
    return _with_profile(Business.objects.public()).get(pk=business_id)
