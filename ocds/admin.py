from django.contrib import admin

from ocds.models import ExternalBuyer, ImportedLotDetails, ImportedRelease, ImportRun


@admin.register(ImportedRelease)
class ImportedReleaseAdmin(admin.ModelAdmin):
    list_display = ("ocid", "release_id", "source", "release_date", "outcome", "imported_at")
    list_filter = ("source", "outcome")
    search_fields = ("ocid", "release_id", "contract__title")
    raw_id_fields = ("contract",)
    list_select_related = ("contract",)
    date_hierarchy = "release_date"

    def has_add_permission(self, request):
        return False  # written by the import only


@admin.register(ImportedLotDetails)
class ImportedLotDetailsAdmin(admin.ModelAdmin):
    list_display = ("lot", "suitable_for_sme", "suitable_for_vcse", "delivery_region")
    list_filter = ("suitable_for_sme", "suitable_for_vcse")
    search_fields = ("lot__title", "lot__contract__ocid", "delivery_region")
    raw_id_fields = ("lot",)
    list_select_related = ("lot",)

    def has_add_permission(self, request):
        return False  # written by the import only


@admin.register(ExternalBuyer)
class ExternalBuyerAdmin(admin.ModelAdmin):
    list_display = ("identifier", "name", "institution")
    search_fields = ("identifier", "name", "institution__name")
    raw_id_fields = ("institution",)
    list_select_related = ("institution",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "status",
        "updated_from",
        "updated_to",
        "pages",
        "created",
        "updated",
        "unchanged",
        "skipped",
    )
    list_filter = ("status", "source")
    readonly_fields = ("cursor", "error")

    def has_add_permission(self, request):
        return False
