"""Admin for the supply side, built for network coordinators to look things up.

Staff coordinators may view everything here without being granted Django permissions (they
read across the network); changing a profile needs those permissions (superusers), and is
audited. Members are managed by a business's owners through the services, which keep every
business with an owner, so they are read-only here; deactivation goes through its service too.
"""

import contextlib

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils.html import format_html_join
from django.utils.timezone import localtime

from core.exceptions import ApplicationError
from core.models import AuditEvent
from core.services import audit_event_record
from places.postcodes import InvalidPostcode, Postcode
from suppliers.models import Business, BusinessMember, BusinessSector, Certification
from suppliers.permissions import is_coordinator
from suppliers.services import business_deactivate

AUDIT_TRAIL_LENGTH = 20


class CoordinatorCanViewMixin:
    """Lets staff coordinators open these pages read-only, whatever their Django permissions."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request):
        return _staff_coordinator(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _staff_coordinator(request) or super().has_view_permission(request, obj)


def _staff_coordinator(request) -> bool:
    return request.user.is_staff and is_coordinator(request.user)


class BusinessMemberInline(CoordinatorCanViewMixin, admin.TabularInline):
    model = BusinessMember
    fields = ["user", "role", "created_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BusinessSectorInline(CoordinatorCanViewMixin, admin.TabularInline):
    model = BusinessSector
    fields = ["cpv_code", "division"]
    readonly_fields = ["division"]
    raw_id_fields = ["cpv_code"]
    extra = 0


@admin.register(Business)
class BusinessAdmin(CoordinatorCanViewMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "district",
        "size_class",
        "is_vcse",
        "legal_form",
        "is_active",
        "public_profile",
    ]
    list_filter = ["size_class", "is_vcse", "legal_form", "is_active", "public_profile", "district"]
    search_fields = [
        "name",
        "postcode",
        "companies_house_number",
        "charity_number",
        "members__user__email",
    ]
    readonly_fields = [
        "district",
        "size_class",
        "is_vcse",
        "is_active",
        "created_at",
        "updated_at",
        "audit_trail",
    ]
    filter_horizontal = ["certifications"]
    inlines = [BusinessMemberInline, BusinessSectorInline]
    actions = ["deactivate"]

    def has_add_permission(self, request):
        # A business is registered by a person, who becomes its owner (``business_create``).
        return False

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead: awards and the audit trail keep pointing at the business.
        return False

    def get_search_results(self, request, queryset, search_term):
        """Find "b94aa" too: a term that is a postcode is matched in its stored spelling."""
        with contextlib.suppress(InvalidPostcode):
            search_term = Postcode.parse(search_term).value
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Audit trail (latest first)")
    def audit_trail(self, obj):
        events = AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Business), target_id=str(obj.pk)
        ).select_related("actor")[:AUDIT_TRAIL_LENGTH]
        return format_html_join(
            "",
            "<p>{} {} {}</p>",
            (
                (f"{localtime(e.created_at):%d %b %Y %H:%M}", e.actor or "system", e.verb)
                for e in events
            ),
        )

    def has_deactivate_permission(self, request):
        # The service has the last word (owners or coordinators); this only offers the action.
        return _staff_coordinator(request)

    @admin.action(description="Deactivate the selected businesses", permissions=["deactivate"])
    def deactivate(self, request, queryset):
        done = 0
        for business in queryset.filter(is_active=True):
            try:
                business_deactivate(actor=request.user, business=business)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                continue
            done += 1
        self.message_user(request, f"{done} business(es) deactivated.")

    def save_model(self, request, obj, form, change):
        """A superuser's correction skips the services' rules but not validation or the trail."""
        super().save_model(request, obj, form, change)
        fields = form.changed_data
        audit_event_record(
            actor=request.user,
            verb="business.changed_in_admin",
            target=obj,
            summary={
                "before": {name: _audit_text(form.initial.get(name)) for name in fields},
                "after": {name: _audit_text(form.cleaned_data.get(name)) for name in fields},
            },
        )


def _audit_text(value) -> str | list[str]:
    """Readable, JSON-safe text for a form value (many-to-many values become sorted names)."""
    if isinstance(value, list | tuple | QuerySet):
        return sorted(str(item) for item in value)
    return "" if value is None else str(value)


@admin.register(BusinessMember)
class BusinessMemberAdmin(CoordinatorCanViewMixin, admin.ModelAdmin):
    """Read-only: owners manage members through the site, which keeps an owner on every business."""

    list_display = ["user", "business", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "business__name"]
    list_select_related = ["user", "business"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certification)
class CertificationAdmin(CoordinatorCanViewMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "url"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
