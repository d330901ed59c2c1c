"""Compute and store matches: one lot against every candidate, or one business against every
open lot. Pre-filter in SQL, score in bulk, then upsert on (lot, business) and remove what no
longer holds, all in one transaction, so a task that runs twice (a redelivery) leaves the same
rows as one that ran once.

Matches are kept only for open lots: once a lot closes its matches stay as the record of who
was matched. A match with an active interest (registered or shortlisted) is never removed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import NamedTuple

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, Min, Q
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
COPY_MIN_ROWS = 200  # PostgreSQL: from this many matches, upsert through COPY
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


class MatchRow(NamedTuple):
    """One match to store, as plain values: building a model instance per row would cost more
    than scoring it. ``Match(**row._asdict())`` makes the model."""

    lot_id: int
    business_id: int
    score: float
    sector_score: float
    location_score: float
    capacity_score: float
    inclusion_score: float
    distance_km: float | None
    reasons: list[str]
    warnings: list[str]
    notify: bool
    engine_version: str
    computed_at: datetime


def _match_rows(result: engine.MatchResult, rows, now) -> list[MatchRow]:
    """The matches for the given result rows, with their reasons (labels in one query)."""
    rows = np.asarray(rows, dtype=np.int64)
    codes = {f"{int(c):08d}" for c in result.sector.business_code[rows]}
    labels = cpv_labels(codes | set(result.profile.cpv_codes))
    lot_id = result.profile.lot_id
    columns = (
        result.business_id,
        result.score,
        result.sector.score,
        result.location.score,
        result.capacity.score,
        result.inclusion.score,
        result.location.distance_km,
        result.notify,
    )
    business_ids, *scores, distances, notifies = (column[rows] for column in columns)
    scores = [_rounded(values, 4) for values in scores]
    measured = ~np.isnan(distances)
    distances = [d if m else None for d, m in zip(_rounded(distances, 2), measured, strict=True)]
    matches = []
    for row, business_id, score, sector, location, capacity, inclusion, distance, notify in zip(
        rows.tolist(), business_ids.tolist(), *scores, distances, notifies.tolist(), strict=True
    ):
        explanation = explain(result, row, labels)
        matches.append(
            MatchRow(
                lot_id=lot_id,
                business_id=business_id,
                score=score,
                sector_score=sector,
                location_score=location,
                capacity_score=capacity,
                inclusion_score=inclusion,
                distance_km=distance,
                reasons=explanation.reasons,
                warnings=explanation.warnings,
                notify=bool(notify),
                engine_version=engine.ENGINE_VERSION,
                computed_at=now,
            )
        )
    return matches


def _rounded(values: np.ndarray, digits: int) -> list[float]:
    """``[round(float(v), digits) for v in values]``, vectorised. NumPy scales, rounds and
    scales back, which gives Python's correctly rounded result except right next to a halfway
    point (and for NaN and infinities): those few are left to Python."""
    values = np.asarray(values, dtype=np.float64)
    scaled = values * 10.0**digits
    rounded = (np.rint(scaled) / 10.0**digits).tolist()
    with np.errstate(invalid="ignore"):
        doubtful = ~(np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5) > 1e-6)
    for i in np.flatnonzero(doubtful | (np.abs(scaled) > 1e12)).tolist():
        rounded[i] = round(float(values[i]), digits)
    return rounded


def _upsert(matches: list[MatchRow]) -> None:
    if connection.vendor == "postgresql" and len(matches) >= COPY_MIN_ROWS:
        _upsert_by_copy(matches)
        return
    Match.objects.bulk_create(
        [Match(**match._asdict()) for match in matches],
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["lot", "business"],
        update_fields=RECOMPUTED_FIELDS,
    )


def _upsert_by_copy(matches: list[MatchRow]) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT ... ON CONFLICT.

    The same rows as ``bulk_create(update_conflicts=True)`` (a new match gets ``created_at``,
    an existing one keeps it and its lifecycle facts), for a fraction of the client-side work:
    a lot in a busy sector stores thousands of matches, every night.
    """
    fields = [Match._meta.get_field(name) for name in MatchRow._fields]
    json_columns = [i for i, field in enumerate(fields) if field.get_internal_type() == "JSONField"]
    quote = connection.ops.quote_name
    table, staging = quote(Match._meta.db_table), quote("matching_match_upsert")
    listed = ", ".join(quote(field.column) for field in fields)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ("
            + ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
            + ") ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"TRUNCATE {staging}")
        with cursor.cursor.copy(f"COPY {staging} ({listed}) FROM STDIN") as copy:
            for match in matches:
                values = list(match)
                for i in json_columns:
                    values[i] = json.dumps(values[i]) if values[i] else "[]"
                copy.write_row(values)
        recomputed = [Match._meta.get_field(name).column for name in RECOMPUTED_FIELDS]
        updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in recomputed)
        # A match whose values are all unchanged is left as it is (the nightly re-match mostly
        # finds nothing new): ``computed_at`` then says when its values were last computed anew.
        values = [c for c in recomputed if c not in ("computed_at", "updated_at")]
        old = ", ".join(f"{table}.{quote(c)}" for c in values)
        new = ", ".join(f"EXCLUDED.{quote(c)}" for c in values)
        cursor.execute(
            f"INSERT INTO {table} ({listed}, {quote('created_at')}, {quote('updated_at')}) "
            f"SELECT {listed}, %s, %s FROM {staging} ORDER BY {quote('lot_id')}, "
            f"{quote('business_id')} ON CONFLICT ({quote('lot_id')}, {quote('business_id')}) "
            f"DO UPDATE SET {updates} WHERE ({old}) IS DISTINCT FROM ({new})",
            [now, now],
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
        divisions = set(business.sector_links.values_list("division", flat=True))
        lots = inputs.lots_for_matching(
            Lot.objects.open().filter(
                pk__in=Lot.objects.filter(cpv_links__division__in=divisions).values("pk")
            )
        )
        matches: list[MatchRow] = []
        # Building the candidate table costs more than the query: skip it when no lot is open.
        candidates = inputs.candidates_for_business(business, context) if lots else []
        if len(candidates):
            now = timezone.now()
            for lot in lots:
                profile = inputs.lot_profile(lot, context)
                result = engine.score(profile, candidates, context.config)
                matches += _match_rows(result, result.stored_rows(), now)
        matches = _within_lot_limits(matches, business_id, context.config.max_stored)
        _upsert(matches)
        keep = {(m.lot_id, business_id) for m in matches}
        open_lots = Lot.objects.open().values("pk")
        removed = _remove_stale(Q(business_id=business_id, lot__in=open_lots), keep)
    return MatchRun(len(matches), removed)


def _within_lot_limits(matches: list[MatchRow], business_id: int, limit: int) -> list[MatchRow]:
    """Drop matches that would not make a full lot's best ``limit`` (one query).

    A lot already holding ``limit`` other matches admits this business only at or above its
    lowest stored score; the nightly re-match trims any lot back to exactly its best ``limit``.
    """
    if not matches:
        return matches
    full = dict(
        Match.objects.filter(lot_id__in={m.lot_id for m in matches})
        .exclude(business_id=business_id)
        .values("lot_id")
        .annotate(count=Count("pk"), lowest=Min("score"))
        .filter(count__gte=limit)
        .values_list("lot_id", "lowest")
    )
    return [m for m in matches if m.lot_id not in full or m.score >= full[m.lot_id]]


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
