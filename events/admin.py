"""Read-only views of Meet the Buyer events for coordinators: the services own every write
(places, the waitlist and emails must go through them), so the admin only looks."""

from django.contrib import admin

from events.models import BuyerTable, Event, Invitation, Meeting, Registration
from matching.admin import ReadOnlyAdmin


class BuyerTableInline(admin.TabularInline):
    model = BuyerTable
    fields = ("number", "name", "institution", "buyers")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("title", "starts_at", "status_display", "capacity", "registration_deadline")
    search_fields = ("title", "venue_name", "venue_postcode")
    date_hierarchy = "starts_at"
    raw_id_fields = ("created_by",)
    inlines = [BuyerTableInline]

    @admin.display(description="status")
    def status_display(self, obj):
        return obj.get_status_display()


@admin.register(BuyerTable)
class BuyerTableAdmin(ReadOnlyAdmin):
    list_display = ("event", "number", "name", "institution")
    list_select_related = ("event", "institution")
    search_fields = ("name", "event__title", "institution__name")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("event", "business", "rank", "status", "source", "sent_at", "removed_at")
    list_filter = ("status", "source")
    list_select_related = ("event", "business")
    search_fields = ("business__name", "event__title")
    raw_id_fields = ("event", "business", "added_by")


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ("event", "business", "status", "attendance", "confirmed_at", "waitlisted_at")
    list_filter = ("status", "attendance")
    list_select_related = ("event", "business")
    search_fields = ("business__name", "event__title", "attendee_name", "attendee_email")
    raw_id_fields = ("event", "business", "registered_by")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("event", "table", "registration", "slot", "pinned")
    list_filter = ("pinned",)
    list_select_related = ("event", "table", "registration__business")
    raw_id_fields = ("event", "table", "registration")
