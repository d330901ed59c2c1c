"""The OCDS open data feed: ``GET /ocds/releases.json`` (DESIGN section 5).

Public, read-only JSON: an OCDS 1.1 release package of every published LocalLots contract, or
with ``?since=<date or date-time>`` only those changed at or after that moment. Responses carry
an ``ETag`` (a digest of the body) and, when there are releases, ``Last-Modified`` (the latest
release date), so clients and caches can revalidate with a 304.
"""

import hashlib
import json
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from ocds import releases, selectors

CACHE_SECONDS = 300
SINCE_MESSAGE = (
    "Give since as a date (2026-03-01) or a date and time (2026-03-01T09:30:00Z); write a "
    "+ in a time zone offset as %2B."
)


def parse_since(raw: str) -> datetime | None:
    """The ``since`` parameter as an aware datetime; None when absent or empty.

    A date means its first moment and a time without a zone is local (Europe/London).
    ``ValueError`` with a message for the client when it is neither.
    """
    raw = raw.strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(SINCE_MESSAGE)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        moment.astimezone(UTC)  # the database compares in UTC: reject what cannot be there
    except (OverflowError, ValueError) as error:
        raise ValueError(SINCE_MESSAGE) from error
    return moment


def _error(message: str, field: str, problem: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"message": message, "extra": {"fields": {field: [problem]}}}, status=status
    )


@require_safe
def releases_json(request: HttpRequest) -> HttpResponse:
    try:
        since = parse_since(request.GET.get("since", ""))
    except ValueError as error:
        return _error("Some of the values sent are not valid.", "since", str(error), 400)

    path = reverse("ocds:releases")
    if since is not None:
        path += "?" + urlencode({"since": releases.ocds_datetime(since)})
    package = releases.release_package(
        releases=releases.releases_for(selectors.ocds_contracts(since=since)),
        uri=f"{settings.SITE_URL.rstrip('/')}{path}",
        published_date=releases.ocds_datetime(timezone.now()),
    )
    body = json.dumps(package, ensure_ascii=False, separators=(",", ":")).encode()

    response = HttpResponse(body, content_type="application/json")
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response["ETag"] = etag
    last_modified = None
    if package["releases"]:
        last_modified = datetime.fromisoformat(package["publishedDate"]).timestamp()
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
