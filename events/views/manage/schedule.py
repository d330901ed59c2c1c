"""The 1:1 schedule: the grid, generating it (the solver's outcome shown once), sending it, and
pinning, moving or removing one meeting.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.web import coordinator_required
from core.web import SERVICE_ERRORS, apply_service_errors, service_errors
from events import selectors
from events.forms.manage import (
    MeetingMoveForm,
    slot_label,
)
from events.models import Event, Meeting
from events.services import schedule as schedule_services
from events.views.manage.common import (
    event_or_404,
)

OUTCOME_SESSION_KEY = "events-schedule-outcome-{pk}"


@require_safe
@coordinator_required
def schedule(request, pk: int):
    event = event_or_404(request, pk)
    outcome = request.session.pop(OUTCOME_SESSION_KEY.format(pk=pk), None)
    return _render_schedule(request, event, outcome=outcome)


def _render_schedule(request, event: Event, *, errors=None, outcome=None):
    grid = selectors.schedule_grid(event=event)
    meetings = [cell for row in grid.rows for cell in row.cells if cell is not None]
    meetings += grid.outside_slots
    return render(
        request,
        "events/manage/schedule.html",
        {
            "event": event,
            "grid": grid,
            "meetings": [
                {
                    "meeting": meeting,
                    "when": slot_label(event, meeting.slot),
                    "outside": meeting.slot >= event.slot_count,
                }
                for meeting in sorted(meetings, key=lambda m: (m.table.number, m.slot))
            ],
            "errors": errors or [],
            "outcome": outcome,
            "can_send": bool(meetings) and event.schedule_generated_at is not None,
        },
    )


def _outcome_summary(outcome: schedule_services.ScheduleOutcome) -> dict:
    """The solver's outcome as plain data for the session (shown once, on the next page)."""
    return {
        "placed": outcome.placed,
        "pinned": outcome.pinned,
        "served": outcome.businesses_served,
        "unserved": [{"business": u.business_name, "reason": u.reason} for u in outcome.unserved],
        "proved_best": outcome.status == "OPTIMAL",
        "seconds": f"{outcome.seconds:.1f}",
        "shortage": outcome.shortage,
        "wanted_percent": round(outcome.wanted_share * 100),
    }


@coordinator_required
@require_POST
def schedule_generate(request, pk: int):
    event = event_or_404(request, pk)
    try:
        outcome = schedule_services.schedule_generate(user=request.user, event=event)
    except SERVICE_ERRORS as exc:
        return _render_schedule(request, event, errors=service_errors(exc))
    summary = _outcome_summary(outcome)
    request.session[OUTCOME_SESSION_KEY.format(pk=pk)] = summary
    placed, served = summary["placed"], summary["served"]
    messages.success(
        request,
        f"You have generated the schedule: {placed} meeting{'s' if placed != 1 else ''} for "
        f"{served} business{'es' if served != 1 else ''}.",
    )
    return redirect("events:manage_schedule", pk=pk)


@coordinator_required
@require_POST
def schedule_send(request, pk: int):
    event = event_or_404(request, pk)
    try:
        sent = schedule_services.schedule_send(user=request.user, event=event)
    except SERVICE_ERRORS as exc:
        return _render_schedule(request, event, errors=service_errors(exc))
    messages.success(
        request,
        f"You have sent {sent} schedule{'s' if sent != 1 else ''}: each business with a confirmed "
        "place gets its meetings by email.",
    )
    return redirect("events:manage_schedule", pk=pk)


def _meeting_or_404(event: Event, meeting_pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("event", "table", "registration__business"),
        pk=meeting_pk,
        event=event,
    )


def _meeting_action(request, pk: int, meeting_pk: int, service, done: str):
    event = event_or_404(request, pk)
    meeting = _meeting_or_404(event, meeting_pk)
    try:
        service(user=request.user, meeting=meeting)
    except SERVICE_ERRORS as exc:
        return _render_schedule(request, event, errors=service_errors(exc))
    business = meeting.registration.business.name
    messages.success(
        request,
        f"{business}’s meeting at table {meeting.table.number} "
        f"({slot_label(event, meeting.slot)}) {done}.",
    )
    return redirect("events:manage_schedule", pk=pk)


@coordinator_required
@require_POST
def meeting_pin(request, pk: int, meeting_pk: int):
    return _meeting_action(
        request,
        pk,
        meeting_pk,
        schedule_services.meeting_pin,
        "is pinned: generating the schedule again keeps it",
    )


@coordinator_required
@require_POST
def meeting_unpin(request, pk: int, meeting_pk: int):
    return _meeting_action(
        request, pk, meeting_pk, schedule_services.meeting_unpin, "is no longer pinned"
    )


@coordinator_required
@require_POST
def meeting_remove(request, pk: int, meeting_pk: int):
    return _meeting_action(request, pk, meeting_pk, schedule_services.meeting_remove, "is removed")


@coordinator_required
@require_http_methods(["GET", "POST"])
def meeting_move(request, pk: int, meeting_pk: int):
    event = event_or_404(request, pk)
    meeting = _meeting_or_404(event, meeting_pk)
    form = MeetingMoveForm(
        request.POST if request.method == "POST" else None,
        event=event,
        initial={"table": meeting.table_id, "slot": meeting.slot},
    )
    if request.method == "POST" and form.is_valid():
        try:
            moved = schedule_services.meeting_move(
                user=request.user,
                meeting=meeting,
                table=form.cleaned_data["table"],
                slot=form.cleaned_data["slot"],
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{meeting.registration.business.name} now meets table {moved.table.number} in "
                f"{slot_label(event, moved.slot).lower()}. The meeting is pinned there.",
            )
            return redirect("events:manage_schedule", pk=pk)
    return render(
        request,
        "events/manage/meeting_move.html",
        {
            "event": event,
            "meeting": meeting,
            "form": form,
            "current": slot_label(event, meeting.slot),
        },
    )
