"""Recording the award of a lot, to a registered business or an outside supplier."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from anchors import selectors, services
from anchors.forms import AwardForm
from anchors.permissions import ensure_officer_of
from anchors.views.common import lot_or_404
from anchors.web import officer_required
from core.web import SERVICE_ERRORS, apply_service_errors, money, money_both


@officer_required
@require_http_methods(["GET", "POST"])
def award_record(request, pk: int):
    lot = lot_or_404(request, pk)
    ensure_officer_of(request.user, lot.contract.institution)
    award = getattr(lot, "award", None)
    form = AwardForm(
        request.POST if request.method == "POST" else None,
        candidates=selectors.lot_award_candidates(lot=lot),
        initial={"value": lot.value},
    )
    if request.method == "POST" and form.is_valid():
        try:
            award = services.award_record(actor=request.user, lot=lot, **form.service_kwargs())
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"You have recorded the award of lot {lot.number} to {award.supplier_display}.",
            )
            return redirect("anchors:contract_detail", pk=lot.contract_id)
    return render(
        request,
        "anchors/award_record.html",
        {
            "form": form,
            "lot": lot,
            "contract": lot.contract,
            "value": money_both(lot.value, vat_exempt=lot.contract.vat_exempt),
            "award": award,
            "award_value": money(award.value) if award else "",
        },
    )
