"""The buyer workspace: an officer's contracts, splitting them into lots, each lot's target area
and reservation (with the legal check shown inline), publishing and recording awards.

Thin views: parse a form, call one service or selector, render. Access and refusals follow
``core.web``: another institution's contract or lot is 404 (the selectors do not find it); a
coordinator reads everything and changes nothing (403 with the reason); a service's refusal
goes into the form's error summary.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from anchors import rules, selectors, services
from anchors.forms import (
    AwardForm,
    CancelForm,
    ContractForm,
    LotForm,
    LotRowFormSet,
    ReservationCheckForm,
    SplitPlanForm,
)
from anchors.models import MAX_LOTS, Contract, Lot
from anchors.permissions import ensure_officer_of
from anchors.web import officer_required
from core.web import (
    SERVICE_ERRORS,
    apply_service_errors,
    error_summary,
    forbidden,
    get_or_404,
    money,
    money_both,
    service_errors,
)
from places.models import NamedArea

CONTRACTS_PER_PAGE = 20


def _contract_or_404(request, pk: int) -> Contract:
    return get_or_404(selectors.contract_get_for_buyer, user=request.user, contract_id=pk)


def _lot_or_404(request, pk: int) -> Lot:
    return get_or_404(selectors.lot_get_for_buyer, user=request.user, lot_id=pk)


# Contracts ----------------------------------------------------------------------------------


@officer_required
def contracts(request):
    paginator = Paginator(selectors.contracts_for_user(user=request.user), CONTRACTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {
            "contract": contract,
            "value": money(contract.estimated_value),
        }
        for contract in page
    ]
    can_create = selectors.officer_institutions(user=request.user).exists()
    return render(
        request,
        "anchors/contracts.html",
        {"rows": rows, "page_obj": page, "can_create": can_create},
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
    contract = _contract_or_404(request, pk)
    return _render_detail(request, contract)


def _render_detail(request, contract: Contract, *, publish_errors=None):
    lots = list(contract.lots.all())
    is_draft = contract.status == Contract.Status.DRAFT
    can_act = (
        selectors.officer_institutions(user=request.user)
        .filter(pk=contract.institution_id)
        .exists()
    )
    context = {
        "contract": contract,
        "value": money_both(contract.estimated_value, vat_exempt=contract.vat_exempt),
        "codes": list(contract.cpv_codes.all()),
        "lots": [_lot_row(lot, contract) for lot in lots],
        "lots_total": money(sum((lot.value for lot in lots), 0)),
        "is_draft": is_draft,
        "is_published": contract.published_at is not None and not contract.cancelled_at,
        "can_act": can_act,
        "breaches": selectors.contract_publish_check(contract=contract) if is_draft else [],
        "publish_errors": publish_errors or [],
    }
    status = 200
    return render(request, "anchors/contract_detail.html", context, status=status)


def _lot_row(lot: Lot, contract: Contract) -> dict:
    award = getattr(lot, "award", None)
    if lot.target_area_id:
        target = lot.target_area.name
    else:
        target = ", ".join(lot.target_districts) or "None"
    return {
        "lot": lot,
        "value": money_both(lot.value, vat_exempt=contract.vat_exempt),
        "target": target,
        "reservation": _reservation_words(lot),
        "award": award,
        "codes": [link.cpv_code for link in lot.cpv_links.all()],
    }


def _reservation_words(lot: Lot) -> str:
    parts = []
    if lot.reservation_suppliers != Lot.SupplierReservation.NONE:
        parts.append(lot.get_reservation_suppliers_display())
    if lot.reservation_location != Lot.LocationReservation.NONE:
        parts.append(lot.get_reservation_location_display())
    return "; ".join(parts) or "Not reserved"


@officer_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, pk: int):
    contract = _contract_or_404(request, pk)
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
    contract = _contract_or_404(request, pk)
    ensure_officer_of(request.user, contract.institution)
    try:
        services.contract_publish(actor=request.user, contract=contract)
    except SERVICE_ERRORS as exc:
        contract = _contract_or_404(request, pk)
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
    contract = _contract_or_404(request, pk)
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


# Splitting ----------------------------------------------------------------------------------


@officer_required
@require_http_methods(["GET", "POST"])
def contract_split(request, pk: int):
    """Step 1: choose a plan. A valid plan shows step 2 (the proposed lots) straight away."""
    contract = _contract_or_404(request, pk)
    ensure_officer_of(request.user, contract.institution)
    form = SplitPlanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = _proposal(contract, form.cleaned_data)
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            formset = LotRowFormSet(initial=rows)
            return _render_lots(request, contract, formset)
    return render(
        request,
        "anchors/split_plan.html",
        {"form": form, "contract": contract, "value": money(contract.estimated_value)},
    )


def _proposal(contract: Contract, data: dict) -> list[dict]:
    """The service's proposed lots as formset rows."""
    plan = data["plan"]
    if plan == SplitPlanForm.EVEN:
        drafts = services.propose_even_split(contract=contract, lots=data["lots"])
    elif plan == SplitPlanForm.DISTRICT:
        drafts = services.propose_by_district(contract=contract, districts=data["districts"])
    elif plan == SplitPlanForm.CAP:
        drafts = services.propose_by_value_cap(contract=contract, cap=data["cap"])
    else:
        lots = list(contract.lots.all())
        if len(lots) > 1:
            return [
                {
                    "title": lot.title,
                    "value": lot.value,
                    "districts": ", ".join(lot.target_districts),
                }
                for lot in lots
            ]
        return [{"title": f"{contract.title} (part {n})"} for n in (1, 2)]
    return [
        {"title": d.title, "value": d.value, "districts": ", ".join(d.target_districts)}
        for d in drafts
    ]


def _render_lots(request, contract: Contract, formset, *, step: str = "adjust", errors=None):
    cleaned = [
        form.cleaned_data
        for form in formset.forms
        if formset.is_bound and form.is_valid() and form.cleaned_data
    ]
    rows = [
        {
            "title": row["title"],
            "value": money_both(row["value"], vat_exempt=contract.vat_exempt),
            "districts": ", ".join(row["districts"]) or "None",
        }
        for row in cleaned
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
            "rows": rows,
            "max_lots": MAX_LOTS,
        },
    )


@officer_required
@require_POST
def contract_split_lots(request, pk: int):
    """Steps 2 and 3: adjust the proposed lots (or add one), check them, then confirm.

    The plan travels in the form; whatever comes back is parsed again, and only the confirm
    button calls ``contract_split_into_lots``, which applies all of it or nothing.
    """
    contract = _contract_or_404(request, pk)
    ensure_officer_of(request.user, contract.institution)
    action = request.POST.get("action", "check")
    formset = LotRowFormSet(request.POST)
    if not formset.management_form.is_valid():  # a missing or garbled management form
        restart = LotRowFormSet(initial=_proposal(contract, {"plan": SplitPlanForm.HAND}))
        return _render_lots(request, contract, restart, errors=[_INCOMPLETE])
    valid = formset.is_valid()
    errors = error_summary(*formset.forms) + [
        {"message": e, "anchor": ""} for e in formset.non_form_errors()
    ]
    if action == "add":
        return _render_lots(request, contract, _with_extra_row(formset), errors=[])
    if not valid:
        return _render_lots(request, contract, formset, errors=errors)
    if action == "confirm":
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
            lots = services.contract_split_into_lots(
                actor=request.user, contract=contract, plan=plan
            )
        except SERVICE_ERRORS as exc:
            return _render_lots(
                request, contract, formset, step="check", errors=service_errors(exc)
            )
        messages.success(request, f"You have split “{contract.title}” into {len(lots)} lots.")
        return redirect("anchors:contract_detail", pk=contract.pk)
    if action == "change":
        return _render_lots(request, contract, formset)
    return _render_lots(request, contract, formset, step="check")


_INCOMPLETE = {
    "message": "The list of lots was incomplete or changed. Check the lots and try again.",
    "anchor": "",
}


def _with_extra_row(formset):
    """The same rows as posted plus an empty one (the no-JavaScript "Add another lot")."""
    rows = []
    for form in formset.forms:
        rows.append({name: form.data.get(form.add_prefix(name), "") for name in form.fields})
    if len(rows) < MAX_LOTS:
        rows.append({})
    return LotRowFormSet(initial=rows)


# Lots ---------------------------------------------------------------------------------------


@officer_required
@require_http_methods(["GET", "POST"])
def lot_edit(request, pk: int):
    lot = _lot_or_404(request, pk)
    ensure_officer_of(request.user, lot.contract.institution)
    areas = NamedArea.objects.order_by("name")
    form = LotForm(
        request.POST if request.method == "POST" else None,
        areas=areas,
        initial=LotForm.initial_for(lot),
    )
    check = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "check":
            check = _check(lot, form.cleaned_data)
        else:
            try:
                services.lot_configure(actor=request.user, lot=lot, **form.service_kwargs())
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Lot {lot.number} saved.")
                return redirect("anchors:contract_detail", pk=lot.contract_id)
    if check is None:
        check = _check(lot, form.cleaned_data if form.is_bound and form.is_valid() else None)
    return render(
        request,
        "anchors/lot_edit.html",
        {
            "form": form,
            "lot": lot,
            "contract": lot.contract,
            "value": money_both(lot.value, vat_exempt=lot.contract.vat_exempt),
            "check": check,
            "check_shown": request.POST.get("action") == "check",
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
    return {
        "result": result,
        "value_incl_vat": money(result.value_incl_vat),
        "threshold": money(result.threshold),
        "regime": rules.REGIME_NAMES[result.regime],
        "procurement_type": lot.contract.get_procurement_type_display().lower(),
        "reserved_for": _reserved_for(result),
    }


def _reserved_for(result) -> str:
    parts = []
    if result.suppliers != "none":
        parts.append(Lot.SupplierReservation(result.suppliers).label.lower())
    if result.location != "none":
        parts.append(Lot.LocationReservation(result.location).label.lower())
    return " and ".join(parts)


@officer_required
@require_POST
def reservation_check(request, pk: int):
    """The legal check as an HTML fragment, for htmx to swap in as the officer chooses."""
    lot = _lot_or_404(request, pk)
    form = ReservationCheckForm(request.POST)
    context = {"lot": lot, "check_errors": []}
    if form.is_valid():
        context["check"] = _check(lot, form.cleaned_data)
    else:
        context["check_errors"] = [e for errors in form.errors.values() for e in errors]
    return render(request, "anchors/includes/_reservation_check.html", context)


# Awards -------------------------------------------------------------------------------------


@officer_required
@require_http_methods(["GET", "POST"])
def award_record(request, pk: int):
    lot = _lot_or_404(request, pk)
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
