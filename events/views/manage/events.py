"""The events: the list, creating and changing one, its overview (next steps, lifecycle buttons,
links to every page and download) and the outcome report.
"""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.web import coordinator_required
from core.web import SERVICE_ERRORS, apply_service_errors, money, service_errors
from events import reports, selectors
from events.forms.manage import (
    CancelEventForm,
    EventForm,
)
from events.models import Event, Invitation
from events.services import events as event_services
from events.views.manage.common import (
    event_or_404,
)

EVENTS_PER_PAGE = 20


@require_safe
@coordinator_required
def event_list(request):
    paginator = Paginator(selectors.events_for_coordinator(), EVENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {
            "event": event,
            "status": event.status,
            "confirmed": event.confirmed_count,
            "waitlisted": event.waitlisted_count,
        }
        for event in page
    ]
    return render(request, "events/manage/list.html", {"rows": rows, "page_obj": page})


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    form = EventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_services.event_create(user=request.user, **form.service_kwargs())
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"You have created “{event.title}” as a draft. Add the buyer tables, then "
                "publish it.",
            )
            return redirect("events:manage_detail", pk=event.pk)
    return _render_form(request, form, None)


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int):
    event = event_or_404(request, pk)
    form = EventForm(request.POST if request.method == "POST" else None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.event_update(
                user=request.user,
                event=event,
                **form.service_kwargs(),
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Event details saved.")
            return redirect("events:manage_detail", pk=event.pk)
    return _render_form(request, form, event)


def _render_form(request, form: EventForm, event: Event | None):
    return render(
        request,
        "events/manage/event_form.html",
        {"form": form, "event": event, "lots_available": form.fields["lots"].queryset.exists()},
    )


@require_safe
@coordinator_required
def event_overview(request, pk: int):
    return _render_overview(request, event_or_404(request, pk))


def _render_overview(request, event: Event, *, errors=None):
    counts = _counts(event)
    status = event.status
    context = {
        "event": event,
        "status": status,
        "errors": errors or [],
        "counts": counts,
        "stats": _overview_stats(event, counts),
        "next_steps": _next_steps(event, status, counts),
        "actions": {
            "publish": status == Event.Status.DRAFT,
            "close": status == Event.Status.OPEN,
            "edit": status not in (Event.Status.CANCELLED, Event.Status.FINISHED),
            "cancel": status not in (Event.Status.CANCELLED, Event.Status.FINISHED),
        },
        "meetings_start": timezone.localtime(event.meetings_start_at),
        "institutions": sorted(event.institutions.all(), key=lambda i: i.name),
        "sectors": list(event.focus_sectors.all()),
        "lots": list(event.lots.all()),
        "tables": list(event.tables.all()),
    }
    return render(request, "events/manage/overview.html", context)


def _counts(event: Event) -> dict:
    """The figures on the overview; the event comes from ``event_get_for_coordinator`` with its
    registration and table counts, so this adds two small queries."""
    invitations = dict(
        event.invitations.on_list().order_by().values_list("status").annotate(n=Count("pk"))
    )
    return {
        "tables": event.table_count,
        "invitations": sum(invitations.values()),
        "proposed": invitations.get(Invitation.Status.PROPOSED, 0),
        "confirmed": event.confirmed_count,
        "waitlisted": event.waitlisted_count,
        "meetings": event.meetings.count(),
    }


def _overview_stats(event: Event, counts: dict) -> list[dict]:
    return [
        {
            "figure": f"{counts['confirmed']} of {event.capacity}",
            "label": "Places taken",
            "hint": f"{counts['waitlisted']} on the waitlist.",
        },
        {"figure": counts["tables"], "label": "Buyer tables", "hint": ""},
        {
            "figure": counts["invitations"],
            "label": "On the invite list",
            "hint": f"{counts['proposed']} not sent yet.",
        },
        {"figure": counts["meetings"], "label": "Meetings scheduled", "hint": ""},
    ]


def _next_steps(event: Event, status: str, counts: dict) -> list[dict]:
    """What the coordinator would do next, in order, as links to the page where they do it."""
    pk = event.pk
    steps = []
    if status in (Event.Status.CANCELLED, Event.Status.FINISHED):
        return steps
    if not counts["tables"]:
        steps.append(
            {"text": "Add a buyer table", "url": reverse("events:manage_tables", args=[pk])}
        )
    if status == Event.Status.DRAFT:
        steps.append({"text": "Publish the event (below) so businesses can register", "url": ""})
    if not counts["invitations"]:
        steps.append(
            {
                "text": "Generate the invite list from matches",
                "url": reverse("events:manage_invitations", args=[pk]),
            }
        )
    elif counts["proposed"] and status == Event.Status.OPEN:
        steps.append(
            {
                "text": f"Send {counts['proposed']} invitation{'s' if counts['proposed'] != 1 else ''}",
                "url": reverse("events:manage_invitations", args=[pk]),
            }
        )
    if counts["confirmed"] and not event.schedule_generated_at:
        steps.append(
            {
                "text": "Generate the 1:1 schedule",
                "url": reverse("events:manage_schedule", args=[pk]),
            }
        )
    elif event.schedule_generated_at and not event.schedule_sent_at and counts["meetings"]:
        steps.append(
            {
                "text": "Send each business its schedule",
                "url": reverse("events:manage_schedule", args=[pk]),
            }
        )
    return steps


@coordinator_required
@require_POST
def event_publish(request, pk: int):
    event = event_or_404(request, pk)
    try:
        event_services.event_publish(user=request.user, event=event)
    except SERVICE_ERRORS as exc:
        return _render_overview(request, event_or_404(request, pk), errors=service_errors(exc))
    messages.success(request, f"You have published “{event.title}”. Businesses can now register.")
    return redirect("events:manage_detail", pk=pk)


@coordinator_required
@require_POST
def event_close_registration(request, pk: int):
    event = event_or_404(request, pk)
    try:
        event_services.event_close_registration(user=request.user, event=event)
    except SERVICE_ERRORS as exc:
        return _render_overview(request, event_or_404(request, pk), errors=service_errors(exc))
    messages.success(
        request, "Registration is closed. Businesses on the waitlist keep their place in it."
    )
    return redirect("events:manage_detail", pk=pk)


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_cancel(request, pk: int):
    event = event_or_404(request, pk)
    form = CancelEventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            event_services.event_cancel(
                user=request.user,
                event=event,
                reason=form.cleaned_data["reason"],
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"You have cancelled “{event.title}”. We are emailing every business that was "
                "registered or on the waitlist.",
            )
            return redirect("events:manage_detail", pk=pk)
    active = event.registrations.active().count()
    return render(
        request, "events/manage/cancel.html", {"form": form, "event": event, "active": active}
    )


@require_safe
@coordinator_required
def outcomes(request, pk: int):
    event = event_or_404(request, pk)
    report = reports.outcome_report(event=event)
    funnel = report.funnel
    return render(
        request,
        "events/manage/outcomes.html",
        {
            "event": event,
            "funnel": [
                {
                    "figure": funnel.attended,
                    "label": "Attended",
                    "hint": f"{funnel.no_shows} did not come; "
                    f"{funnel.attendance_unknown} not recorded.",
                },
                {
                    "figure": funnel.interested,
                    "label": "Registered interest afterwards",
                    "hint": "Attendees with an interest in the event’s lots.",
                },
                {
                    "figure": funnel.awarded,
                    "label": "Awarded work",
                    "hint": f"{money(funnel.award_value)} awarded to attendees.",
                },
            ],
            "registered_sentence": (
                f"{funnel.registered} business{'es' if funnel.registered != 1 else ''} "
                f"registered: {funnel.confirmed} confirmed, {funnel.waitlisted} on the "
                f"waitlist and {funnel.cancelled} cancelled."
            ),
            "institutions": [
                {**asdict(row), "value": money(row.award_value)} for row in report.institutions
            ],
            "businesses": [
                {"outcome": row, "value": money(row.award_value)} for row in report.businesses
            ],
        },
    )
