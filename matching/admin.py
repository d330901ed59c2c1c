"""Read-only views of matches and interests for coordinators: the services own every write."""

from django.contrib import admin

from matching.models import Interest, Match


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ("lot", "business", "score", "notify", "computed_at", "notified_at")
    list_filter = ("notify", "engine_version")
    search_fields = ("business__name", "lot__title", "lot__contract__title")
    list_select_related = ("lot", "business")
    raw_id_fields = ("lot", "business")
    date_hierarchy = "computed_at"


@admin.register(Interest)
class InterestAdmin(ReadOnlyAdmin):
    list_display = ("lot", "business", "status", "registered_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("business__name", "lot__title", "lot__contract__title")
    list_select_related = ("lot", "business")
    raw_id_fields = ("lot", "business", "registered_by", "decided_by")
