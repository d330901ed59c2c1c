"""The Find a Tender client, replaying recorded responses through a fake opener (the HTTP edge)."""

import http.client
import io
import urllib.error
import urllib.parse
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import pytest

from ocds.clients import (
    FindATenderBadResponse,
    FindATenderClient,
    FindATenderError,
    FindATenderRateLimited,
    FindATenderTimeout,
)

RECORDED = Path(__file__).parent / "recorded"
URL = "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages"
FROM, TO = datetime(2025, 1, 23, tzinfo=UTC), datetime(2025, 1, 24, tzinfo=UTC)


def recorded(page: int) -> bytes:
    return (RECORDED / f"find_a_tender_page{page}.json").read_bytes()


def http_error(code: int, retry_after: str | None = None) -> urllib.error.HTTPError:
    headers = Message()
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return urllib.error.HTTPError(URL, code, "Too Many Requests", headers, io.BytesIO(b""))


class FakeOpener:
    """Answers each request with the next recorded response (bytes) or raises it (exception)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []

    def open(self, request, timeout=None):
        self.requests.append((request.full_url, timeout))
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, BrokenBody):
            return answer
        return io.BytesIO(answer)

    def params(self, index: int) -> dict:
        query = urllib.parse.urlsplit(self.requests[index][0]).query
        return dict(urllib.parse.parse_qsl(query))


class BrokenBody(io.BytesIO):
    """A response whose headers arrived but whose body fails while being read."""

    def __init__(self, failure: BaseException):
        super().__init__(b'{"releases": [')
        self.failure = failure

    def read(self, *args):
        raise self.failure


class FakeTime(list):
    """A clock that only moves when the client sleeps; the list records each sleep."""

    now = 0.0

    def sleep(self, seconds):
        self.append(seconds)
        self.now += seconds


def client(opener, **kwargs):
    time = FakeTime()
    made = FindATenderClient(
        base_url=URL,
        page_limit=2,
        timeout_seconds=7.5,
        opener=opener,
        sleep=time.sleep,
        clock=lambda: time.now,
        **kwargs,
    )
    return made, time


def test_pages_follow_the_cursor_across_three_pages():
    opener = FakeOpener(recorded(1), recorded(2), recorded(3))
    fat, _ = client(opener)
    pages = list(fat.pages(updated_from=FROM, updated_to=TO))
    assert [len(page.package["releases"]) for page in pages] == [2, 2, 1]
    assert [page.next_cursor for page in pages] == [
        "MjAyNS0wMS0yM1QxMDowMDowMFo=",
        "MjAyNS0wMS0yM1QxNDowMDowMFo=",
        "",
    ]
    assert opener.params(0) == {
        "updatedFrom": "2025-01-23T00:00:00",
        "updatedTo": "2025-01-24T00:00:00",
        "limit": "2",
    }
    assert opener.params(1)["cursor"] == "MjAyNS0wMS0yM1QxMDowMDowMFo="
    assert opener.params(2)["cursor"] == "MjAyNS0wMS0yM1QxNDowMDowMFo="
    assert all(timeout == 7.5 for _, timeout in opener.requests)


def test_pages_start_from_a_saved_cursor():
    opener = FakeOpener(recorded(3))
    fat, _ = client(opener)
    pages = list(fat.pages(updated_from=FROM, updated_to=TO, cursor="saved"))
    assert len(pages) == 1 and opener.params(0)["cursor"] == "saved"


def test_requests_are_spaced_to_the_services_rate_limit():
    opener = FakeOpener(recorded(1), recorded(2), recorded(3))
    fat, slept = client(opener, request_interval_seconds=10)
    list(fat.pages(updated_from=FROM, updated_to=TO))
    assert slept == [10, 10]


def test_http_429_waits_for_retry_after_then_succeeds():
    opener = FakeOpener(http_error(429, "7"), recorded(3))
    fat, slept = client(opener, request_interval_seconds=0)
    page = fat.fetch_page(updated_from=FROM, updated_to=TO)
    assert len(page.package["releases"]) == 1
    assert slept == [7.0]
    assert len(opener.requests) == 2


def test_http_429_without_retry_after_waits_the_default():
    opener = FakeOpener(http_error(429), recorded(3))
    fat, slept = client(opener, request_interval_seconds=0)
    fat.fetch_page(updated_from=FROM, updated_to=TO)
    assert slept == [10]


def test_http_429_asking_for_longer_than_the_cap_gives_up_at_once():
    opener = FakeOpener(http_error(429, "3600"))
    fat, slept = client(opener, max_retry_after_seconds=120)
    with pytest.raises(FindATenderRateLimited) as caught:
        fat.fetch_page(updated_from=FROM, updated_to=TO)
    assert "3600 seconds, longer than the 120-second cap" in caught.value.message
    assert slept == []


def test_http_429_every_time_gives_up_after_the_retries():
    opener = FakeOpener(*(http_error(429, "1") for _ in range(3)))
    fat, slept = client(opener, max_retries=2, request_interval_seconds=0)
    with pytest.raises(FindATenderRateLimited) as caught:
        fat.fetch_page(updated_from=FROM, updated_to=TO)
    assert "after 2 retries" in caught.value.message
    assert slept == [1.0, 1.0]


@pytest.mark.parametrize(
    "failure", [TimeoutError("timed out"), urllib.error.URLError(TimeoutError("timed out"))]
)
def test_a_timeout_is_a_clear_error(failure):
    fat, _ = client(FakeOpener(failure))
    with pytest.raises(FindATenderTimeout) as caught:
        fat.fetch_page(updated_from=FROM, updated_to=TO)
    assert caught.value.message.startswith("Find a Tender did not answer within 7.5 seconds")


def test_an_unreachable_service_is_a_clear_error():
    fat, _ = client(FakeOpener(urllib.error.URLError("Name or service not known")))
    with pytest.raises(FindATenderError, match="Could not reach Find a Tender"):
        fat.fetch_page(updated_from=FROM, updated_to=TO)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (http_error(503), "HTTP 503"),
        (b"<html>Service unavailable</html>", "not JSON"),
        (b'{"records": []}', "not an OCDS release package"),
    ],
)
def test_a_bad_response_is_a_clear_error(answer, message):
    fat, _ = client(FakeOpener(answer))
    with pytest.raises(FindATenderBadResponse, match=message):
        fat.fetch_page(updated_from=FROM, updated_to=TO)


def test_a_repeated_cursor_does_not_loop_forever():
    opener = FakeOpener(recorded(1), recorded(1))
    fat, _ = client(opener)
    assert len(list(fat.pages(updated_from=FROM, updated_to=TO))) == 2


@pytest.mark.parametrize(
    ("failure", "error", "message"),
    [
        (
            ConnectionResetError(104, "Connection reset by peer"),
            FindATenderError,
            "The connection to Find a Tender failed (ConnectionResetError: [Errno 104] "
            "Connection reset by peer)",
        ),
        (
            http.client.IncompleteRead(b"x" * 512, 4096),
            FindATenderError,
            "Find a Tender's answer was cut short after 512 bytes",
        ),
        (
            TimeoutError("The read operation timed out"),  # what socket.timeout now is
            FindATenderTimeout,
            "Find a Tender did not answer within 7.5 seconds",
        ),
        (
            http.client.RemoteDisconnected("Remote end closed connection without response"),
            FindATenderError,
            "The connection to Find a Tender failed (RemoteDisconnected",
        ),
    ],
)
def test_a_failure_while_reading_the_answer_is_the_clients_own_error(failure, error, message):
    fat, _ = client(FakeOpener(BrokenBody(failure)))
    with pytest.raises(error) as caught:
        fat.fetch_page(updated_from=FROM, updated_to=TO)
    assert caught.value.message.startswith(message)
    assert URL in caught.value.message or isinstance(caught.value, FindATenderTimeout)


def test_a_connection_reset_while_connecting_is_the_clients_own_error():
    fat, _ = client(FakeOpener(ConnectionResetError(104, "Connection reset by peer")))
    with pytest.raises(FindATenderError, match="connection to Find a Tender failed"):
        fat.fetch_page(updated_from=FROM, updated_to=TO)
