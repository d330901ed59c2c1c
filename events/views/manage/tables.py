"""Buyer tables: add, change, remove; each table's printable schedule and CSV (also for the
officers of its institution).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import Role, user_has_role
from accounts.web import coordinator_required
from anchors.permissions import membership_of
from core.web import SERVICE_ERRORS, apply_service_errors, forbidden, service_errors
from events import exports, reports
from events.forms.manage import (
    BuyerTableForm,
)
from events.models import BuyerTable, Event
from events.services import events as event_services
from events.views.manage.common import (
    CSV,
    download,
    event_or_404,
)


def _table_or_404(event: Event, table_pk: int) -> BuyerTable:
    return get_object_or_404(
        BuyerTable.objects.select_related("event", "institution"), pk=table_pk, event=event
    )


@require_safe
@coordinator_required
def tables(request, pk: int):
    return _render_tables(request, event_or_404(request, pk))


def _render_tables(request, event: Event, *, errors=None):
    rows = list(
        event.tables.select_related("institution")
        .prefetch_related("lots__contract")
        .order_by("number")
    )
    return render(
        request,
        "events/manage/tables.html",
        {"event": event, "tables": rows, "errors": errors or []},
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def table_add(request, pk: int):
    event = event_or_404(request, pk)
    form = BuyerTableForm(request.POST if request.method == "POST" else None, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            table = event_services.table_add(
                user=request.user, event=event, **form.service_kwargs()
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"You have added table {table.number}: {table.name}.")
            return redirect("events:manage_tables", pk=pk)
    return _render_table_form(request, form, event, None)


@coordinator_required
@require_http_methods(["GET", "POST"])
def table_edit(request, pk: int, table_pk: int):
    event = event_or_404(request, pk)
    table = _table_or_404(event, table_pk)
    form = BuyerTableForm(
        request.POST if request.method == "POST" else None, event=event, table=table
    )
    if request.method == "POST" and form.is_valid():
        try:
            event_services.table_update(
                user=request.user,
                table=table,
                **form.update_kwargs(),
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Table {table.number} saved.")
            return redirect("events:manage_tables", pk=pk)
    return _render_table_form(request, form, event, table)


def _render_table_form(request, form, event, table):
    return render(
        request,
        "events/manage/table_form.html",
        {
            "form": form,
            "event": event,
            "table": table,
            "lots_available": form.fields["lots"].queryset.exists(),
        },
    )


@coordinator_required
@require_POST
def table_remove(request, pk: int, table_pk: int):
    event = event_or_404(request, pk)
    table = _table_or_404(event, table_pk)
    try:
        event_services.table_remove(user=request.user, table=table)
    except SERVICE_ERRORS as exc:
        return _render_tables(request, event, errors=service_errors(exc))
    messages.success(request, f"You have removed table {table.number}: {table.name}.")
    return redirect("events:manage_tables", pk=pk)


def _table_for_reader(request, pk: int, table_pk: int) -> BuyerTable:
    """The table, for a coordinator or an officer of the table's institution (else 403)."""
    table = get_object_or_404(
        BuyerTable.objects.select_related("event", "institution"), pk=table_pk, event_id=pk
    )
    user = request.user
    if not user_has_role(user, Role.COORDINATOR) and membership_of(user, table.institution) is None:
        forbidden(
            f"Only network coordinators and officers of {table.institution.name} can read this "
            "table's schedule."
        )
    return table


@require_safe
@login_required
def table_schedule(request, pk: int, table_pk: int):
    table = _table_for_reader(request, pk, table_pk)
    rows = reports.table_schedule(table=table)
    return render(
        request,
        "events/print/table_schedule.html",
        {"event": table.event, "table": table, "rows": rows},
    )


@require_safe
@login_required
def table_schedule_csv(request, pk: int, table_pk: int):
    table = _table_for_reader(request, pk, table_pk)
    return download(
        exports.table_schedule_csv(table=table),
        event=table.event,
        name=f"table-{table.number}-schedule",
        extension="csv",
        content_type=CSV,
    )
