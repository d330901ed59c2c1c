"""Error pages. Under ``/api/`` they answer in the API's one JSON error shape instead, since
some errors (too many query parameters, a 500) are raised before or outside DRF's own handler.
"""

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

API_PREFIX = "/api/"


def _error_page(request, status: int, title: str, message: str, *, api_message: str = ""):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"message": api_message or title, "extra": {}}, status=status)
    return render(
        request,
        "core/error.html",
        {"title": title, "message": message, "status": status},
        status=status,
    )


@requires_csrf_token
def bad_request(request, exception=None):
    api_message = "The request could not be read."
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        api_message = (
            "The request has too many query parameters or form fields: send at most "
            f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 0:,}."
        )
    return _error_page(
        request,
        400,
        "Something in the request was not right",
        "Check the address and try again.",
        api_message=api_message,
    )


@requires_csrf_token
def permission_denied(request, exception=None):
    """The 403 page. A refusal that says why (a ``core.exceptions.PermissionDenied`` from a
    service or a ``PermissionDenied("...")`` raised with a reason) shows its reason."""
    reason = getattr(exception, "message", None) or (str(exception) if exception else "")
    return _error_page(
        request,
        403,
        "You cannot see this page",
        reason or "Your account does not have access to this page.",
        api_message=reason or "You do not have permission to perform this action.",
    )


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error_page(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted the web address, "
        "check you copied the entire address.",
    )


def csrf_failure(request, reason=""):
    return _error_page(
        request,
        403,
        "Your form could not be sent",
        "The page was open too long or your browser blocked cookies. Go back, reload the page "
        "and try again.",
    )


@requires_csrf_token
def server_error(request):
    return _error_page(
        request,
        500,
        "Sorry, there is a problem with the service",
        "Try again later.",
        api_message="Sorry, there is a problem with the service. Try again later.",
    )
