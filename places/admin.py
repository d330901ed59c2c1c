import contextlib

from django.contrib import admin

from places.models import (
    FullPostcode,
    NamedArea,
    NamedAreaDistrict,
    NamedAreaWard,
    PostcodeDistrict,
)
from places.postcodes import InvalidPostcode, Postcode, normalise_district


@admin.register(PostcodeDistrict)
class PostcodeDistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "post_town", "latitude", "longitude", "population"]
    list_filter = ["non_geographic", "area", "region"]
    search_fields = ["code", "name", "post_town"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(FullPostcode)
class FullPostcodeAdmin(admin.ModelAdmin):
    """Millions of rows: exact-match search, and no full count on every page."""

    list_display = ["postcode", "district_code", "ward_code", "latitude", "longitude", "imd_rank"]
    list_filter = [("terminated_on", admin.EmptyFieldListFilter)]
    search_fields = ["=postcode", "=district_code", "=ward_code", "=lsoa11_code", "=lsoa21_code"]
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at"]

    def get_search_results(self, request, queryset, search_term):
        """Find ``b94aa`` and ``b9`` too: normalise a postcode or district before matching."""
        try:
            search_term = f'"{Postcode.parse(search_term).value}"'  # quoted: one search term
        except InvalidPostcode:
            with contextlib.suppress(InvalidPostcode):
                search_term = normalise_district(search_term)
        return super().get_search_results(request, queryset, search_term)


class NamedAreaDistrictInline(admin.TabularInline):
    model = NamedAreaDistrict
    fields = ["district_code", "is_fringe"]
    extra = 0


class NamedAreaWardInline(admin.TabularInline):
    model = NamedAreaWard
    fields = ["ward_code", "ward_name"]
    extra = 0


@admin.register(NamedArea)
class NamedAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "built_in"]
    list_filter = ["built_in"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [NamedAreaDistrictInline, NamedAreaWardInline]


@admin.register(NamedAreaDistrict)
class NamedAreaDistrictAdmin(admin.ModelAdmin):
    list_display = ["district_code", "area", "is_fringe"]
    list_filter = ["area", "is_fringe"]
    list_select_related = ["area"]
    search_fields = ["district_code", "area__name"]


@admin.register(NamedAreaWard)
class NamedAreaWardAdmin(admin.ModelAdmin):
    list_display = ["ward_name", "ward_code", "area"]
    list_filter = ["area"]
    list_select_related = ["area"]
    search_fields = ["ward_name", "ward_code", "area__name"]
