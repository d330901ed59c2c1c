"""An officer's contracts: the list, creating one, its page, changing, publishing and
cancelling it."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from anchors import presenters, selectors, services
from anchors.forms import CancelForm, ContractForm
from anchors.models import Contract
from anchors.permissions import ensure_officer_of
from anchors.views.common import contract_or_404
from anchors.web import officer_required
from core.web import SERVICE_ERRORS, apply_service_errors, forbidden, service_errors

CONTRACTS_PER_PAGE = 20


@officer_required
def contracts(request):
    paginator = Paginator(selectors.contracts_for_user(user=request.user), CONTRACTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    can_create = selectors.officer_institutions(user=request.user).exists()
    return render(
        request,
        "anchors/contracts.html",
        {
            "rows": [presenters.contract_row(contract) for contract in page],
            "page_obj": page,
            "can_create": can_create,
        },
    )


@officer_required
@require_http_methods(["GET", "POST"])
def contract_create(request):
    institutions = selectors.officer_institutions(user=request.user)
    if not institutions:
        forbidden(
            "You can read every institution's contracts, but only an officer of an institution "
            "can create one."
        )
    form = ContractForm(
        request.POST if request.method == "POST" else None, institutions=institutions
    )
    if request.method == "POST" and form.is_valid():
        institution = form.cleaned_data.get("institution") or institutions[0]
        try:
            contract = services.contract_create(
                actor=request.user, institution=institution, **form.service_kwargs()
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"You have created “{contract.title}”. Split it into lots, or record why it "
                "cannot be split, then publish it.",
            )
            return redirect("anchors:contract_detail", pk=contract.pk)
    return render(request, "anchors/contract_form.html", {"form": form, "contract": None})


@officer_required
def contract_detail(request, pk: int):
    return _render_detail(request, contract_or_404(request, pk))


def _render_detail(request, contract: Contract, *, publish_errors=None):
    summary = presenters.contract_summary(contract, list(contract.lots.all()))
    can_act = (
        selectors.officer_institutions(user=request.user)
        .filter(pk=contract.institution_id)
        .exists()
    )
    context = {
        **summary,
        "can_act": can_act,
        "breaches": selectors.contract_publish_check(contract=contract)
        if summary["is_draft"]
        else [],
        "publish_errors": publish_errors or [],
    }
    return render(request, "anchors/contract_detail.html", context)


@officer_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, pk: int):
    contract = contract_or_404(request, pk)
    ensure_officer_of(request.user, contract.institution)
    form = ContractForm(
        request.POST if request.method == "POST" else None,
        institutions=selectors.officer_institutions(user=request.user),
        editing=True,
        initial=ContractForm.initial_for(contract),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(actor=request.user, contract=contract, **form.service_kwargs())
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Contract details saved.")
            return redirect("anchors:contract_detail", pk=contract.pk)
    return render(request, "anchors/contract_form.html", {"form": form, "contract": contract})


@officer_required
@require_POST
def contract_publish(request, pk: int):
    contract = contract_or_404(request, pk)
    ensure_officer_of(request.user, contract.institution)
    try:
        services.contract_publish(actor=request.user, contract=contract)
    except SERVICE_ERRORS as exc:
        contract = contract_or_404(request, pk)
        return _render_detail(request, contract, publish_errors=service_errors(exc))
    messages.success(
        request,
        f"You have published “{contract.title}”. Businesses can now find its lots and we are "
        "matching them with local businesses.",
    )
    return redirect("anchors:contract_detail", pk=contract.pk)


@officer_required
@require_http_methods(["GET", "POST"])
def contract_cancel(request, pk: int):
    contract = contract_or_404(request, pk)
    ensure_officer_of(request.user, contract.institution)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_cancel(
                actor=request.user, contract=contract, reason=form.cleaned_data["cancel_reason"]
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"You have cancelled “{contract.title}”.")
            return redirect("anchors:contract_detail", pk=contract.pk)
    return render(request, "anchors/contract_cancel.html", {"form": form, "contract": contract})
