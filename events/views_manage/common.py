"""What every coordinator page shares: who may come in, how a service's refusal reaches the
page, status tags and downloads.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse

from core.exceptions import ApplicationError, PermissionDenied
from events import exports, selectors
from events.models import Event

SERVICE_ERRORS = (ApplicationError, ValidationError)
EVENT_TAGS = {  # the same colours as the public pages; the tag always carries its words
    Event.Status.DRAFT: "govuk-tag--yellow",
    Event.Status.OPEN: "govuk-tag--green",
    Event.Status.CLOSED: "govuk-tag--grey",
    Event.Status.FINISHED: "govuk-tag--grey",
    Event.Status.CANCELLED: "govuk-tag--red",
}
SIZE_WORDS = {"micro": "Micro", "small": "Small", "medium": "Medium", "large": "Large"}


def coordinator_required(view):
    """Signed in (else sent to sign in) and a network coordinator (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # The coordinator part of ``accounts.roles.user_roles`` without its membership queries.
        if not (request.user.is_active and request.user.is_coordinator):
            raise DjangoPermissionDenied("Only a network coordinator can manage events.")
        return view(request, *args, **kwargs)

    return wrapper


def event_or_404(request, pk: int) -> Event:
    try:
        return selectors.event_get_for_coordinator(user=request.user, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404("No such event.") from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc


def service_errors(exc: ValidationError | ApplicationError) -> list[dict]:
    """A service's refusal as error summary entries (no field to link to on a button page)."""
    texts = [exc.message] if isinstance(exc, ApplicationError) else exc.messages
    return [{"message": text, "anchor": ""} for text in texts]


def call_service(call, *args, **kwargs):
    """Run a service; its ``PermissionDenied`` becomes a 403, other refusals propagate."""
    try:
        return call(*args, **kwargs)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc


def status_tag(event: Event) -> dict:
    status = event.status
    return {"label": Event.Status(status).label, "tag": EVENT_TAGS[status]}


def size_words(business) -> str:
    return SIZE_WORDS.get(business.size_class or "", "Not known")


def attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download(content: bytes, *, event: Event, name: str, extension: str, content_type: str):
    filename = exports.filename(event=event, name=name, extension=extension)
    return attachment(content, filename=filename, content_type=content_type)


CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
