"""Matching through real Celery workers on Redis and PostgreSQL.

(a) The pipeline: publishing a contract enqueues ``match_lot`` after commit, a worker takes it
from Redis and the matches land in the database.

(b) Redelivery: a worker killed in the middle of ``match_lot`` leaves its message unacknowledged
(``acks_late``); once the visibility timeout has passed, a new worker takes the message again,
and the upsert on (lot, business) means the run leaves the same rows as a single run would.
The kill happens at a known point: the test holds the lot's row lock in its own connection, so
the worker's ``select_for_update`` waits, and the test sees it waiting in ``pg_stat_activity``.
"""

import os
import signal
import subprocess
import time
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

from anchors.models import Lot
from anchors.services.contracts import contract_publish
from matching.models import Match
from matching.services import match_lot
from suppliers.services.businesses import business_create
from tests.accounts.factories import UserFactory
from tests.anchors.factories import ContractFactory, officer_of
from tests.matching.factories import (
    CATERING,
    CONSTRUCTION,
    cpv_codes,
    far_and_weak_business,
    matching_business,
    open_lot,
)

BASE_DIR = Path(settings.BASE_DIR)
CELERY = BASE_DIR / ".venv" / "bin" / "celery"
REDELIVERY_REDIS_DB = 14  # flushed before and after; the suite's own broker is left alone
VISIBILITY_TIMEOUT = 5

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_for(predicate, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(interval)
    return None


# --- (a) the pipeline ---------------------------------------------------------------------------


def test_publishing_a_contract_gets_it_matched_by_a_real_worker(celery_worker):
    cpv_codes(CATERING)
    contract = ContractFactory(
        estimated_value=Decimal("25000"),
        no_lots_reason="One kitchen: it cannot reasonably be split.",
        find_a_tender_ref="2026/S 000-123456",  # £30,000 with VAT: notifiable
        lots__cpv=[CATERING],
    )
    lot = contract.lots.get()
    businesses = [matching_business() for _ in range(3)]
    matching_business(sector_codes=[CONSTRUCTION])  # never a match

    contract_publish(actor=officer_of(contract.institution), contract=contract)  # commits

    def matched():
        return Match.objects.filter(lot=lot).count() == len(businesses)

    assert wait_for(matched, timeout=30), "the worker did not match the published lot"
    assert set(Match.objects.values_list("business_id", flat=True)) == {b.pk for b in businesses}

    # A business registering afterwards is matched by the worker too (match_business).
    cpv_codes(CATERING)
    late = business_create(
        actor=UserFactory(),
        name="Ward End Catering",
        legal_form="limited_company",
        postcode="B8 1AA",
        sector_codes=[CATERING],
        staff_headcount=3,
        annual_turnover=Decimal("200000"),
        description="Hot meals for schools.",
    )
    assert wait_for(lambda: Match.objects.filter(lot=lot, business=late).exists(), timeout=30)


# --- (b) redelivery after the worker is killed ----------------------------------------------------


class Workers:
    """Celery worker subprocesses on a private Redis database and queue, against the test DB."""

    def __init__(self, tmp_path: Path):
        self.broker_url = f"redis://127.0.0.1:6379/{REDELIVERY_REDIS_DB}"
        self.queue = f"matching-redelivery-{uuid.uuid4().hex[:8]}"
        self.tmp_path = tmp_path
        self.started: list[tuple[subprocess.Popen, Path]] = []
        database = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "procurement.settings",
            "DATABASE_URL": f"postgres://{database['USER'] or 'postgres'}@127.0.0.1:5432/"
            f"{database['NAME']}",
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_RESULT_BACKEND": "",
        }
        self.redis = redis.Redis.from_url(self.broker_url)
        self.app = Celery("redelivery-test", broker=self.broker_url)
        self.app.conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
        self.app.conf.task_ignore_result = True

    def start(self, name: str) -> tuple[subprocess.Popen, Path]:
        log = self.tmp_path / f"{name}.log"
        process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "procurement",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                self.queue,
                "-n",
                f"{name}-{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--logfile={log}",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self.started.append((process, log))
        return process, log

    def send(self, task_name: str, *args) -> str:
        # An explicit connection: Celery lets the CELERY_BROKER_URL environment variable (the
        # suite's own broker) override the app's ``broker`` argument.
        with (
            self.app.connection_for_write(self.broker_url) as broker,
            self.app.amqp.Producer(broker) as producer,
        ):
            result = self.app.send_task(
                task_name, args=list(args), queue=self.queue, producer=producer
            )
        return result.id

    def stop_all(self) -> None:
        for process, _ in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # warm shutdown
        for process, _ in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text() if log.exists() else '(no log)'}"
            for _, log in self.started
        )


def _lock_waiters(database: str, holder_pid: int) -> list[tuple[int, str]]:
    """Backends on the test database waiting for a lock (other than the holder)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, query FROM pg_stat_activity "
            "WHERE datname = %s AND wait_event_type = 'Lock' AND pid <> %s",
            [database, holder_pid],
        )
        return cursor.fetchall()


def _end_other_backends(database: str, keep: set[int]) -> None:
    """Leave no stray connection on the test database (the flush after the test needs it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> ALL(%s)",
            [database, list(keep)],
        )


def test_a_task_redelivered_after_its_worker_is_killed_leaves_no_duplicates(tmp_path):
    database = connection.settings_dict["NAME"]
    lot = open_lot(cpv=[CATERING])
    for _ in range(6):
        matching_business()
    matching_business(sector_codes=[CONSTRUCTION])
    far_and_weak_business()

    workers = Workers(tmp_path)
    workers.redis.flushdb()
    holder = psycopg.connect(
        host="127.0.0.1",
        port=5432,
        user=connection.settings_dict["USER"] or "postgres",
        dbname=database,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own_pid = cursor.fetchone()[0]
    try:
        # Hold the lot's row lock: match_lot's select_for_update will wait on it.
        holder.execute(f"SELECT id FROM {Lot._meta.db_table} WHERE id = %s FOR UPDATE", [lot.pk])
        task_id = workers.send("matching.tasks.match_lot", lot.pk)
        first, first_log = workers.start("first")

        waiting = wait_for(lambda: _lock_waiters(database, holder.info.backend_pid), timeout=45)
        assert waiting, f"the worker never waited on the lot's lock\n{workers.logs()}"
        seen_waiting = time.monotonic()
        assert any("FOR UPDATE" in query.upper() for _, query in waiting), waiting
        assert task_id in first_log.read_text()  # the first worker received this very task
        assert not Match.objects.filter(lot=lot).exists()

        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
        holder.rollback()  # release the lock; the dead worker's transaction can never commit

        # The message is still unacknowledged in Redis and comes back once it is older than
        # the visibility timeout; a worker restores such messages when it starts.
        assert workers.redis.hlen("unacked") == 1
        time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1.5 - (time.monotonic() - seen_waiting)))
        _, second_log = workers.start("second")

        def finished():
            log = second_log.read_text() if second_log.exists() else ""
            return f"[{task_id}] succeeded" in log

        assert wait_for(finished, timeout=60), f"the task was not redelivered\n{workers.logs()}"

        stored = Match.objects.filter(lot=lot)
        stored_pairs = list(stored.values_list("lot_id", "business_id"))
        assert len(stored_pairs) == len(set(stored_pairs))
        direct = match_lot(lot_id=lot.pk)  # the same computation, run here, changes nothing
        assert stored.count() == direct.stored == 6
        assert direct.removed == 0
        assert sorted(stored.values_list("lot_id", "business_id")) == sorted(stored_pairs)
        # Acknowledged at last: nothing left to deliver a third time.
        assert workers.redis.hlen("unacked") == 0
        assert workers.redis.llen(workers.queue) == 0
    finally:
        holder.close()
        workers.stop_all()
        workers.redis.flushdb()
        _end_other_backends(database, keep={own_pid})
