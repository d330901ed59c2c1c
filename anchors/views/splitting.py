"""Splitting a contract into lots: choose a plan, adjust the proposed lots, check, confirm.

Nothing changes until the officer confirms: the plan travels in the form, is parsed again on
every step, and only the confirm button calls ``contract_split_into_lots`` (all or nothing).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from anchors import presenters, services
from anchors.forms import LotRowFormSet, SplitPlanForm
from anchors.models import MAX_LOTS, Contract
from anchors.permissions import ensure_officer_of
from anchors.views.common import contract_or_404
from anchors.web import officer_required
from core.web import SERVICE_ERRORS, apply_service_errors, error_summary, money, service_errors

INCOMPLETE = {
    "message": "The list of lots was incomplete or changed. Check the lots and try again.",
    "anchor": "",
}


@officer_required
@require_http_methods(["GET", "POST"])
def contract_split(request, pk: int):
    """Step 1: choose a plan. A valid plan shows step 2 (the proposed lots) straight away."""
    contract = contract_or_404(request, pk)
    ensure_officer_of(request.user, contract.institution)
    form = SplitPlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = _proposal(contract, form.cleaned_data)
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            return _render_lots(request, contract, LotRowFormSet(initial=rows))
    return render(
        request,
        "anchors/split_plan.html",
        {"form": form, "contract": contract, "value": money(contract.estimated_value)},
    )


def _proposal(contract: Contract, data: dict) -> list[dict]:
    """The service's proposed lots as formset rows (by hand: the lots as they are)."""
    plan = data["plan"]
    if plan == SplitPlanForm.EVEN:
        drafts = services.propose_even_split(contract=contract, lots=data["lots"])
    elif plan == SplitPlanForm.DISTRICT:
        drafts = services.propose_by_district(contract=contract, districts=data["districts"])
    elif plan == SplitPlanForm.CAP:
        drafts = services.propose_by_value_cap(contract=contract, cap=data["cap"])
    else:
        drafts = list(contract.lots.all())
        if len(drafts) < 2:
            return [{"title": f"{contract.title} (part {n})"} for n in (1, 2)]
    return presenters.proposal_rows(drafts)


def _render_lots(request, contract: Contract, formset, *, step: str = "adjust", errors=None):
    cleaned = [
        form.cleaned_data
        for form in formset.forms
        if formset.is_bound and form.is_valid() and form.cleaned_data
    ]
    total = sum((row["value"] for row in cleaned), 0)
    return render(
        request,
        "anchors/split_check.html" if step == "check" else "anchors/split_lots.html",
        {
            "contract": contract,
            "formset": formset,
            "errors": errors if errors is not None else [],
            "contract_value": money(contract.estimated_value),
            "total": money(total),
            "rows": presenters.split_rows(cleaned, contract),
            "max_lots": MAX_LOTS,
        },
    )


@officer_required
@require_POST
def contract_split_lots(request, pk: int):
    """Steps 2 and 3: adjust the proposed lots (or add one), check them, then confirm."""
    contract = contract_or_404(request, pk)
    ensure_officer_of(request.user, contract.institution)
    action = request.POST.get("action", "check")
    formset = LotRowFormSet(request.POST)
    if not formset.management_form.is_valid():  # a missing or garbled management form
        restart = LotRowFormSet(initial=_proposal(contract, {"plan": SplitPlanForm.HAND}))
        return _render_lots(request, contract, restart, errors=[INCOMPLETE])
    valid = formset.is_valid()
    if action == "add":
        return _render_lots(request, contract, _with_extra_row(formset), errors=[])
    if not valid:
        errors = error_summary(*formset.forms)
        errors += [{"message": e, "anchor": ""} for e in formset.non_form_errors()]
        return _render_lots(request, contract, formset, errors=errors)
    if action == "confirm":
        return _confirm(request, contract, formset)
    if action == "change":
        return _render_lots(request, contract, formset)
    return _render_lots(request, contract, formset, step="check")


def _confirm(request, contract: Contract, formset):
    plan = [
        services.LotDraft(
            title=row["title"],
            value=row["value"],
            target_districts=row["districts"],
            delivery_district=row["districts"][0] if len(row["districts"]) == 1 else "",
        )
        for row in formset.cleaned_data
        if row  # an untouched extra row is no lot
    ]
    try:
        lots = services.contract_split_into_lots(actor=request.user, contract=contract, plan=plan)
    except SERVICE_ERRORS as exc:
        return _render_lots(request, contract, formset, step="check", errors=service_errors(exc))
    messages.success(request, f"You have split “{contract.title}” into {len(lots)} lots.")
    return redirect("anchors:contract_detail", pk=contract.pk)


def _with_extra_row(formset):
    """The same rows as posted plus an empty one (the no-JavaScript "Add another lot")."""
    rows = []
    for form in formset.forms:
        rows.append({name: form.data.get(form.add_prefix(name), "") for name in form.fields})
    if len(rows) < MAX_LOTS:
        rows.append({})
    return LotRowFormSet(initial=rows)
