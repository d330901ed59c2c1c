"""Registrations and the waitlist, cancelling on a business's behalf, each business's schedule
(printable and CSV, the same files the business downloads), the attendee downloads, and the
check-in list on the day.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.web import coordinator_required
from core.web import SERVICE_ERRORS, attachment, error_text, service_errors
from events import exports, reports, selectors
from events.forms.manage import (
    AttendanceForm,
    CheckInSearchForm,
)
from events.models import Registration
from events.services import attendance as attendance_services
from events.services import registrations as registration_services
from events.views.manage.common import (
    CSV,
    XLSX,
    download,
    event_or_404,
    size_words,
)


def _registration_row(registration: Registration, since, *, schedule: bool = False) -> dict:
    return {
        "registration": registration,
        "size": size_words(registration.business),
        "wanted": list(registration.wanted_tables.all()),
        "since": since,
        "cancellable": True,
        "schedule": schedule,  # links to its printable schedule and CSV
    }


@require_safe
@coordinator_required
def registrations(request, pk: int):
    event = event_or_404(request, pk)
    listed = list(selectors.event_registrations(event=event))
    scheduled = event.schedule_generated_at is not None
    confirmed = [
        _registration_row(r, r.confirmed_at, schedule=scheduled)
        for r in listed
        if r.status == Registration.Status.CONFIRMED
    ]
    waiting = sorted(
        (r for r in listed if r.status == Registration.Status.WAITLISTED),
        key=lambda r: (r.waitlisted_at, r.pk),
    )
    return render(
        request,
        "events/manage/registrations.html",
        {
            "event": event,
            "confirmed": confirmed,
            "waitlisted": [_registration_row(r, r.waitlisted_at) for r in waiting],
        },
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request, pk: int, registration_pk: int):
    event = event_or_404(request, pk)
    registration = get_object_or_404(
        Registration.objects.active().select_related("business", "event"),
        pk=registration_pk,
        event=event,
    )
    errors = []
    if request.method == "POST":
        try:
            registration_services.registration_cancel(
                user=request.user,
                registration=registration,
            )
        except SERVICE_ERRORS as exc:
            errors = service_errors(exc)
        else:
            messages.success(
                request, f"You have cancelled {registration.business.name}’s registration."
            )
            return redirect("events:manage_registrations", pk=pk)
    consequence = (
        "Its place goes to the first business on the waitlist, who gets an email."
        if registration.status == Registration.Status.CONFIRMED
        else "It leaves the waitlist."
    )
    return render(
        request,
        "events/manage/registration_cancel.html",
        {
            "event": event,
            "registration": registration,
            "errors": errors,
            "consequence": f"{consequence} Its meetings are removed from the schedule.",
        },
    )


def _active_registration_or_404(event, registration_pk: int) -> Registration:
    """A registration of this event that is not cancelled, with its event and business."""
    return get_object_or_404(
        Registration.objects.active().select_related("event", "business"),
        pk=registration_pk,
        event=event,
    )


@require_safe
@coordinator_required
def registration_schedule(request, pk: int, registration_pk: int):
    """The business's printable schedule, as the business sees it (to print for the day)."""
    event = event_or_404(request, pk)
    registration = _active_registration_or_404(event, registration_pk)
    return render(
        request,
        "events/print/business_schedule.html",
        {
            "event": registration.event,
            "registration": registration,
            "rows": reports.business_schedule(registration=registration),
            "back_url": reverse("events:manage_registrations", args=[event.pk]),
            "back_text": "Back to registrations",
        },
    )


@require_safe
@coordinator_required
def registration_schedule_csv(request, pk: int, registration_pk: int):
    event = event_or_404(request, pk)
    registration = _active_registration_or_404(event, registration_pk)
    return attachment(
        exports.business_schedule_csv(registration=registration),
        filename=exports.registration_filename(
            registration=registration, name="schedule", extension="csv"
        ),
        content_type=CSV,
    )


@require_safe
@coordinator_required
def attendees_csv(request, pk: int):
    event = event_or_404(request, pk)
    return download(
        exports.attendees_csv(event=event),
        event=event,
        name="attendees",
        extension="csv",
        content_type=CSV,
    )


@require_safe
@coordinator_required
def attendees_xlsx(request, pk: int):
    event = event_or_404(request, pk)
    return download(
        exports.attendees_xlsx(event=event),
        event=event,
        name="attendees",
        extension="xlsx",
        content_type=XLSX,
    )


@require_safe
@coordinator_required
def checkin(request, pk: int):
    event = event_or_404(request, pk)
    form = CheckInSearchForm(request.GET)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    listed = list(selectors.checkin_list(event=event))
    counts = {
        "attended": sum(r.attendance == Registration.Attendance.ATTENDED for r in listed),
        "no_show": sum(r.attendance == Registration.Attendance.NO_SHOW for r in listed),
        "unknown": sum(r.attendance == Registration.Attendance.UNKNOWN for r in listed),
    }
    if query:
        needle = query.casefold()
        listed = [
            r
            for r in listed
            if needle in r.business.name.casefold() or needle in r.attendee_name.casefold()
        ]
    rows = [_checkin_row(r) for r in listed]
    return render(
        request,
        "events/manage/checkin.html",
        {"event": event, "form": form, "query": query, "rows": rows, "counts": counts},
    )


def _checkin_row(registration: Registration) -> dict:
    attendance = registration.attendance
    confirmed = registration.status == Registration.Status.CONFIRMED
    actions = []
    if confirmed and attendance != Registration.Attendance.ATTENDED:
        actions.append({"value": AttendanceForm.ATTENDED, "label": "Check in", "secondary": False})
    if confirmed and attendance == Registration.Attendance.UNKNOWN:
        actions.append(
            {"value": AttendanceForm.NO_SHOW, "label": "Did not come", "secondary": True}
        )
    if confirmed and attendance != Registration.Attendance.UNKNOWN:
        actions.append({"value": AttendanceForm.RESET, "label": "Undo", "secondary": True})
    return {
        "registration": registration,
        "actions": actions,
    }


ATTENDANCE_SERVICES = {
    AttendanceForm.ATTENDED: (attendance_services.registration_check_in, "is checked in"),
    AttendanceForm.NO_SHOW: (attendance_services.registration_mark_no_show, "did not come"),
    AttendanceForm.RESET: (
        attendance_services.registration_attendance_reset,
        "has no attendance recorded",
    ),
}


@coordinator_required
@require_POST
def attendance_record(request, pk: int, registration_pk: int):
    event = event_or_404(request, pk)
    registration = get_object_or_404(
        Registration.objects.select_related("business"), pk=registration_pk, event=event
    )
    form = AttendanceForm(request.POST)
    back = reverse("events:manage_checkin", args=[pk])
    query = request.POST.get("q", "").strip()[:100]
    if query:
        back += "?" + urlencode({"q": query})
    if not form.is_valid():
        messages.error(request, form.errors["action"][0])
        return redirect(back)
    service, done = ATTENDANCE_SERVICES[form.cleaned_data["action"]]
    try:
        service(user=request.user, registration=registration)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"{registration.business.name} {done}.")
    return redirect(f"{back}#registration-{registration.pk}")
