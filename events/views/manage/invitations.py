"""The invite list: generate it from matches, add a business found by name, remove one, send the
invitations, download the list.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.web import coordinator_required
from core.web import SERVICE_ERRORS, apply_service_errors, service_errors
from events import exports, selectors
from events.forms.manage import (
    BusinessSearchForm,
    InvitationAddForm,
)
from events.models import Event, Invitation
from events.services import invitations as invitation_services
from events.views.manage.common import (
    CSV,
    download,
    event_or_404,
    size_words,
)
from suppliers.selectors import business_list

SEARCH_RESULTS = 20


@require_safe
@coordinator_required
def invitations(request, pk: int):
    return _render_invitations(request, event_or_404(request, pk))


def _render_invitations(request, event: Event, *, errors=None):
    rows = [
        {
            "invitation": invitation,
            "size": size_words(invitation.business),
            "score": f"{invitation.score:.2f}",
            "reasons": invitation.reasons,
            "manual": invitation.source == Invitation.Source.MANUAL,
            "removable": invitation.status != Invitation.Status.REGISTERED,
        }
        for invitation in selectors.invite_list(event=event)
    ]
    to_send = sum(1 for row in rows if row["invitation"].status == Invitation.Status.PROPOSED)
    return render(
        request,
        "events/manage/invitations.html",
        {"event": event, "rows": rows, "to_send": to_send, "errors": errors or []},
    )


@coordinator_required
@require_POST
def invitations_generate(request, pk: int):
    event = event_or_404(request, pk)
    try:
        listed = invitation_services.invite_list_generate(user=request.user, event=event)
    except SERVICE_ERRORS as exc:
        return _render_invitations(request, event, errors=service_errors(exc))
    count = len(listed)
    messages.success(
        request,
        f"The invite list has {count} business{'es' if count != 1 else ''}. Check it, then send "
        "the invitations.",
    )
    return redirect("events:manage_invitations", pk=pk)


@coordinator_required
@require_http_methods(["GET", "POST"])
def invitation_add(request, pk: int):
    event = event_or_404(request, pk)
    form = BusinessSearchForm(request.GET)
    add_form = InvitationAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and add_form.is_valid():
        business = add_form.cleaned_data["business"]
        try:
            invitation_services.invitation_add(
                user=request.user,
                event=event,
                business=business,
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(add_form, exc)
        else:
            messages.success(request, f"You have added {business.name} to the invite list.")
            return redirect("events:manage_invitations", pk=pk)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    results = []
    if query:
        found = business_list(user=request.user, filters={"q": query, "is_active": True})
        results = list(found[: SEARCH_RESULTS + 1])
    return render(
        request,
        "events/manage/invitation_add.html",
        {
            "event": event,
            "form": form,
            "add_form": add_form,
            "query": query,
            "searched": bool(query),
            "results": results[:SEARCH_RESULTS],
            "more": len(results) > SEARCH_RESULTS,
        },
    )


@coordinator_required
@require_POST
def invitation_remove(request, pk: int, invitation_pk: int):
    event = event_or_404(request, pk)
    invitation = get_object_or_404(
        Invitation.objects.select_related("business", "event"), pk=invitation_pk, event=event
    )
    try:
        invitation_services.invitation_remove(user=request.user, invitation=invitation)
    except SERVICE_ERRORS as exc:
        return _render_invitations(request, event, errors=service_errors(exc))
    messages.success(
        request,
        f"You have removed {invitation.business.name} from the invite list. Generating the list "
        "again will not add it back.",
    )
    return redirect("events:manage_invitations", pk=pk)


@coordinator_required
@require_POST
def invitations_send(request, pk: int):
    event = event_or_404(request, pk)
    try:
        sent = invitation_services.invitations_send(user=request.user, event=event)
    except SERVICE_ERRORS as exc:
        return _render_invitations(request, event, errors=service_errors(exc))
    if sent:
        messages.success(
            request,
            f"You have sent {sent} invitation{'s' if sent != 1 else ''}. Each business gets an "
            "email with a link to register.",
        )
    else:
        messages.info(request, "There were no invitations to send.")
    return redirect("events:manage_invitations", pk=pk)


@require_safe
@coordinator_required
def invitations_csv(request, pk: int):
    event = event_or_404(request, pk)
    return download(
        exports.invite_list_csv(event=event),
        event=event,
        name="invite-list",
        extension="csv",
        content_type=CSV,
    )
