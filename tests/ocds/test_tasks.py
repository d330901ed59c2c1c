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
from tests.ocds.test_clients import FakeOpener, recorded

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
