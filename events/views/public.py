"""Public and business pages of Meet the Buyer events: the list, an event, registering (from the
event page or an invitation's RSVP link), a business's registrations, their schedules and files.

Thin views: parse input, call one selector or service, shape the context. Access and refusals
follow ``core.web``: a registration the user may not see is a 404 (the selector does not find it
for them); a service's refusal is shown on the page in a GOV.UK error summary.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from core.web import SERVICE_ERRORS, apply_service_errors, attachment, error_text, get_or_404
from events import exports, reports, selectors
from events.forms.public import ChoicesForm, RegistrationForm
from events.models import Event, Registration
from events.presenters import (
    event_summary,
    registration_row,
    table_options,
    table_rows,
    waitlist_position,
)
from events.services import invitations as invitation_services
from events.services import registrations as registration_services
from suppliers.selectors import businesses_of_member
from suppliers.web import business_member_required

EVENTS_PAGE_SIZE = 10


def _manage_url(user) -> str:
    """The coordinators' events page, for a coordinator."""
    return reverse("events:manage_list") if getattr(user, "is_coordinator", False) else ""


# Access helpers -----------------------------------------------------------------------------


def _event_or_404(pk: int) -> Event:
    return get_or_404(selectors.event_get_public, pk=pk)


def _registration_or_404(user, pk: int) -> Registration:
    return get_or_404(selectors.registration_get_for_user, user=user, pk=pk)


# Public pages -------------------------------------------------------------------------------


@require_safe
def event_list(request):
    events = selectors.events_public()
    page = Paginator(events, EVENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(
        request,
        "events/list.html",
        {
            "page_obj": page,
            "rows": [event_summary(event, now) for event in page.object_list],
            "manage_url": _manage_url(request.user),
        },
    )


@require_safe
def event_detail(request, pk: int):
    event = _event_or_404(pk)
    summary = event_summary(event)
    context = {
        **summary,
        "tables": table_rows(event),
        "action": _action_for(request.user, event, summary),
        "manage_url": reverse("events:manage_detail", args=[event.pk])
        if request.user.is_authenticated and request.user.is_coordinator
        else "",
    }
    return render(request, "events/detail.html", context)


def _action_for(user, event: Event, summary: dict) -> dict:
    """The call to action the event page offers this user, and their registrations for it."""
    status = summary["status"]
    registrations, business_count = [], 0
    if user.is_authenticated:
        business_count = businesses_of_member(user=user).count()
        registrations = [
            registration_row(registration)
            for registration in selectors.registrations_for_user(user=user)
            if registration.event_id == event.pk
            and registration.status != Registration.Status.CANCELLED
        ]
    if status != Event.Status.OPEN:
        kind = status
    elif not user.is_authenticated:
        kind = "sign_in"
    elif not business_count:
        kind = "no_business"
    elif registrations:
        kind = "registered"
    else:
        kind = "register"
    next_query = urlencode({"next": reverse("events:register", args=[event.pk])})
    return {
        "kind": kind,
        "registrations": registrations,
        "more_businesses": len(registrations) < business_count,
        "login_url": f"{reverse('accounts:login')}?{next_query}",
        "signup_url": f"{reverse('accounts:signup')}?{next_query}",
    }


# Registering --------------------------------------------------------------------------------


@business_member_required
@require_http_methods(["GET", "POST"])
def register(request, pk: int, *, businesses):
    event = _event_or_404(pk)
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        event=event,
        businesses=businesses,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = registration_services.registration_create(
                user=request.user,
                event=event,
                business=data["business"],
                wanted_tables=list(data["wanted_tables"]),
                attendee_name=data["attendee_name"],
                attendee_email=data["attendee_email"],
                accessibility_needs=data["accessibility_needs"],
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _registered_message(registration))
            return redirect("events:registration", pk=registration.pk)
    summary = event_summary(event)
    context = {
        **summary,
        "form": form,
        "table_options": table_options(form["wanted_tables"], event),
        "several": form.fields["business"].widget.input_type != "hidden",
    }
    return render(request, "events/register.html", context)


def _registered_message(registration: Registration) -> str:
    business, event = registration.business.name, registration.event.title
    if registration.status == Registration.Status.WAITLISTED:
        return f"{business} is on the waitlist for {event}. We will email you if a place comes up."
    return f"{business} is registered for {event}. We have emailed the confirmation."


@require_http_methods(["GET", "POST"])
def rsvp(request, token: str):
    invitation = invitation_services.invitation_from_token(token)
    if invitation is None:
        return render(request, "events/rsvp_invalid.html", status=404)
    if request.method == "POST":
        try:
            invitation_services.invitation_decline(invitation=invitation)
        except SERVICE_ERRORS as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                f"You have declined the invitation to {invitation.event.title}. Thank you for "
                "letting us know.",
            )
        return redirect("events:rsvp", token=token)
    event = invitation.event
    context = {
        **event_summary(event),
        "invitation": invitation,
        "business": invitation.business,
        "tables": table_rows(event),
        "token": token,
        "responded": invitation.status in ("registered", "declined"),
    }
    return render(request, "events/rsvp.html", context)


# A business's registrations -----------------------------------------------------------------


@require_safe
@login_required
def mine(request):
    now = timezone.now()
    rows = [registration_row(r) for r in selectors.registrations_for_user(user=request.user)]
    upcoming = [row for row in rows if row["event"].ends_at > now]
    past = [row for row in rows if row["event"].ends_at <= now]
    return render(
        request,
        "events/mine.html",
        {"upcoming": upcoming, "past": past, "has_business": _has_business(request.user)},
    )


def _has_business(user) -> bool:
    return businesses_of_member(user=user).exists()


@require_safe
@login_required
def registration_detail(request, pk: int):
    registration = _registration_or_404(request.user, pk)
    event = registration.event
    summary = event_summary(event)
    active = registration.status != Registration.Status.CANCELLED
    meetings = reports.business_schedule(registration=registration) if active else []
    context = {
        **summary,
        **registration_row(registration),
        "active": active,
        "waitlist_position": waitlist_position(registration),
        "wanted": list(registration.wanted_tables.all()),
        "meetings": meetings,
        "schedule_ready": bool(event.schedule_generated_at) and active,
        "can_change": active and summary["is_open"],
        "can_cancel": active and summary["status"] in (Event.Status.OPEN, Event.Status.CLOSED),
    }
    return render(request, "events/registration.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def registration_choices(request, pk: int):
    registration = _registration_or_404(request.user, pk)
    event = registration.event
    form = ChoicesForm(
        request.POST if request.method == "POST" else None,
        event=event,
        initial={"wanted_tables": [t.pk for t in registration.wanted_tables.all()]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration_services.registration_update_choices(
                user=request.user,
                registration=registration,
                wanted_tables=list(form.cleaned_data["wanted_tables"]),
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "We have saved the buyers you want to meet.")
            return redirect("events:registration", pk=registration.pk)
    context = {
        **event_summary(event),
        "registration": registration,
        "form": form,
        "table_options": table_options(form["wanted_tables"], event),
    }
    return render(request, "events/registration_choices.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request, pk: int):
    registration = _registration_or_404(request.user, pk)
    error = ""
    if request.method == "POST":
        try:
            registration_services.registration_cancel(user=request.user, registration=registration)
        except SERVICE_ERRORS as exc:
            error = error_text(exc)
        else:
            messages.success(
                request,
                f"You have cancelled {registration.business.name}’s place at "
                f"{registration.event.title}.",
            )
            return redirect("events:registration", pk=registration.pk)
    context = {**registration_row(registration), "error": error}
    return render(request, "events/registration_cancel.html", context)


# Downloads ----------------------------------------------------------------------------------


def _download(registration: Registration, content: bytes, *, name: str, extension: str):
    filename = exports.registration_filename(
        registration=registration, name=name, extension=extension
    )
    return attachment(content, filename=filename, content_type=CONTENT_TYPES[extension])


CONTENT_TYPES = {"ics": "text/calendar; charset=utf-8", "csv": "text/csv; charset=utf-8"}


@require_safe
@login_required
def registration_ics(request, pk: int):
    registration = _registration_or_404(request.user, pk)
    return _download(
        registration,
        exports.registration_ics(registration=registration),
        name="calendar",
        extension="ics",
    )


@require_safe
@login_required
def registration_schedule(request, pk: int):
    registration = _registration_or_404(request.user, pk)
    context = {
        "event": registration.event,
        "registration": registration,
        "rows": reports.business_schedule(registration=registration),
    }
    return render(request, "events/print/business_schedule.html", context)


@require_safe
@login_required
def registration_schedule_csv(request, pk: int):
    registration = _registration_or_404(request.user, pk)
    return _download(
        registration,
        exports.business_schedule_csv(registration=registration),
        name="schedule",
        extension="csv",
    )
