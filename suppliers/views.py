"""The business profile pages: a summary, one question page per topic, check your answers.

Answers wait in the session between steps, per business ("new" or its id), as the raw values
the forms posted; every page binds them to the same forms again, so a stale or tampered
session only ever shows form errors. Confirming calls ``business_create`` or
``business_update``; their refusals are shown on the check page, each linked to its step.
Only members reach a business here: another business's id is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.exceptions import ApplicationError
from core.templatetags.govuk import error_anchor
from core.web import get_or_404, money
from sectors.selectors import cpv_labels
from suppliers.forms import (
    PROFILE_STEPS,
    STEP_OF_FIELD,
    STEPS_BY_SLUG,
    BusinessForm,
    ProfileForm,
    ProfileStep,
)
from suppliers.models import Business
from suppliers.selectors import business_get_for_user, businesses_of_member
from suppliers.services import SECTOR_CODES, business_create, business_update

SESSION_KEY = "business_profile"
WIDTHS = {  # GOV.UK input widths, in characters
    "companies_house_number": "10",
    "charity_number": "10",
    "postcode": "10",
    "staff_headcount": "5",
    "annual_turnover": "10",
    "max_contract_value": "10",
    "concurrent_capacity": "3",
}
ERRORS = "_errors"  # the services' refusals, per field, kept until the step is answered again
NEW = "new"


# The business being edited, and its answers in the session ---------------------------------


def _business_or_404(request, raw: str) -> Business:
    """One of the user's own businesses, with its sectors and certifications, or a 404 (a
    coordinator reads any business, but changes only their own here)."""
    try:
        business_id = int(raw)
    except (TypeError, ValueError):
        raise Http404("No such business.") from None
    if not businesses_of_member(user=request.user).filter(pk=business_id).exists():
        raise Http404("No such business.")
    return get_or_404(business_get_for_user, user=request.user, business_id=business_id)


def _target(request) -> Business | None:
    """``?business=<id>`` edits that business; without it the answers are for a new one."""
    raw = request.GET.get("business")
    return None if raw in (None, "") else _business_or_404(request, raw)


def _key(business: Business | None) -> str:
    return NEW if business is None else str(business.pk)


def _query(business: Business | None) -> str:
    return "" if business is None else f"?business={business.pk}"


def _data_for(business: Business) -> dict:
    """The saved profile as answers, step by step, as if the member had posted it."""
    initial = BusinessForm.initial_for(business)
    answers = {}
    for step in PROFILE_STEPS:
        answers[step.slug] = {
            name: "" if initial[name] is None else _jsonable(initial[name]) for name in step.fields
        }
    return answers


def _jsonable(value):
    if isinstance(value, bool | str | list):
        return value
    return str(value)


def _is_answer(value) -> bool:
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return value is None or isinstance(value, str | bool)


def _stored(request, business: Business | None) -> dict:
    """The answers kept for this business, with anything malformed dropped."""
    everything = request.session.get(SESSION_KEY)
    answers = everything.get(_key(business)) if isinstance(everything, dict) else None
    if not isinstance(answers, dict):
        answers = _data_for(business) if business is not None else {}
    clean = {}
    for step in PROFILE_STEPS:
        data = answers.get(step.slug)
        if isinstance(data, dict):
            clean[step.slug] = {
                name: value
                for name, value in data.items()
                if name in step.fields and _is_answer(value)
            }
    errors = answers.get(ERRORS)
    if isinstance(errors, dict):
        clean[ERRORS] = {
            name: [str(message) for message in messages_ if isinstance(message, str)]
            for name, messages_ in errors.items()
            if name in STEP_OF_FIELD and isinstance(messages_, list)
        }
    return clean


def _store(request, business: Business | None, answers: dict | None) -> None:
    everything = request.session.get(SESSION_KEY)
    everything = dict(everything) if isinstance(everything, dict) else {}
    if answers is None:
        everything.pop(_key(business), None)
    else:
        everything[_key(business)] = answers
    request.session[SESSION_KEY] = everything


def _missing_steps(answers: dict) -> list[ProfileStep]:
    return [step for step in PROFILE_STEPS if step.slug not in answers]


def _step_url(step: ProfileStep, business: Business | None, anchor: str = "") -> str:
    url = reverse("suppliers:profile_step", args=[step.slug]) + _query(business)
    return f"{url}#{anchor}" if anchor else url


def _check_url(business: Business | None) -> str:
    return reverse("suppliers:profile_check") + _query(business)


# Pages --------------------------------------------------------------------------------------


@login_required
def profile(request):
    """The member's business: its summary, a choice between several, or the start page."""
    if request.GET.get("business") not in (None, ""):
        business = _business_or_404(request, request.GET["business"])
    else:
        businesses = list(businesses_of_member(user=request.user))
        if not businesses:
            return render(request, "suppliers/profile_start.html")
        if len(businesses) > 1:
            return render(request, "suppliers/profile_choose.html", {"businesses": businesses})
        business = business_get_for_user(user=request.user, business_id=businesses[0].pk)
    _store(request, business, None)  # changes start from what is saved
    form = ProfileForm(data=_merged(_data_for(business)))
    form.is_valid()
    context = {
        "business": business,
        "sections": _summary(form, business),
        "missing": business.profile_missing,
    }
    return render(request, "suppliers/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile_step(request, step: str):
    """One question page. Answers are checked here, then kept until they are confirmed."""
    step = STEPS_BY_SLUG.get(step)
    if step is None:
        raise Http404("No such step.")
    business = _target(request)
    answers = _stored(request, business)
    if request.method == "POST":
        form = step.form_class(data=request.POST)
        if form.is_valid():
            answers[step.slug] = form.answers()
            errors = answers.get(ERRORS, {})
            answers[ERRORS] = {k: v for k, v in errors.items() if k not in step.fields}
            _store(request, business, answers)
            missing = _missing_steps(answers)
            return redirect(_step_url(missing[0], business) if missing else _check_url(business))
    elif step.slug in answers:
        form = step.form_class(data=answers[step.slug])
        form.is_valid()  # shows what was wrong with a stored answer, if anything
        for name, problems in answers.get(ERRORS, {}).items():
            if name in form.fields and problems:
                form.add_error(name, problems)
    else:
        form = step.form_class()
    context = {
        "form": form,
        "fields": [{"field": form[name], "width": WIDTHS.get(name, "")} for name in form.fields],
        "step": step,
        "business": business,
        "number": PROFILE_STEPS.index(step) + 1,
        "count": len(PROFILE_STEPS),
        "back_url": _back_url(step, business, answers),
        "action": _step_url(step, business),
    }
    return render(request, "suppliers/profile_step.html", context)


def _back_url(step: ProfileStep, business: Business | None, answers: dict) -> str:
    if not _missing_steps(answers):
        return _check_url(business)
    index = PROFILE_STEPS.index(step)
    if index == 0:
        return reverse("suppliers:profile") + _query(business)
    return _step_url(PROFILE_STEPS[index - 1], business)


def _merged(answers: dict) -> dict:
    data = {}
    for step in PROFILE_STEPS:
        data.update(answers.get(step.slug, {}))
    return data


@login_required
@require_http_methods(["GET", "POST"])
def profile_check(request):
    """Check your answers, then confirm: creates the business or saves the changes."""
    business = _target(request)
    answers = _stored(request, business)
    missing = _missing_steps(answers)
    if missing:
        return redirect(_step_url(missing[0], business))
    initial = BusinessForm.initial_for(business) if business else None
    form = ProfileForm(data=_merged(answers), initial=initial)
    if not form.is_valid():  # a stored answer no longer holds: back to its step
        first = next(
            (STEP_OF_FIELD[name] for name in form.errors if name in STEP_OF_FIELD), PROFILE_STEPS[0]
        )
        return redirect(_step_url(first, business))
    errors = []
    if request.method == "POST":
        try:
            saved = _save(request, business, form)
        except ValidationError as exc:
            errors = _service_errors(request, business, answers, exc)
        except ApplicationError as exc:  # a PermissionDenied too
            errors = [{"message": exc.message, "href": ""}]
        else:
            _store(request, business, None)
            if business is None:
                return redirect(reverse("suppliers:profile_done") + _query(saved))
            messages.success(
                request, "Your business profile is saved. We are checking your matches again."
            )
            return redirect(reverse("suppliers:profile") + _query(saved))
    context = {
        "business": business,
        "sections": _summary(form, business),
        "errors": errors,
        "action": _check_url(business),
    }
    return render(request, "suppliers/profile_check.html", context)


def _save(request, business: Business | None, form: ProfileForm) -> Business:
    if business is None:
        return business_create(actor=request.user, **form.cleaned_data)
    return business_update(actor=request.user, business=business, **form.changed_values())


def _service_errors(request, business, answers: dict, exc: ValidationError) -> list[dict]:
    """The service's refusals for the error summary, each linked to the step that asks it;
    kept in the session so the step shows them on its field too."""
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    errors, kept = [], {}
    for name, problems in by_field.items():
        step = STEP_OF_FIELD.get(name)
        if step is not None:
            kept[name] = problems
        href = _step_url(step, business, _anchor(name)) if step else ""
        errors += [{"message": problem, "href": href} for problem in problems]
    answers[ERRORS] = kept
    _store(request, business, answers)
    return errors


def _anchor(name: str) -> str:
    """The id of the field's control on its step (the first option of radios or checkboxes)."""
    return error_anchor(ProfileForm()[name])


@login_required
def profile_done(request):
    """The confirmation after a business is added: what happens next."""
    business = _business_or_404(request, request.GET.get("business"))
    return render(
        request,
        "suppliers/profile_done.html",
        {"business": business, "missing": business.profile_missing},
    )


# What the summary lists show ---------------------------------------------------------------


def _summary(form: ProfileForm, business: Business | None) -> list[dict]:
    """Per step: a heading and rows of (label, value, change link) from the cleaned answers."""
    data = form.cleaned_data
    labels = cpv_labels(data.get(SECTOR_CODES) or [])
    sections = []
    for step in PROFILE_STEPS:
        rows = []
        for name in step.fields:
            field = form.fields[name]
            rows.append(
                {
                    "label": SHORT_LABELS.get(name, field.label),
                    "value": _display(name, data.get(name), field, labels),
                    "change_url": _step_url(step, business, error_anchor(form[name])),
                    "is_list": name in (SECTOR_CODES, "certification_slugs"),
                }
            )
        sections.append({"step": step, "rows": rows, "url": _step_url(step, business)})
    return sections


SHORT_LABELS = {
    "companies_house_number": "Companies House number",
    "charity_number": "Charity number",
    "website": "Website",
    "social_enterprise_declared": "Social enterprise",
    "public_profile": "Public profile",
    "postcode": "Postcode",
    SECTOR_CODES: "What you supply",
    "annual_turnover": "Annual turnover",
    "max_contract_value": "Largest contract you can take on",
    "certification_slugs": "Certifications",
}
MONEY_FIELDS = ("annual_turnover", "max_contract_value")


def _display(name: str, value, field, labels: dict):
    """An answer in words: a list for sectors and certifications, text for the rest."""
    if name == SECTOR_CODES:
        return [f"{code} {labels.get(code, '')}".strip() for code in value or []]
    if name == "certification_slugs":
        names = dict(field.choices)
        return [names.get(slug, slug) for slug in value or []]
    if name == "public_profile":
        return "Yes, show it to the public" if value else "No, keep it private"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value in (None, ""):
        return "Not given"
    if name in MONEY_FIELDS:
        text = money(value, pence=True)
        return f"{text} excluding VAT" if name == "max_contract_value" else f"{text} a year"
    if name == "legal_form":
        return Business.LegalForm(value).label
    return str(value)
