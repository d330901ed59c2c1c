"""Load postcode reference files: district centroids or the ONS Postcode Directory.

``load_postcodes_file(path)`` recognises the file from its header (see ``postcode_files``),
streams it row by row (the ONS directory has about 2.7 million rows), and upserts in batches
on the natural key (district code, postcode), so loading the same file twice leaves the same
rows. Bad rows are reported with their row number (the header is row 1) and skipped; the good
rows are kept. A strict load (the copy shipped in ``places/data/``) refuses the whole file
instead when any row is bad. The whole load is one transaction: an interrupted or refused load
leaves the old data. Each load records the file's checksum (``core.ReferenceFile``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction

from core.exceptions import ApplicationError
from core.reference_files import file_sha256, reference_file_record, refused_rows_message
from places.postcode_files import FileFormat, RowError, UnrecognisedHeader, detect_format
from places.services import district_centroids_derive

DEFAULT_BATCH_SIZE = 5000
# Rows per SQL statement, below every database's limit on bound parameters (SQLite: 32,766).
STATEMENT_ROWS = 2000
# A broken file can reject millions of rows; keep enough to act on, count the rest.
MAX_REJECTIONS_KEPT = 10_000


class PostcodeFileError(ApplicationError):
    """The file cannot be loaded at all (missing, unreadable, or not a postcode file)."""


@dataclass(frozen=True, slots=True)
class Rejection:
    row: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass
class LoadReport:
    """What a load did: rows created and updated, and the rows it refused and why."""

    noun: str = "row"
    dataset: str = ""  # core.ReferenceFile.dataset: what kind of file this was
    model: type[models.Model] | None = None
    created: int = 0
    updated: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_count: int = 0
    districts_derived: int = 0

    @property
    def loaded(self) -> int:
        return self.created + self.updated

    def reject(self, row: int, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_REJECTIONS_KEPT:
            self.rejected.append(Rejection(row, reason))

    def summary(self) -> str:
        """``Loaded 79 postcode districts (79 new, 0 updated); 0 rows rejected.``"""
        text = (
            f"Loaded {_count(self.loaded, self.noun)} ({self.created:,} new, "
            f"{self.updated:,} updated); {_count(self.rejected_count, 'row')} rejected"
        )
        if self.districts_derived:
            derived = _count(self.districts_derived, "postcode district")
            text += f"; derived centroids for {derived}"
        return text + "."


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def load_postcodes_file(
    path: str | Path,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    strict: bool = False,
    shipped: bool = False,
) -> LoadReport:
    """Load a district-centroid CSV or an ONSPD CSV; raise ``PostcodeFileError`` if unusable.

    ``strict``: any bad row refuses the whole file (the error lists the rows). ``shipped``: the
    file is the copy shipped with LocalLots.
    """
    path = Path(path)
    if batch_size < 1:
        raise PostcodeFileError("The batch size must be at least 1.")
    if not path.is_file():
        raise PostcodeFileError(f"No such file: {path}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle, transaction.atomic():
            report = _load_rows(csv.reader(handle), batch_size=batch_size)
            if strict and report.rejected_count:
                refused = [(r.row, r.reason) for r in report.rejected]
                raise PostcodeFileError(
                    refused_rows_message(path, refused, report.rejected_count),
                    extra={"rejected": refused},
                )
            reference_file_record(
                dataset=report.dataset,
                path=path,
                sha256=file_sha256(path),
                shipped=shipped,
                rows_loaded=report.loaded,
                table_rows=report.model.objects.count(),
            )
            return report
    except UnrecognisedHeader as exc:
        raise PostcodeFileError(f"{path}: {exc}") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise PostcodeFileError(f"{path} is not a readable UTF-8 CSV file: {exc}") from exc


def _load_rows(reader, *, batch_size: int) -> LoadReport:
    file_format = detect_format(next(reader, []))
    report = LoadReport(noun=file_format.noun, dataset=file_format.dataset, model=file_format.model)
    batch = _Batch(file_format, report)
    for row_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines carry nothing; spreadsheets leave them at the end
        try:
            batch.add(file_format.read(cells))
        except RowError as exc:
            report.reject(row_number, exc.reason)
        if batch.size >= batch_size:
            batch.flush()
    batch.flush()
    if file_format.derives_districts:
        report.districts_derived = district_centroids_derive()
    return report


class _Batch:
    """Rows waiting to be upserted, one per natural key (a repeated key: the last row wins)."""

    def __init__(self, file_format: FileFormat, report: LoadReport):
        self.format = file_format
        self.report = report
        self.rows: dict[str, models.Model] = {}
        self.size = 0
        model = file_format.model
        self.update_fields = [
            f.name
            for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in (file_format.unique_field, "created_at")
        ]

    def add(self, instance: models.Model) -> None:
        self.rows[getattr(instance, self.format.unique_field)] = instance
        self.size += 1

    def flush(self) -> None:
        """Upsert the batch; rows whose key was already stored count as updated."""
        if not self.rows:
            return
        manager = self.format.model.objects
        key = self.format.unique_field
        keys = list(self.rows)
        existing: set[str] = set()
        for start in range(0, len(keys), STATEMENT_ROWS):
            chunk = keys[start : start + STATEMENT_ROWS]
            existing.update(manager.filter(**{f"{key}__in": chunk}).values_list(key, flat=True))
        created = len(keys) - len(existing)
        manager.bulk_create(
            list(self.rows.values()),
            update_conflicts=True,
            unique_fields=[key],
            update_fields=self.update_fields,
            batch_size=STATEMENT_ROWS,
        )
        self.report.created += created
        self.report.updated += self.size - created
        self.rows, self.size = {}, 0
