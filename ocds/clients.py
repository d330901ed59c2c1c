"""The Find a Tender OCDS client: release packages updated in a window, page by page.

``GET {URL}?updatedFrom=...&updatedTo=...&limit=N[&cursor=...]`` answers an OCDS release
package whose ``links.next`` carries the cursor of the next page; the last page has none.
The service allows about 12 requests per 2 minutes, so the client spaces its requests and, on
HTTP 429, waits for ``Retry-After`` (up to a cap) before trying again.

Standard library only (``urllib.request``): the opener is injectable so tests replay recorded
responses without the network. Every request has an explicit timeout, which urllib applies
to the connection and to each read of the response. Whatever goes wrong on the wire, while
connecting or while reading the body (a reset connection, a truncated body, a timeout), comes
out as a ``FindATenderError``, never as the socket's or ``http.client``'s own exception.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from ocds.importer import load_json

USER_AGENT = "LocalLots OCDS import (+https://github.com/locallots)"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
DEFAULT_RETRY_AFTER_SECONDS = 10  # 12 requests per 2 minutes


class FindATenderError(Exception):
    """Find a Tender could not give us a page; ``message`` says what went wrong."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FindATenderTimeout(FindATenderError):
    """No answer (or no complete answer) within the timeout."""


class FindATenderRateLimited(FindATenderError):
    """Still refused with HTTP 429 after the retries, or asked to wait longer than the cap."""


class FindATenderBadResponse(FindATenderError):
    """An HTTP error other than 429, or a body that is not an OCDS release package."""


@dataclass(frozen=True)
class Page:
    url: str
    package: dict
    next_cursor: str


class FindATenderClient:
    def __init__(
        self,
        *,
        base_url: str,
        page_limit: int = 100,
        timeout_seconds: float = 20.0,
        max_retries: int = 3,
        max_retry_after_seconds: float = 120.0,
        request_interval_seconds: float = 10.0,
        opener: urllib.request.OpenerDirector | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.base_url = base_url
        self.page_limit = page_limit
        self.timeout_seconds = timeout_seconds
        self.max_retries = max_retries
        self.max_retry_after_seconds = max_retry_after_seconds
        self.request_interval_seconds = request_interval_seconds
        self.opener = opener or urllib.request.build_opener()
        self.sleep = sleep
        self.clock = clock
        self._last_request_at: float | None = None

    @classmethod
    def from_settings(cls, config: dict, **kwargs) -> FindATenderClient:
        return cls(
            base_url=config["URL"],
            page_limit=config["PAGE_LIMIT"],
            timeout_seconds=config["TIMEOUT_SECONDS"],
            max_retries=config["MAX_RETRIES"],
            max_retry_after_seconds=config["MAX_RETRY_AFTER_SECONDS"],
            request_interval_seconds=config["REQUEST_INTERVAL_SECONDS"],
            **kwargs,
        )

    def pages(
        self, *, updated_from: datetime, updated_to: datetime, cursor: str = ""
    ) -> Iterator[Page]:
        """Each page of the window in turn, starting at ``cursor`` (empty: the first page).

        The next page is only fetched when the caller asks for it, so a caller that stores
        ``page.next_cursor`` after handling a page can resume exactly there."""
        seen = set()
        while True:
            page = self.fetch_page(updated_from=updated_from, updated_to=updated_to, cursor=cursor)
            yield page
            if not page.next_cursor or page.next_cursor in seen:
                return
            seen.add(page.next_cursor)
            cursor = page.next_cursor

    def fetch_page(self, *, updated_from: datetime, updated_to: datetime, cursor: str = "") -> Page:
        params = {
            "updatedFrom": _utc(updated_from),
            "updatedTo": _utc(updated_to),
            "limit": str(self.page_limit),
        }
        if cursor:
            params["cursor"] = cursor
        url = f"{self.base_url}?{urllib.parse.urlencode(params)}"
        package = _package(self._get(url), url)
        return Page(url=url, package=package, next_cursor=_next_cursor(package))

    def _get(self, url: str) -> bytes:
        for attempt in range(self.max_retries + 1):
            self._pace()
            try:
                return self._open(url)
            except urllib.error.HTTPError as exc:
                if exc.code != 429:
                    raise FindATenderBadResponse(
                        f"Find a Tender answered HTTP {exc.code} for {url}."
                    ) from None
                wait = _retry_after(exc.headers.get("Retry-After"))
                if wait > self.max_retry_after_seconds:
                    raise FindATenderRateLimited(
                        f"Find a Tender asked us to wait {wait:.0f} seconds, longer than the "
                        f"{self.max_retry_after_seconds:.0f}-second cap; try again later."
                    ) from None
                if attempt == self.max_retries:
                    break
                self.sleep(wait)
        raise FindATenderRateLimited(
            f"Find a Tender still refused with HTTP 429 (too many requests) after "
            f"{self.max_retries} retries; try again later."
        )

    def _open(self, url: str) -> bytes:
        request = urllib.request.Request(
            url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
        )
        try:
            with self.opener.open(request, timeout=self.timeout_seconds) as response:
                return response.read()
        except urllib.error.HTTPError:
            raise
        except TimeoutError:  # socket.timeout is TimeoutError
            raise self._timeout(url) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._timeout(url) from None
            raise FindATenderError(f"Could not reach Find a Tender ({exc.reason}).") from None
        except http.client.IncompleteRead as exc:
            raise FindATenderError(
                f"Find a Tender's answer was cut short after {len(exc.partial)} bytes ({url})."
            ) from None
        except (http.client.HTTPException, OSError) as exc:
            # A connection reset or refused mid-answer, a malformed status line, TLS errors.
            raise FindATenderError(
                f"The connection to Find a Tender failed ({type(exc).__name__}: {exc}) ({url})."
            ) from None

    def _timeout(self, url: str) -> FindATenderTimeout:
        return FindATenderTimeout(
            f"Find a Tender did not answer within {self.timeout_seconds:g} seconds ({url})."
        )

    def _pace(self) -> None:
        """Keep at least ``request_interval_seconds`` between requests (the service's limit)."""
        now = self.clock()
        if self._last_request_at is not None:
            wait = self._last_request_at + self.request_interval_seconds - now
            if wait > 0:
                self.sleep(wait)
                now += wait
        self._last_request_at = now


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(DATE_FORMAT)


def _retry_after(header: str | None) -> float:
    """Seconds to wait: ``Retry-After`` is either seconds or an HTTP date."""
    if not header:
        return DEFAULT_RETRY_AFTER_SECONDS
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER_SECONDS
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _package(body: bytes, url: str) -> dict:
    try:
        package = load_json(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise FindATenderBadResponse(
            f"Find a Tender sent something that is not JSON ({url})."
        ) from None
    if not isinstance(package, dict) or not isinstance(package.get("releases"), list):
        raise FindATenderBadResponse(
            f"Find a Tender sent JSON that is not an OCDS release package ({url})."
        )
    return package


def _next_cursor(package: dict) -> str:
    links = package.get("links") if isinstance(package.get("links"), dict) else {}
    next_url = links.get("next")
    if not isinstance(next_url, str) or not next_url.strip():
        return ""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(next_url).query)
    return (query.get("cursor") or [""])[0]
