"""Compute and store matches: one lot against every candidate, or one business against every
open lot. Pre-filter in SQL, score in bulk, then upsert on (lot, business) and remove what no
longer holds, all in one transaction, so a task that runs twice (a redelivery) leaves the same
rows as one that ran once.

Matches are kept only for open lots: once a lot closes its matches stay as the record of who
was matched. A match with an active interest (registered or shortlisted) is never removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anchors.models import Lot
from core.exceptions import PermissionDenied
from matching import engine, inputs
from matching.models import Interest, Match
from matching.reasons import explain
from sectors.selectors import cpv_labels
from suppliers.models import Business
from suppliers.permissions import member_role

UPSERT_BATCH = 1000
DELETE_BATCH = 500
RECOMPUTED_FIELDS = [
    "score",
    "sector_score",
    "location_score",
    "capacity_score",
    "inclusion_score",
    "distance_km",
    "reasons",
    "warnings",
    "notify",
    "engine_version",
    "computed_at",
    "updated_at",
]


@dataclass(frozen=True)
class MatchRun:
    """What one run did: how many matches it stored (new or refreshed) and removed."""

    stored: int
    removed: int
    skipped: bool = False  # the lot was not open, or the business not found


def _match_rows(result: engine.MatchResult, rows, now) -> list[Match]:
    """Match objects for the given result rows, with their reasons (labels in one query)."""
    codes = {f"{int(c):08d}" for c in result.business_code[rows]} | set(result.profile.cpv_codes)
    labels = cpv_labels(codes)
    matches = []
    for row in rows:
        explanation = explain(result, row, labels)
        distance = result.distance_km[row]
        matches.append(
            Match(
                lot_id=result.profile.lot_id,
                business_id=int(result.business_id[row]),
                score=round(float(result.score[row]), 4),
                sector_score=round(float(result.sector[row]), 4),
                location_score=round(float(result.location[row]), 4),
                capacity_score=round(float(result.capacity[row]), 4),
                inclusion_score=round(float(result.inclusion[row]), 4),
                distance_km=None if distance != distance else round(float(distance), 2),
                reasons=explanation.reasons,
                warnings=explanation.warnings,
                notify=bool(result.notify[row]),
                engine_version=engine.ENGINE_VERSION,
                computed_at=now,
            )
        )
    return matches


def _upsert(matches: list[Match]) -> None:
    Match.objects.bulk_create(
        matches,
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["lot", "business"],
        update_fields=RECOMPUTED_FIELDS,
    )


def _remove_stale(scope: Q, keep: set[tuple[int, int]]) -> int:
    """Delete matches in ``scope`` (a filter on lot and business) not in ``keep`` and without
    an active interest."""
    current = Match.objects.filter(scope).values_list("pk", "lot_id", "business_id")
    interested = Interest.objects.filter(scope, status__in=Interest.ACTIVE_STATUSES)
    keep = keep | set(interested.values_list("lot_id", "business_id"))
    stale = [pk for pk, lot, business in current if (lot, business) not in keep]
    removed = 0
    for start in range(0, len(stale), DELETE_BATCH):
        removed += Match.objects.filter(pk__in=stale[start : start + DELETE_BATCH]).delete()[0]
    return removed


def match_lot(*, lot_id: int, context: inputs.Context | None = None) -> MatchRun:
    """(Re)match one lot against every business. Does nothing unless the lot is open."""
    context = context or inputs.Context.load()
    with transaction.atomic():
        # Lock the lot so two runs for it (an amendment racing the nightly job) take turns.
        locked = Lot.objects.select_for_update(of=("self",)).filter(pk=lot_id)
        if not locked.exists():
            return MatchRun(0, 0, skipped=True)
        lot = inputs.lots_for_matching(Lot.objects.open().filter(pk=lot_id)).first()
        if lot is None:
            return MatchRun(0, 0, skipped=True)
        profile = inputs.lot_profile(lot, context)
        result = engine.score(profile, inputs.candidates_for_lot(profile, context), context.config)
        matches = _match_rows(result, result.stored_rows(), timezone.now())
        _upsert(matches)
        keep = {(lot_id, m.business_id) for m in matches}
        removed = _remove_stale(Q(lot_id=lot_id), keep)
    return MatchRun(len(matches), removed)


def match_business(*, business_id: int, context: inputs.Context | None = None) -> MatchRun:
    """(Re)match one business against every open lot in its sectors' divisions."""
    context = context or inputs.Context.load()
    with transaction.atomic():
        business = Business.objects.select_for_update().filter(pk=business_id).first()
        if business is None:
            return MatchRun(0, 0, skipped=True)
        candidates = inputs.candidates_for_business(business, context)
        matches: list[Match] = []
        if len(candidates):
            divisions = set(business.sector_links.values_list("division", flat=True))
            lots = inputs.lots_for_matching(
                Lot.objects.open().filter(
                    pk__in=Lot.objects.filter(cpv_links__division__in=divisions).values("pk")
                )
            )
            now = timezone.now()
            for lot in lots:
                profile = inputs.lot_profile(lot, context)
                result = engine.score(profile, candidates, context.config)
                matches += _match_rows(result, result.stored_rows(), now)
        _upsert(matches)
        keep = {(m.lot_id, business_id) for m in matches}
        open_lots = Lot.objects.open().values("pk")
        removed = _remove_stale(Q(business_id=business_id, lot__in=open_lots), keep)
    return MatchRun(len(matches), removed)


def match_lots(*, lot_ids: Iterable[int]) -> MatchRun:
    """Match several lots in turn, sharing one context (a chunk of the nightly re-match)."""
    context = inputs.Context.load()
    stored = removed = 0
    for lot_id in lot_ids:
        run = match_lot(lot_id=lot_id, context=context)
        stored, removed = stored + run.stored, removed + run.removed
    return MatchRun(stored, removed)


def open_lot_chunks(*, size: int) -> Iterator[list[int]]:
    """The ids of every open lot, in chunks of ``size`` (the nightly job's unit of work)."""
    ids = iter(Lot.objects.open().order_by("pk").values_list("pk", flat=True))
    while chunk := list(islice(ids, size)):
        yield chunk


@transaction.atomic
def match_dismiss(*, actor, match: Match) -> Match:
    """A business hides a match from "My matches" and its digests; interest stays possible."""
    if member_role(actor, match.business) is None:
        raise PermissionDenied("Only people at this business can dismiss its matches.")
    if match.dismissed_at is None:
        match.dismissed_at = timezone.now()
        match.save(update_fields=["dismissed_at", "updated_at"])
    return match
