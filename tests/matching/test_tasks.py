"""Celery tasks for matching, run eagerly (the autouse fixture): each calls its service."""

import pytest
from celery import signals
from celery.schedules import crontab
from django.conf import settings
from django.db import OperationalError

from core.models import OutboundEmail
from matching import tasks
from matching.models import Match
from procurement.celery import app
from tests.matching.factories import MatchFactory, close_lot, matching_business, open_lot
from tests.suppliers.factories import OwnerFactory

pytestmark = pytest.mark.django_db

MATCHING_TASKS = [
    tasks.match_lot_task,
    tasks.match_business_task,
    tasks.match_lot_chunk_task,
    tasks.rematch_open_lots_task,
    tasks.send_match_digest_task,
    tasks.send_match_digests_task,
]


@pytest.fixture
def started():
    """The (task name, args) of every task that runs, in order."""
    seen = []

    def record(sender=None, args=None, **kwargs):
        seen.append((sender.name, list(args or ())))

    signals.task_prerun.connect(record, weak=False)
    yield seen
    signals.task_prerun.disconnect(record)


def test_match_lot_task_matches_the_lot():
    lot = open_lot()
    business = matching_business()

    result = tasks.match_lot_task.delay(lot.pk).get()

    assert result == {"lot": lot.pk, "stored": 1, "removed": 0, "skipped": False}
    assert Match.objects.filter(lot=lot, business=business).exists()


def test_match_lot_task_on_a_closed_lot_reports_skipped():
    lot = close_lot(open_lot())
    matching_business()

    assert tasks.match_lot_task.delay(lot.pk).get()["skipped"] is True
    assert not Match.objects.exists()


def test_match_business_task_matches_the_business_against_open_lots():
    lots = [open_lot(), open_lot()]
    business = matching_business()

    result = tasks.match_business_task.delay(business.pk).get()

    assert result == {"business": business.pk, "stored": 2, "removed": 0}
    assert set(Match.objects.values_list("lot_id", flat=True)) == {lot.pk for lot in lots}


def test_match_lot_chunk_task_matches_each_lot_of_the_chunk():
    lots = [open_lot(), open_lot(), open_lot()]
    matching_business()

    result = tasks.match_lot_chunk_task.delay([lots[0].pk, lots[2].pk]).get()

    assert result == {"lots": 2, "stored": 2, "removed": 0}
    assert set(Match.objects.values_list("lot_id", flat=True)) == {lots[0].pk, lots[2].pk}


def test_rematch_open_lots_fans_out_chunks_of_the_configured_size(settings, started):
    settings.MATCHING = {**settings.MATCHING, "REMATCH_CHUNK_SIZE": 2}
    lots = [open_lot() for _ in range(5)]
    close_lot(open_lot())
    matching_business()

    chunks = tasks.rematch_open_lots_task.delay().get()

    assert chunks == 3
    ids = [lot.pk for lot in lots]
    assert [args for name, args in started if name == "matching.tasks.match_lot_chunk"] == [
        [ids[0:2]],
        [ids[2:4]],
        [ids[4:5]],
    ]
    assert set(Match.objects.values_list("lot_id", flat=True)) == set(ids)


def test_rematch_open_lots_with_nothing_open_queues_nothing(started):
    close_lot(open_lot())

    assert tasks.rematch_open_lots_task.delay().get() == 0
    assert [name for name, _ in started] == ["matching.tasks.rematch_open_lots"]


def test_send_match_digests_sends_one_digest_task_per_business_with_new_matches(started):
    first, second, nothing_due = matching_business(), matching_business(), matching_business()
    for business in (first, second, nothing_due):
        OwnerFactory(business=business)
    MatchFactory(business=first)
    MatchFactory(business=second)
    MatchFactory(business=nothing_due, notify=False)

    assert tasks.send_match_digests_task.delay().get() == 2

    digest_runs = [args for name, args in started if name == "matching.tasks.send_match_digest"]
    assert sorted(digest_runs) == sorted([[first.pk], [second.pk]])
    recipients = set(OutboundEmail.objects.filter(kind="match_digest").values_list("to", flat=True))
    assert recipients == {
        first.members.get().user.email,
        second.members.get().user.email,
    }
    assert tasks.send_match_digests_task.delay().get() == 0  # nothing new the second time


def test_send_match_digest_task_returns_the_emails_queued():
    business = matching_business()
    OwnerFactory(business=business)
    MatchFactory(business=business)

    assert tasks.send_match_digest_task.delay(business.pk).get() == 1
    assert tasks.send_match_digest_task.delay(business.pk).get() == 0


# --- delivery and retry options -----------------------------------------------------------------


@pytest.mark.parametrize("task", MATCHING_TASKS, ids=lambda task: task.name)
def test_every_task_acks_late_and_retries_transient_errors_only(task):
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert OperationalError in task.autoretry_for
    assert not any(issubclass(ValueError, kind) for kind in task.autoretry_for)
    assert not any(issubclass(KeyError, kind) for kind in task.autoretry_for)
    assert 0 < task.max_retries <= 10
    assert task.retry_backoff
    assert task.retry_backoff_max


@pytest.fixture
def failures_kept_in_results():
    """Eager tasks report failures in their result (as a worker does) instead of raising, so
    Celery's eager retry loop runs."""
    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = propagates


@pytest.mark.usefixtures("failures_kept_in_results")
def test_a_transient_database_error_is_retried_until_it_succeeds(monkeypatch):
    lot = open_lot()
    matching_business()
    calls = []
    real = tasks.match_lot

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(tasks, "match_lot", flaky)

    result = tasks.match_lot_task.apply(args=[lot.pk])

    assert result.successful(), result.traceback
    assert result.get()["stored"] == 1
    assert len(calls) == 3
    assert Match.objects.filter(lot=lot).count() == 1


@pytest.mark.usefixtures("failures_kept_in_results")
def test_a_transient_error_that_persists_gives_up_after_the_cap(monkeypatch):
    calls = []

    def down(**kwargs):
        calls.append(kwargs)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(tasks, "match_lot", down)

    with pytest.raises(OperationalError):
        tasks.match_lot_task.apply(args=[1]).get()
    assert len(calls) == tasks.match_lot_task.max_retries + 1


@pytest.mark.usefixtures("failures_kept_in_results")
def test_a_programming_error_is_not_retried(monkeypatch):
    calls = []

    def broken(**kwargs):
        calls.append(kwargs)
        raise ValueError("a bug, not a blip")

    monkeypatch.setattr(tasks, "match_lot", broken)

    with pytest.raises(ValueError):
        tasks.match_lot_task.apply(args=[1]).get()
    assert len(calls) == 1


# --- registration and the beat schedule ---------------------------------------------------------


def test_the_tasks_are_registered_under_the_names_hooks_and_beat_use():
    app.loader.import_default_modules()
    for name in [
        "matching.tasks.match_lot",
        "matching.tasks.match_business",
        "matching.tasks.match_lot_chunk",
        "matching.tasks.rematch_open_lots",
        "matching.tasks.send_match_digest",
        "matching.tasks.send_match_digests",
    ]:
        assert name in app.tasks, name
    from anchors.services.contracts import MATCH_LOT_TASK
    from suppliers.services.businesses import MATCH_BUSINESS_TASK

    assert MATCH_LOT_TASK in app.tasks and MATCH_BUSINESS_TASK in app.tasks


def test_the_beat_schedule_rematches_nightly_and_sends_digests_daily():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert app.conf.beat_schedule == schedule
    by_task = {entry["task"]: entry["schedule"] for entry in schedule.values()}

    rematch = by_task["matching.tasks.rematch_open_lots"]
    digests = by_task["matching.tasks.send_match_digests"]

    assert isinstance(rematch, crontab) and isinstance(digests, crontab)
    assert rematch.hour == {2} and rematch.minute == {30}
    assert digests.hour == {7} and digests.minute == {0}
    assert rematch.day_of_week == digests.day_of_week == set(range(7))  # every day
    for name in by_task:
        assert name in app.tasks, name
