from django.contrib import admin

from sectors.models import CpvCode


@admin.register(CpvCode)
class CpvCodeAdmin(admin.ModelAdmin):
    """Reference data: normally loaded with ``load_cpv``; editing is for corrections only.

    The parent column shows the stored code rather than the related row, so the changelist
    needs no join; level and division are derived from the code when it is saved.
    """

    list_display = ("code", "check_digit", "label", "level", "division", "parent_code")
    list_filter = ("level", "division")
    search_fields = ("^code", "label")
    raw_id_fields = ("parent",)
    readonly_fields = ("level", "division", "created_at", "updated_at")
    ordering = ("code",)
    list_per_page = 100

    @admin.display(description="parent", ordering="parent_id")
    def parent_code(self, obj: CpvCode) -> str | None:
        return obj.parent_id  # None shows as the admin's empty-value dash

    def get_readonly_fields(self, request, obj=None):
        """The code is the primary key that other tables store: fixed once created."""
        if obj is not None:
            return ("code", *self.readonly_fields)
        return self.readonly_fields
