"""The scheduled Find a Tender import (off by default: ``FIND_A_TENDER["ENABLED"]``).

Idempotent first: releases upsert on ocid + release id and each page moves the run's cursor in
the same transaction, so ``acks_late`` with ``reject_on_worker_lost`` is safe (a redelivered
task resumes from the cursor and re-imports nothing). Client errors are not retried here: the
run is recorded as failed with its cursor and the next beat run carries on from it. Only
transient database and broker errors are retried, with backoff and a cap.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from ocds.clients import FindATenderClient
from ocds.services import find_a_tender_import

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError)


@shared_task(
    name="ocds.tasks.find_a_tender_import",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=60,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=3,
)
def find_a_tender_import_task(self) -> dict:
    """Import the releases Find a Tender updated since the last successful run."""
    config = settings.FIND_A_TENDER
    if not config["ENABLED"]:
        logger.info("find_a_tender_import: disabled (FIND_A_TENDER_ENABLED is off)")
        return {"status": "disabled"}
    run = find_a_tender_import(
        client=FindATenderClient.from_settings(config), window_hours=config["WINDOW_HOURS"]
    )
    if run is None:
        return {"status": "nothing to do"}
    logger.info(
        "find_a_tender_import: run %s %s: %s pages, %s created, %s updated, %s unchanged, "
        "%s skipped %s",
        run.pk,
        run.status,
        run.pages,
        run.created,
        run.updated,
        run.unchanged,
        run.skipped,
        run.error,
    )
    return {"run": run.pk, "status": run.status, "pages": run.pages, "error": run.error}
