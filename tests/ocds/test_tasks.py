"""The scheduled Find a Tender import: off by default, windows and cursors persisted, resumable.

Only the HTTP edge is faked (urllib's opener replays recorded responses); the task, service,
import and database are real.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings

from anchors.models import Contract, Lot
from ocds.models import ImportRun
from ocds.tasks import find_a_tender_import_task
from tests.ocds.test_clients import BrokenBody, FakeOpener, recorded

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 1, 24, 6, 0, tzinfo=UTC)
EMPTY_PAGE = json.dumps({"version": "1.1", "releases": []}).encode()


@pytest.fixture
def enabled(settings):
    settings.FIND_A_TENDER = {
        **django_settings.FIND_A_TENDER,
        "ENABLED": True,
        "REQUEST_INTERVAL_SECONDS": 0,
    }
    return settings


def serve(monkeypatch, *answers) -> FakeOpener:
    opener = FakeOpener(*answers)
    monkeypatch.setattr("urllib.request.build_opener", lambda *handlers: opener)
    return opener


def run_task() -> dict:
    return find_a_tender_import_task.delay().result


def test_the_import_is_off_by_default_and_not_scheduled(monkeypatch):
    assert django_settings.FIND_A_TENDER["ENABLED"] is False
    assert "import-find-a-tender" not in django_settings.CELERY_BEAT_SCHEDULE
    opener = serve(monkeypatch)
    assert run_task() == {"status": "disabled"}
    assert opener.requests == [] and not ImportRun.objects.exists()


def test_switching_it_on_schedules_it():
    code = (
        "from procurement import settings as s; "
        "print(s.CELERY_BEAT_SCHEDULE['import-find-a-tender']['task'])"
    )
    env = {**os.environ, "FIND_A_TENDER_ENABLED": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "ocds.tasks.find_a_tender_import"


def test_a_run_imports_every_page_of_its_window(enabled, monkeypatch):
    opener = serve(monkeypatch, recorded(1), recorded(2), recorded(3))
    with time_machine.travel(NOW, tick=False):
        outcome = run_task()
    run = ImportRun.objects.get()
    assert outcome["status"] == run.status == ImportRun.Status.SUCCEEDED
    assert (run.updated_from, run.updated_to) == (NOW - timedelta(hours=24), NOW)
    assert (run.pages, run.created, run.skipped, run.cursor) == (3, 5, 0, "")
    assert opener.params(0)["updatedFrom"] == "2025-01-23T06:00:00"
    assert Contract.objects.filter(source=Contract.Source.FIND_A_TENDER).count() == 5
    assert Lot.objects.count() == 6  # the grounds maintenance notice has two lots
    catering = Contract.objects.get(ocid="ocds-h6vhtk-040002")
    assert catering.title == "Catering for Birmingham Women's and Children's hospital"
    assert catering.source_url == "https://www.find-tender.service.gov.uk/Notice/002002-2025"


def test_the_next_run_starts_where_the_last_successful_one_ended(enabled, monkeypatch):
    serve(monkeypatch, recorded(3))
    with time_machine.travel(NOW, tick=False):
        run_task()
    opener = serve(monkeypatch, EMPTY_PAGE)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        run_task()
    second = ImportRun.objects.first()
    assert (second.updated_from, second.updated_to) == (NOW, NOW + timedelta(hours=1))
    assert opener.params(0)["updatedFrom"] == "2025-01-24T06:00:00"


def test_a_failed_run_keeps_its_cursor_and_the_next_run_resumes_from_it(enabled, monkeypatch):
    serve(monkeypatch, recorded(1), TimeoutError("timed out"))
    with time_machine.travel(NOW, tick=False):
        outcome = run_task()
    run = ImportRun.objects.get()
    assert outcome["status"] == ImportRun.Status.FAILED
    assert run.error.startswith("Find a Tender did not answer within 20 seconds")
    assert (run.pages, run.created, run.cursor) == (1, 2, "MjAyNS0wMS0yM1QxMDowMDowMFo=")

    opener = serve(monkeypatch, recorded(2), recorded(3))
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        run_task()
    resumed = ImportRun.objects.get()
    assert resumed.pk == run.pk
    assert (resumed.updated_from, resumed.updated_to) == (run.updated_from, run.updated_to)
    assert opener.params(0)["cursor"] == "MjAyNS0wMS0yM1QxMDowMDowMFo="
    assert (resumed.status, resumed.pages, resumed.created, resumed.cursor) == (
        ImportRun.Status.SUCCEEDED,
        3,
        5,
        "",
    )


def test_running_the_same_window_again_imports_nothing_twice(enabled, monkeypatch):
    serve(monkeypatch, recorded(3))
    with time_machine.travel(NOW, tick=False):
        run_task()
    ImportRun.objects.update(updated_to=NOW - timedelta(hours=1))  # overlap the next window
    serve(monkeypatch, recorded(3))
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        run_task()
    latest = ImportRun.objects.first()
    assert (latest.created, latest.unchanged) == (0, 1)
    assert Contract.objects.count() == 1


def test_a_page_that_is_not_ocds_fails_the_run_with_the_reason(enabled, monkeypatch):
    serve(monkeypatch, b'{"releases": "none"}')
    with time_machine.travel(NOW, tick=False):
        run_task()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "not an OCDS release package" in run.error


def _page(*releases) -> bytes:
    return json.dumps({"version": "1.1", "releases": list(releases)}).encode()


def test_dates_out_of_range_in_a_page_are_skipped_or_noted_and_the_run_succeeds(
    enabled, monkeypatch
):
    from tests.ocds.test_importer import a_release

    late = a_release(ocid="ocds-h6vhtk-late", id="late-1")
    late["tender"]["tenderPeriod"] = {"endDate": "9999-12-31T23:59:59-05:00"}
    early = a_release(ocid="ocds-h6vhtk-early", id="early-1", date="0001-01-01T00:00:00+01:00")
    award = a_release(
        ocid="ocds-h6vhtk-award",
        id="award-1",
        awards=[{"id": "1", "date": "9999-12-31T23:59:59-05:00", "suppliers": [{"name": "X"}]}],
    )
    serve(monkeypatch, _page(late, early, award))
    with time_machine.travel(NOW, tick=False):
        outcome = run_task()
    run = ImportRun.objects.get()
    assert outcome["status"] == run.status == ImportRun.Status.SUCCEEDED
    assert (run.created, run.skipped, run.error) == (2, 1, "")
    assert Contract.objects.get(ocid="ocds-h6vhtk-late").closes_at is None
    assert not Contract.objects.filter(ocid="ocds-h6vhtk-early").exists()


def test_an_unexpected_error_fails_the_run_with_the_error_and_keeps_its_cursor(
    enabled, monkeypatch
):
    from ocds import services

    real = services.ocds_import_releases
    pages = []

    def crash_on_the_second_page(**kwargs):
        report = real(**kwargs)  # its writes are rolled back with the page's transaction
        pages.append(kwargs["source_name"])
        if len(pages) == 2:
            raise RuntimeError("disk on fire")
        return report

    monkeypatch.setattr(services, "ocds_import_releases", crash_on_the_second_page)
    serve(monkeypatch, recorded(1), recorded(2), recorded(3))
    with time_machine.travel(NOW, tick=False), pytest.raises(RuntimeError):
        run_task()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.error == "Stopped by an unexpected error: RuntimeError: disk on fire"
    assert run.finished_at is not None
    # Only the first page counts: the second's writes and cursor were rolled back.
    assert (run.pages, run.created, run.cursor) == (1, 2, "MjAyNS0wMS0yM1QxMDowMDowMFo=")
    assert Contract.objects.count() == 2

    # The next run resumes at the page that failed, and finishes the window.
    monkeypatch.setattr(services, "ocds_import_releases", real)
    opener = serve(monkeypatch, recorded(2), recorded(3))
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        outcome = run_task()
    assert opener.params(0)["cursor"] == "MjAyNS0wMS0yM1QxMDowMDowMFo="
    resumed = ImportRun.objects.get()
    assert (outcome["status"], resumed.pages, resumed.created) == ("succeeded", 3, 5)
    assert (resumed.error, resumed.cursor) == ("", "")


def test_a_time_limit_mid_page_does_not_move_the_cursor_past_that_page(enabled, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    real_save = ImportRun.save

    def time_runs_out_saving_the_second_page(run, *args, **kwargs):
        # The page's releases are imported and the run in hand already points past the page
        # when the limit strikes: none of it may stick.
        if run.pages == 2 and run.status == ImportRun.Status.RUNNING:
            raise SoftTimeLimitExceeded()
        return real_save(run, *args, **kwargs)

    monkeypatch.setattr(ImportRun, "save", time_runs_out_saving_the_second_page)
    serve(monkeypatch, recorded(1), recorded(2), recorded(3))
    with time_machine.travel(NOW, tick=False):
        outcome = run_task()
    run = ImportRun.objects.get()
    assert outcome["status"] == run.status == ImportRun.Status.INCOMPLETE
    assert (run.pages, run.created, run.cursor) == (1, 2, "MjAyNS0wMS0yM1QxMDowMDowMFo=")
    assert Contract.objects.count() == 2


def test_a_connection_reset_mid_answer_fails_the_run_cleanly_and_keeps_the_cursor(
    enabled, monkeypatch
):
    serve(monkeypatch, recorded(1), BrokenBody(ConnectionResetError(104, "reset by peer")))
    with time_machine.travel(NOW, tick=False):
        outcome = run_task()
    run = ImportRun.objects.get()
    assert outcome["status"] == run.status == ImportRun.Status.FAILED
    assert run.error.startswith("The connection to Find a Tender failed (ConnectionResetError")
    assert (run.pages, run.cursor) == (1, "MjAyNS0wMS0yM1QxMDowMDowMFo=")
