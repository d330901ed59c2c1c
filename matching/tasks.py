"""Celery tasks for matching. Each takes ids, loads, and calls one service.

All are idempotent (the services upsert on (lot, business) and mark digests sent in the same
transaction that queues them), so ``acks_late`` with ``reject_on_worker_lost`` is safe: a task
whose worker dies is delivered again and produces the same rows. Only transient database and
broker errors are retried, with backoff and a cap; time limits are the global ones.
"""

import logging

from celery import group, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from matching.notifications import digest_business_ids, digest_send_for_business
from matching.services import match_business, match_lot, match_lots, open_lot_chunks

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)
RETRY = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 10,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="matching.tasks.match_lot", **RETRY)
def match_lot_task(self, lot_id: int) -> dict:
    """Match one lot (after it is published or amended)."""
    run = match_lot(lot_id=lot_id)
    return {"lot": lot_id, "stored": run.stored, "removed": run.removed, "skipped": run.skipped}


@shared_task(name="matching.tasks.match_business", **RETRY)
def match_business_task(self, business_id: int) -> dict:
    """Match one business against every open lot (after its profile changes)."""
    run = match_business(business_id=business_id)
    return {"business": business_id, "stored": run.stored, "removed": run.removed}


@shared_task(name="matching.tasks.match_lot_chunk", **RETRY)
def match_lot_chunk_task(self, lot_ids: list[int]) -> dict:
    """Match a chunk of lots: the unit the nightly re-match spreads over workers."""
    run = match_lots(lot_ids=lot_ids)
    return {"lots": len(lot_ids), "stored": run.stored, "removed": run.removed}


@shared_task(name="matching.tasks.rematch_open_lots", **RETRY)
def rematch_open_lots_task(self) -> int:
    """Nightly: fan every open lot out in chunks, as a group any number of workers share."""
    size = settings.MATCHING["REMATCH_CHUNK_SIZE"]
    chunks = list(open_lot_chunks(size=size))
    if chunks:
        group(match_lot_chunk_task.s(chunk) for chunk in chunks).apply_async()
    logger.info("rematch_open_lots: %s chunks of up to %s lots queued", len(chunks), size)
    return len(chunks)


@shared_task(name="matching.tasks.send_match_digest", **RETRY)
def send_match_digest_task(self, business_id: int) -> int:
    """Email one business's members their new matches."""
    return digest_send_for_business(business_id=business_id)


@shared_task(name="matching.tasks.send_match_digests", **RETRY)
def send_match_digests_task(self) -> int:
    """Daily: one digest task per business with new matches."""
    ids = digest_business_ids()
    if ids:
        group(send_match_digest_task.s(business_id) for business_id in ids).apply_async()
    return len(ids)
