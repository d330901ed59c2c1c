from django.contrib import admin

from core.models import AuditEvent, OutboundEmail, ReferenceFile


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by services and never edited by hand."""

    list_display = ("created_at", "actor", "verb", "target_repr")
    list_filter = ("verb", "target_type")
    search_fields = ("verb", "target_repr", "actor__email", "target_id")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "target_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "to", "subject", "kind", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to", "subject")
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected emails again")
    def resend(self, request, queryset):
        from core.tasks import email_send

        ids = list(queryset.exclude(status=OutboundEmail.Status.SENT).values_list("pk", flat=True))
        queryset.filter(pk__in=ids).update(status=OutboundEmail.Status.QUEUED)
        for pk in ids:
            email_send.delay(pk)
        self.message_user(request, f"{len(ids)} email(s) queued again.")


@admin.register(ReferenceFile)
class ReferenceFileAdmin(admin.ModelAdmin):
    """Read-only: which file each reference dataset was last loaded from (the loaders write it)."""

    list_display = ("dataset", "file_name", "shipped", "rows_loaded", "updated_at")
    readonly_fields = [f.name for f in ReferenceFile._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
