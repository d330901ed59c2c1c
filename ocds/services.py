"""Writes for the OCDS import: upsert external opportunities from normalised releases.

One transaction per file (``ocds_import_file``): a file that cannot be read as OCDS writes
nothing. Inside it each release runs in its own savepoint, so a release that cannot be stored
is reported and skipped without touching what the others did.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from ocds.clients import FindATenderError
from ocds.importer import (
    FIND_A_TENDER,
    OTHER_PUBLISHER,
    BrokenFile,
    RawRelease,
    ReleaseSkipped,
    parse_release,
    releases_from_document,
    releases_from_text,
)
from ocds.models import ImportedRelease, ImportRun
from ocds.upsert import notice_apply
from ocds.values import shown, storable

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, SKIPPED)
# What a malformed release can still make Python or the database raise, despite the readers'
# care (a value no check foresaw). Such a release is skipped, reported and logged with its
# traceback, so one release never stops a file or a feed; errors of the database itself
# (OperationalError and the like) are not among them and still stop the import.
RELEASE_DATA_ERRORS = (
    ValueError,
    TypeError,
    AttributeError,
    ArithmeticError,
    LookupError,
    DataError,
)


@dataclass(frozen=True)
class ReleaseLine:
    """What happened to one release, and why."""

    position: str
    outcome: str
    ocid: str = ""
    release_id: str = ""
    contract_id: int | None = None
    reason: str = ""
    notes: tuple[str, ...] = ()

    def describe(self, name: str) -> str:
        where = f"{name} {self.position}" if name else self.position
        key = (
            f" {self.ocid}" + (f" / {self.release_id}" if self.release_id else "")
            if self.ocid
            else ""
        )
        why = f": {self.reason}" if self.reason else ""
        notes = f" ({'; '.join(self.notes)})" if self.notes else ""
        return f"{where}{key}: {self.outcome}{why}{notes}"


@dataclass
class ImportReport:
    """The per-release report of one file (or one page of a feed)."""

    name: str
    lines: list[ReleaseLine] = field(default_factory=list)
    error: str = ""

    @property
    def broken(self) -> bool:
        return bool(self.error)

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    def summary(self) -> str:
        if self.broken:
            return f"{self.name}: not imported: {self.error}"
        counts = ", ".join(f"{self.count(o)} {o}" for o in OUTCOMES)
        return f"{self.name}: {len(self.lines)} releases: {counts}"

    def describe_lines(self) -> list[str]:
        return [line.describe(self.name) for line in self.lines]


def ocds_import_file(
    *, path: Path | str, default_source: str = OTHER_PUBLISHER, now: datetime | None = None
) -> ImportReport:
    """Import every release of one OCDS file, or nothing when the file is broken."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        return ImportReport(name=path.name, error=f"cannot read the file ({exc.strerror}).")
    except UnicodeDecodeError:
        return ImportReport(name=path.name, error="the file is not UTF-8 text.")
    try:
        releases = releases_from_text(text)
    except BrokenFile as exc:
        return ImportReport(name=path.name, error=exc.message)
    return ocds_import_releases(
        releases=releases, source_name=path.name, default_source=default_source, now=now
    )


@transaction.atomic
def ocds_import_releases(
    *,
    releases: list[RawRelease],
    source_name: str,
    default_source: str = OTHER_PUBLISHER,
    now: datetime | None = None,
) -> ImportReport:
    """Create or update one external opportunity per contracting process (ocid).

    Idempotent on ocid + release id: a release seen before is reported "unchanged" and not
    applied again. Releases are applied in date order per ocid, so an older release never
    overwrites a newer one, whatever order the files come in.
    """
    now = now or timezone.now()
    report = ImportReport(name=source_name)
    for raw in releases:
        report.lines.append(_import_one(raw, source_name, default_source, now))
    return report


def _import_one(raw: RawRelease, source_name: str, default_source: str, now) -> ReleaseLine:
    try:
        notice = parse_release(raw.data, default_source=default_source)
    except ReleaseSkipped as exc:
        return ReleaseLine(position=raw.position, outcome=SKIPPED, reason=exc.reason)
    except RELEASE_DATA_ERRORS as exc:
        line = ReleaseLine(position=raw.position, outcome=SKIPPED)
        return _unexpected(line, exc, source_name)
    line = ReleaseLine(
        position=raw.position, outcome=SKIPPED, ocid=notice.ocid, release_id=notice.release_id
    )
    if ImportedRelease.objects.filter(ocid=notice.ocid, release_id=notice.release_id).exists():
        return _with(line, outcome=UNCHANGED, reason="already imported")
    notes = list(notice.notes)
    if notice.source_url and not _valid_url(notice.source_url):
        notes.append(f"notice link {shown(notice.source_url)} is not a web address: left out")
        notice = replace(notice, source_url="")
    try:
        # A savepoint per release: whatever stops it undoes all of its writes, and only its.
        with transaction.atomic():
            applied = notice_apply(
                notice=notice, where={"file": source_name, "position": raw.position}, now=now
            )
    except ReleaseSkipped as exc:
        return _with(line, reason=exc.reason, notes=tuple(notes))
    except ValidationError as exc:
        return _with(line, reason=f"not stored: {_messages(exc)}", notes=tuple(notes))
    except IntegrityError:
        return _with(line, reason="another import stored this release at the same time")
    except RELEASE_DATA_ERRORS as exc:
        return _unexpected(line, exc, source_name)
    return _with(
        line,
        outcome=applied.outcome,
        contract_id=applied.contract_id,
        reason=applied.reason,
        notes=tuple(notes + applied.notes),
    )


def _unexpected(line: ReleaseLine, exc: Exception, source_name: str) -> ReleaseLine:
    """A release that broke the import in a way no check foresaw: skipped and reported, and
    logged with its traceback so the import can learn to handle it."""
    logger.exception(
        "OCDS import: %s %s %s could not be imported", source_name, line.position, line.ocid
    )
    what = storable(f"{type(exc).__name__}: {exc}")
    what = what if len(what) <= 200 else f"{what[:197]}..."
    return _with(line, reason=f"could not be read ({what}); logged for the maintainers")


def _with(line: ReleaseLine, **changes) -> ReleaseLine:
    return replace(line, **changes)


def _valid_url(url: str) -> bool:
    try:
        URLValidator()(url)
    except ValidationError:
        return False
    return True


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


# --- The scheduled Find a Tender import ---------------------------------------------------

RESUMABLE = (ImportRun.Status.RUNNING, ImportRun.Status.FAILED, ImportRun.Status.INCOMPLETE)


@transaction.atomic
def import_run_start(*, window_hours: int, now: datetime | None = None) -> ImportRun | None:
    """The run to do now: the last unfinished run resumed from its cursor, else a new window
    from where the last successful run ended (the first looks back ``window_hours``).

    Returns None when the window would be empty (two runs in the same instant)."""
    now = now or timezone.now()
    last = ImportRun.objects.select_for_update().filter(source=FIND_A_TENDER).first()
    if last is not None and last.status in RESUMABLE:
        last.status, last.error, last.finished_at = ImportRun.Status.RUNNING, "", None
        last.save(update_fields=["status", "error", "finished_at", "updated_at"])
        return last
    start = last.updated_to if last is not None else now - timedelta(hours=window_hours)
    if start >= now:
        return None
    run = ImportRun(source=FIND_A_TENDER, updated_from=start, updated_to=now, started_at=now)
    run.full_clean()
    run.save()
    return run


def import_run_page(*, run: ImportRun, page_package: dict, next_cursor: str) -> ImportReport:
    """Import one page of the feed and move the run's cursor past it, in one transaction: a
    crash between pages resumes at the first page not yet imported."""
    with transaction.atomic():
        number = run.pages + 1
        try:
            releases = releases_from_document(page_package)
        except BrokenFile as exc:
            return ImportReport(name=f"Find a Tender page {number}", error=exc.message)
        report = ocds_import_releases(
            releases=releases,
            source_name=f"Find a Tender page {number}",
            default_source=FIND_A_TENDER,
        )
        run.pages = number
        run.cursor = next_cursor
        for outcome in OUTCOMES:
            setattr(run, outcome, getattr(run, outcome) + report.count(outcome))
        run.save()
    return report


@transaction.atomic
def import_run_finish(*, run: ImportRun, status: str, error: str = "") -> ImportRun:
    """Record how the run ended; a finished window clears the cursor, others keep it.

    Reads the run afresh: the copy in hand may be ahead of what was committed (a page whose
    transaction was rolled back by an error or a time limit), and its cursor must not skip
    that page."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    run.status = status
    run.error = storable(error)[:2000]
    run.finished_at = timezone.now()
    if status == ImportRun.Status.SUCCEEDED:
        run.cursor = ""
    run.save()
    return run


def import_run_mark_failed(*, run: ImportRun, error: str) -> ImportRun:
    """The run stopped on an error: failed, with the error, its cursor kept for the next run."""
    return import_run_finish(run=run, status=ImportRun.Status.FAILED, error=error)


def find_a_tender_import(*, client, window_hours: int, now: datetime | None = None):
    """Fetch and import every page of the current window, recording progress as it goes.

    A client error (timeout, rate limit, bad response) ends the run as failed with the cursor
    kept, so the next scheduled run carries on where this one stopped rather than retrying in a
    loop against a service that is already refusing us. Any other error also marks the run
    failed, with the error, before it propagates (for the worker's log, and the task's retry
    of transient database errors): a run is never left "running" by a crash."""
    from celery.exceptions import SoftTimeLimitExceeded

    run = import_run_start(window_hours=window_hours, now=now)
    if run is None:
        return None
    try:
        for page in client.pages(
            updated_from=run.updated_from, updated_to=run.updated_to, cursor=run.cursor
        ):
            report = import_run_page(
                run=run, page_package=page.package, next_cursor=page.next_cursor
            )
            if report.broken:
                return import_run_mark_failed(run=run, error=report.summary())
    except FindATenderError as exc:
        return import_run_mark_failed(run=run, error=exc.message)
    except SoftTimeLimitExceeded:
        return import_run_finish(
            run=run,
            status=ImportRun.Status.INCOMPLETE,
            error="Stopped at the task's time limit; the next run resumes from the cursor.",
        )
    except Exception as exc:
        import_run_mark_failed(
            run=run, error=f"Stopped by an unexpected error: {type(exc).__name__}: {exc}"
        )
        raise
    return import_run_finish(run=run, status=ImportRun.Status.SUCCEEDED)
