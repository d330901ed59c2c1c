"""A lot's settings (words, place, sectors, target area, reservation) and the legal check of
its reservation, shown as the officer chooses (htmx) and on request without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from anchors import presenters, selectors, services
from anchors.forms import LotForm, ReservationCheckForm
from anchors.models import Contract, Lot
from anchors.permissions import ensure_officer_of
from anchors.views.common import lot_or_404
from anchors.web import officer_required
from core.web import SERVICE_ERRORS, apply_service_errors, money_both
from places.models import NamedArea


@officer_required
@require_http_methods(["GET", "POST"])
def lot_edit(request, pk: int):
    lot = lot_or_404(request, pk)
    ensure_officer_of(request.user, lot.contract.institution)
    form = LotForm(
        request.POST if request.method == "POST" else None,
        areas=NamedArea.objects.order_by("name"),
        initial=LotForm.initial_for(lot),
    )
    checking = request.POST.get("action") == "check"
    if request.method == "POST" and form.is_valid() and not checking:
        try:
            services.lot_configure(actor=request.user, lot=lot, **form.service_kwargs())
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Lot {lot.number} saved.")
            return redirect("anchors:contract_detail", pk=lot.contract_id)
    return render(
        request,
        "anchors/lot_edit.html",
        {
            "form": form,
            "lot": lot,
            "contract": lot.contract,
            "value": money_both(lot.value, vat_exempt=lot.contract.vat_exempt),
            "check": _check(lot, form.cleaned_data if form.is_bound and form.is_valid() else None),
            "check_shown": checking,
            "is_draft": lot.contract.status == Contract.Status.DRAFT,
        },
    )


def _check(lot: Lot, data: dict | None) -> dict:
    """The legal check's answer for the reservation in ``data`` (or the lot's own)."""
    data = data or {
        "reservation_suppliers": lot.reservation_suppliers,
        "reservation_location": lot.reservation_location,
        "reservation_rationale": lot.reservation_rationale,
    }
    result = selectors.reservation_check(
        lot=lot,
        suppliers=data["reservation_suppliers"],
        location=data["reservation_location"],
        rationale=data["reservation_rationale"],
    )
    return presenters.reservation_check(lot, result)


@officer_required
@require_POST
def reservation_check(request, pk: int):
    """The legal check as an HTML fragment, for htmx to swap in as the officer chooses."""
    lot = lot_or_404(request, pk)
    form = ReservationCheckForm(request.POST)
    context = {"lot": lot, "check_errors": []}
    if form.is_valid():
        context["check"] = _check(lot, form.cleaned_data)
    else:
        context["check_errors"] = [e for errors in form.errors.values() for e in errors]
    return render(request, "anchors/includes/_reservation_check.html", context)
