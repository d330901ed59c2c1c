"""The toolkit every HTML page uses (the API's is ``core.api``). Use it; never write a local copy.

**Who may come in: the refused-action policy, decided once**

1. Not signed in: the sign-in page, coming back here afterwards (Django's ``login_required``,
   which each access decorator applies first).
2. Signed in without the role the page is for: 403, with a page saying how to get the role.
   One access decorator per role, each living beside the data that defines the role and built
   on ``access_required`` below:

   - ``suppliers.web.business_member_required``: a member of a business; the view receives
     ``businesses=`` (the user's businesses, by name, already fetched);
   - ``anchors.web.officer_required``: an officer of an institution, or a network coordinator
     (who reads every institution's pages and changes nothing);
   - ``accounts.web.coordinator_required``: a network coordinator.

3. A record the user may not see, or that does not exist: 404, the same for both, so other
   users' and institutions' records reveal nothing (``get_or_404``; the API does the same).
4. An action the services refuse the user *before* it is tried, on a page they may read (a
   coordinator opening an officer's edit form): 403, with the service's reason on the page.
   Call the permission rule (it raises ``core.exceptions.PermissionDenied``) and let it go:
   ``RefusalMiddleware`` (in ``MIDDLEWARE``) renders every ``PermissionDenied`` a view lets
   escape as that page, never a 500. ``forbidden(reason)`` raises it from a view that
   decides itself.
5. An action submitted and refused by a service, for any reason (a rule, a permission,
   invalid values): the same page again, with the service's message in its error summary, at
   the field it concerns where the service named one. Catch ``SERVICE_ERRORS`` around the one
   service call and hand the exception to ``apply_service_errors(form, exc)`` (a form),
   ``service_errors(exc)`` (error summary entries for a page of buttons) or ``error_text(exc)``
   (one line for ``messages.error`` before a redirect).

**Showing things**

- ``money(value)``: ``£40,000`` or ``£40,000.50`` (GBP, ``Decimal``; "Not published" for none).
- ``money_both(value, vat_exempt=...)``: a ``core.money.Money`` with ``excl``, ``incl`` and
  ``vat_exempt``; ``str()`` is "£40,000 excluding VAT (£48,000 including VAT)" or "£40,000
  (exempt from VAT)"; ``incl_words`` is the including-VAT figure or the exemption. Amounts are
  entered excluding VAT and the app shows both (DESIGN section 3).
- ``STATUS_TAGS``: the GOV.UK tag colour of every status of contracts, lots, interests, events,
  registrations, attendance and invitations, in one table; ``tag_class(kind, status)`` gives
  the CSS class. Templates write ``{% load web %}{% status_tag "contract" contract.status %}``
  (the label comes from the status's choices, or pass it as a third argument), which renders
  ``<strong class="govuk-tag govuk-tag--green">Open</strong>``; the tag always carries its
  words, never colour alone. ``{{ value|money }}`` is the money filter of the same library.
- ``error_summary(*forms)``: the GOV.UK error summary's entries for several forms (a formset's
  forms included), each linked to its control, for ``includes/_form_errors.html``.
- ``attachment(content, filename=..., content_type=...)``: a download (CSV, spreadsheet,
  calendar file); write more into the response as into a file.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render

from core import money as _money
from core.exceptions import ApplicationError, PermissionDenied
from core.money import Money, money
from core.templatetags.govuk import error_summary

__all__ = [
    "SERVICE_ERRORS",
    "STATUS_TAGS",
    "Money",
    "RefusalMiddleware",
    "access_required",
    "apply_service_errors",
    "attachment",
    "error_summary",
    "error_text",
    "forbidden",
    "get_or_404",
    "money",
    "money_both",
    "service_errors",
    "tag_class",
]

SERVICE_ERRORS = (ApplicationError, ValidationError)


# Access -------------------------------------------------------------------------------------


def access_required(check: Callable[[Any], Any], *, refused_template: str, pass_as: str = ""):
    """A decorator: signed in (else the sign-in page) and ``check(user)`` truthy (else
    ``refused_template`` with status 403). With ``pass_as``, the view receives what ``check``
    returned under that keyword. The base of the per-role decorators named above."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            found = check(request.user)
            if not found:
                return render(request, refused_template, status=403)
            if pass_as:
                kwargs[pass_as] = found
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_or_404(selector: Callable, /, **kwargs):
    """Call a ``*_get_*`` selector; a missing row *or a refusal* is the same 404."""
    try:
        return selector(**kwargs)
    except (ObjectDoesNotExist, PermissionDenied) as exc:
        raise Http404("Not found.") from exc


def forbidden(reason: str) -> NoReturn:
    """Refuse the page with a 403 that gives ``reason`` (rule 4 of the policy)."""
    raise PermissionDenied(reason)


class RefusalMiddleware:
    """A ``core.exceptions.PermissionDenied`` that a page lets escape is the 403 page with its
    message (rule 4), never a 500. The API answers its own refusals (``core.api``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            from core.views import permission_denied  # the one 403 page, API shape under /api/

            return permission_denied(request, exception)
        return None


# A service's refusal on the page ------------------------------------------------------------


def apply_service_errors(form, exc: ValidationError | ApplicationError) -> None:
    """Put a service's refusal on the form, field by field where the service named the field
    (else in the error summary), so the user sees every message next to what it concerns."""
    if isinstance(exc, ApplicationError):
        form.add_error(None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _messages(exc: ValidationError | ApplicationError) -> list[str]:
    return [exc.message] if isinstance(exc, ApplicationError) else list(exc.messages)


def service_errors(exc: ValidationError | ApplicationError) -> list[dict]:
    """A service's refusal as error summary entries, for a page with no field to link to."""
    return [{"message": text, "anchor": ""} for text in _messages(exc)]


def error_text(exc: ValidationError | ApplicationError) -> str:
    """A service's refusal as one line, for ``messages.error`` before a redirect."""
    return " ".join(_messages(exc))


# Downloads ----------------------------------------------------------------------------------


def attachment(content: bytes | str = b"", *, filename: str, content_type: str) -> HttpResponse:
    """``content`` as a file to save, named ``filename`` (ASCII: the callers build it)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Money --------------------------------------------------------------------------------------


def money_both(value: Decimal | None, *, vat_exempt: bool) -> Money:
    """``value`` (excluding VAT) with and without VAT at the ``VAT_RATE`` setting."""
    return _money.money_both(value, vat_exempt=vat_exempt, rate=settings.VAT_RATE)


# Status tags --------------------------------------------------------------------------------

STATUS_TAGS: dict[str, dict[str, str]] = {
    # Contract.Status, derived from its lifecycle facts
    "contract": {
        "draft": "grey",
        "open": "green",
        "closed": "yellow",
        "partly_awarded": "light-blue",
        "awarded": "blue",
        "cancelled": "red",
    },
    # A published lot, as an officer follows it
    "lot": {"open": "green", "closed": "yellow", "awarded": "blue"},
    "interest": {
        "registered": "blue",
        "shortlisted": "green",
        "declined": "red",
        "withdrawn": "grey",
    },
    "event": {
        "draft": "yellow",
        "open": "green",
        "closed": "grey",
        "finished": "grey",
        "cancelled": "red",
    },
    "registration": {"confirmed": "green", "waitlisted": "yellow", "cancelled": "grey"},
    "attendance": {"unknown": "grey", "attended": "green", "no_show": "red"},
    "invitation": {"proposed": "grey", "invited": "blue", "registered": "green", "declined": "red"},
}


def tag_class(kind: str, status: str) -> str:
    """The GOV.UK tag modifier class for ``status`` of ``kind`` (``govuk-tag--green``).

    An unknown kind or status is a ``KeyError``: every status has its colour here, which the
    tests check against the models' choices."""
    return f"govuk-tag--{STATUS_TAGS[kind][str(status)]}"
