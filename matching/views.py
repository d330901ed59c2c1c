"""Pages for matches and interest: a business's matches and interests, an officer's lots.

Thin views: parse input, call one selector or service, shape the context. Access, refusals,
money and status tags follow ``core.web``: rows the user may not see are 404, a service's
refusal is shown on the page.
"""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from anchors.models import Lot
from anchors.permissions import membership_of
from anchors.presenters import reservation_words, target_words
from anchors.selectors import lot_questions_for_officer
from anchors.web import officer_required
from core.exceptions import ApplicationError
from core.web import (
    SERVICE_ERRORS,
    apply_service_errors,
    error_text,
    get_or_404,
    money,
    money_both,
)
from matching import selectors, services
from matching.forms import AlertPreferencesForm, DecisionForm, InterestForm
from matching.models import Interest, Match
from matching.notifications import unsubscribe_user_id
from suppliers.models import Business
from suppliers.web import business_member_required

COMPONENTS = (
    ("Sector", "sector_score", "WEIGHT_SECTOR"),
    ("Location", "location_score", "WEIGHT_LOCATION"),
    ("Capacity fit", "capacity_score", "WEIGHT_CAPACITY"),
    ("Inclusion", "inclusion_score", "WEIGHT_INCLUSION"),
)


def lot_summary(lot: Lot) -> dict:
    """What every page says about a lot: title, contract, buyer, value and closing date."""
    contract = lot.contract
    return {
        "lot": lot,
        "contract": contract,
        "institution": contract.institution,
        "value": money_both(lot.value, vat_exempt=contract.vat_exempt),
        "closes_at": contract.closes_at,
        "reservation": reservation_words(lot),
    }


def _status_label(status: str | None) -> str:
    return Interest.Status(status).label if status else ""


# Business pages -----------------------------------------------------------------------------


@business_member_required
def my_matches(request, *, businesses):
    rows = selectors.matches_for_user(user=request.user)
    by_business = {b.pk: [] for b in businesses}
    for business_id, matches in groupby(rows, key=lambda m: m.business_id):
        by_business[business_id] = [_match_row(match) for match in matches]
    groups = [{"business": b, "matches": by_business[b.pk]} for b in businesses]
    return render(
        request,
        "matching/my_matches.html",
        {"groups": groups, "several": len(businesses) > 1},
    )


TOP_REASONS = 3  # how many of a match's reasons "My matches" shows in the list


def _match_row(match: Match) -> dict:
    return {
        "match": match,
        "value": money(match.lot.value),
        "interest": _status_label(match.interest_status),
        "reasons": match.reasons[:TOP_REASONS],
    }


@business_member_required
def match_detail(request, pk: int, *, businesses):
    match = get_or_404(selectors.match_get_for_user, user=request.user, match_id=pk)
    weights = settings.MATCHING
    interest = match.interest
    can_register = match.lot_is_open and (
        interest is None or interest.status == Interest.Status.WITHDRAWN
    )
    form = None
    if can_register:  # posts to interest_register, for this match's business only
        form = InterestForm(businesses=Business.objects.filter(pk=match.business_id))
    context = {
        **lot_summary(match.lot),
        "match": match,
        "business": match.business,
        "components": [
            {"name": name, "percent": round(getattr(match, field) * 100), "weight": weights[key]}
            for name, field, key in COMPONENTS
        ],
        "codes": [link.cpv_code for link in match.lot.cpv_links.all()],
        "certifications": list(match.lot.required_certifications.all()),
        "interest": interest,
        "interest_status": _status_label(interest.status) if interest else "",
        "interest_current": interest is not None and interest.status != Interest.Status.WITHDRAWN,
        "form": form,
        "awarded": hasattr(match.lot, "award"),
    }
    return render(request, "matching/match_detail.html", context)


@business_member_required
@require_POST
def match_dismiss(request, pk: int, *, businesses):
    match = get_or_404(selectors.match_get_for_user, user=request.user, match_id=pk)
    try:
        services.match_dismiss(actor=request.user, match=match)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            f"We have hidden “{match.lot.title}” from your matches. You can still register "
            "interest from the opportunity page.",
        )
    return redirect("matching:my_matches")


@business_member_required
@require_http_methods(["GET", "POST"])
def interest_register(request, lot_id: int, *, businesses):
    lot = get_or_404(selectors.lot_for_interest, lot_id=lot_id)
    form = InterestForm(
        request.POST if request.method == "POST" else None,
        businesses=businesses,
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.interest_register(
                actor=request.user,
                business=form.cleaned_data["business"],
                lot=lot,
                note=form.cleaned_data["note"],
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{outcome.interest.business.name} has registered interest in “{lot.title}”. "
                f"{lot.contract.institution.name} will see it.",
            )
            return redirect("matching:my_interests")
    return render(
        request, "matching/interest_register.html", _interest_context(lot, businesses, form)
    )


def _interest_context(lot: Lot, businesses, form) -> dict:
    """Each business's standing for the lot before it confirms: refusal, warnings, interest.

    The form is offered while at least one of the user's businesses could register: the lot is
    open, the business has no current interest and no reservation shuts it out.
    """
    existing = selectors.interests_in_lot(lot=lot, businesses=businesses)
    checks = []
    for business in businesses:
        interest = existing.get(business.pk)
        undecided = interest is None or interest.status == Interest.Status.WITHDRAWN
        refusal, warnings = (None, [])
        if lot.is_open and undecided:
            refusal, warnings = services.interest_check(lot=lot, business=business)
        checks.append(
            {
                "business": business,
                "refusal": refusal,
                "warnings": warnings,
                "interest": interest,
                "interest_status": _status_label(interest.status) if interest else "",
                "may_register": lot.is_open and undecided and not refusal,
            }
        )
    return {
        **lot_summary(lot),
        "checks": checks,
        "form": form,
        "is_open": lot.is_open,
        "can_register": any(check["may_register"] for check in checks),
    }


@business_member_required
def my_interests(request, *, businesses):
    interests = [
        {
            "interest": interest,
            "register_again": interest.lot_is_open and interest.status == Interest.Status.WITHDRAWN,
        }
        for interest in selectors.interests_for_user(user=request.user)
    ]
    return render(
        request,
        "matching/my_interests.html",
        {"interests": interests, "several": len(businesses) > 1},
    )


@business_member_required
@require_POST
def interest_withdraw(request, pk: int, *, businesses):
    interest = get_or_404(selectors.interest_get_for_user, user=request.user, interest_id=pk)
    try:
        services.interest_withdraw(actor=request.user, interest=interest)
    except SERVICE_ERRORS as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"You have withdrawn your interest in “{interest.lot.title}”.")
    return redirect("matching:my_interests")


# Buyer pages --------------------------------------------------------------------------------


@officer_required
def officer_lots(request):
    lots = [
        {**lot_summary(lot), "status": _lot_status(lot)}
        for lot in selectors.lots_for_officer(user=request.user)
    ]
    return render(request, "matching/officer_lots.html", {"lots": lots})


LOT_STATUS_LABELS = {"open": "Open", "closed": "Closed", "awarded": "Awarded"}


def _lot_status(lot: Lot) -> dict:
    """The lot's status (a ``lot`` kind of ``core.web.STATUS_TAGS``) and its words."""
    value = "awarded" if hasattr(lot, "award") else "open" if lot.is_open else "closed"
    return {"value": value, "label": LOT_STATUS_LABELS[value]}


@officer_required
def officer_lot_detail(request, lot_id: int):
    lot = get_or_404(selectors.lot_get_for_officer, user=request.user, lot_id=lot_id)
    return _render_officer_lot(request, lot, failed=None)


def _render_officer_lot(request, lot: Lot, *, failed: DecisionForm | None):
    """The lot with its ranked matches and its interests, each with a decision form."""
    can_decide = membership_of(request.user, lot.contract.institution) is not None
    interests = []
    for interest in selectors.lot_interests(lot=lot):
        prefix = f"interest-{interest.pk}"
        form = failed if failed is not None and failed.prefix == prefix else None
        interests.append(
            {
                "interest": interest,
                "form": (form or DecisionForm(prefix=prefix))
                if can_decide and interest.status != Interest.Status.WITHDRAWN
                else None,
            }
        )
    matches = [
        {"match": match, "interest": _status_label(match.interest_status)}
        for match in selectors.lot_matches(lot=lot)
    ]
    award = getattr(lot, "award", None)
    context = {
        **lot_summary(lot),
        "status": _lot_status(lot),
        "target": target_words(lot),
        "codes": [link.cpv_code for link in lot.cpv_links.all()],
        "interests": interests,
        "matches": matches,
        "can_decide": can_decide,
        "award": award,
        "award_value": money(award.value) if award else "",
        # Questions are the institution's officers' to read and answer; a coordinator reads on.
        "questions": lot_questions_for_officer(user=request.user, lot=lot) if can_decide else None,
        "form": failed,  # the error summary shows the failed form's errors
    }
    return render(request, "matching/officer_lot_detail.html", context)


@officer_required
@require_POST
def interest_decide(request, lot_id: int, pk: int):
    interest = get_or_404(
        selectors.interest_get_for_officer, user=request.user, lot_id=lot_id, interest_id=pk
    )
    form = DecisionForm(request.POST, prefix=f"interest-{interest.pk}")
    if form.is_valid():
        decide = (
            services.interest_shortlist
            if form.cleaned_data["decision"] == DecisionForm.SHORTLIST
            else services.interest_decline
        )
        try:
            decided = decide(
                actor=request.user, interest=interest, note=form.cleaned_data["officer_note"]
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            verb = "shortlisted" if decided.status == Interest.Status.SHORTLISTED else "declined"
            messages.success(
                request, f"You have {verb} {decided.business.name}. We have emailed them."
            )
            return redirect("matching:officer_lot_detail", lot_id=lot_id)
    lot = get_or_404(selectors.lot_get_for_officer, user=request.user, lot_id=lot_id)
    return _render_officer_lot(request, lot, failed=form)


# Email alerts -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def alert_preferences(request):
    form = AlertPreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"match_digest": request.user.match_digest},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.alert_preferences_update(
                actor=request.user, match_digest=form.cleaned_data["match_digest"]
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                "We will email you a daily digest of new matches."
                if user.match_digest
                else "We will not email you about new matches.",
            )
            return redirect("matching:alert_preferences")
    return render(request, "matching/alert_preferences.html", {"form": form})


@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request, token: str):
    """One-click unsubscribe from a digest email, without signing in. GET only asks, so a mail
    scanner following the link changes nothing; the button POSTs."""
    if request.method == "GET":
        if unsubscribe_user_id(token) is None:
            return _invalid_unsubscribe(request, _INVALID_LINK)
        return render(request, "matching/unsubscribe_confirm.html")
    try:
        user = services.digest_unsubscribe(token=token)
    except ApplicationError as exc:
        return _invalid_unsubscribe(request, exc.message)
    return render(request, "matching/unsubscribe_done.html", {"email": user.email})


_INVALID_LINK = "This unsubscribe link is not valid. Sign in and change your email alerts instead."


def _invalid_unsubscribe(request, message: str):
    return render(request, "matching/unsubscribe_invalid.html", {"message": message}, status=400)
