from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


def _error_page(request, status: int, title: str, message: str):
    return render(
        request,
        "core/error.html",
        {"title": title, "message": message, "status": status},
        status=status,
    )


@requires_csrf_token
def bad_request(request, exception=None):
    return _error_page(
        request, 400, "Something in the request was not right", "Check the address and try again."
    )


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error_page(
        request, 403, "You cannot see this page", "Your account does not have access to this page."
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
        request, 500, "Sorry, there is a problem with the service", "Try again later."
    )
