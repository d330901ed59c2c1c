from django.contrib import admin

from anchors.models import Award, Contract, Institution, Lot, LotCpv, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "threshold_class", "reservation_regime", "home_area_name")
    list_filter = ("kind", "threshold_class", "reservation_regime")
    search_fields = ("name", "slug", "home_area_name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "institution", "role", "created_at")
    list_filter = ("role", "institution")
    search_fields = ("user__email", "user__full_name", "institution__name")
    raw_id_fields = ("user",)
    list_select_related = ("user", "institution")


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    fields = (
        "number",
        "title",
        "value",
        "delivery_district",
        "target_area",
        "reservation_suppliers",
        "reservation_location",
    )
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # lots are made by splitting (contract_split_into_lots), never by hand here


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("published", "Published"), ("cancelled", "Cancelled")]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.drafts()
        if self.value() == "published":
            return queryset.published()
        if self.value() == "cancelled":
            return queryset.filter(cancelled_at__isnull=False)
        return queryset


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    """Contracts change through the buyer services (audit, legal checks); the admin reads."""

    list_display = (
        "title",
        "institution",
        "status_label",
        "estimated_value",
        "closes_at",
        "published_at",
    )
    list_filter = (StatusFilter, "procurement_type", "institution")
    search_fields = ("title", "description", "institution__name", "find_a_tender_ref")
    date_hierarchy = "created_at"
    inlines = [LotInline]
    list_select_related = ("institution",)

    def get_queryset(self, request):
        return super().get_queryset(request).with_status_facts()

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Contract._meta.concrete_fields] + ["cpv_codes"]

    @admin.display(description="status")
    def status_label(self, obj):
        return obj.get_status_display()

    def has_add_permission(self, request):
        return False


class LotCpvInline(admin.TabularInline):
    model = LotCpv
    extra = 0
    raw_id_fields = ("cpv_code",)
    readonly_fields = ("division",)


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "contract",
        "value",
        "delivery_district",
        "target_area",
        "reservation_suppliers",
        "reservation_location",
    )
    list_filter = (
        "reservation_suppliers",
        "reservation_location",
        "target_area",
        "contract__institution",
    )
    search_fields = ("title", "description", "contract__title", "delivery_district")
    list_select_related = ("contract", "target_area")
    inlines = [LotCpvInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Lot._meta.concrete_fields] + ["required_certifications"]

    def has_add_permission(self, request):
        return False


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("lot", "supplier_display", "value", "awarded_on")
    list_filter = ("awarded_on", "lot__contract__institution")
    search_fields = ("supplier_name", "business__name", "lot__title", "lot__contract__title")
    list_select_related = ("lot__contract", "business")
    raw_id_fields = ("lot", "business", "recorded_by")
    date_hierarchy = "awarded_on"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Award._meta.concrete_fields]

    def has_add_permission(self, request):
        return False
