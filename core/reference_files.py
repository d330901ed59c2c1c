"""Which file each reference dataset was loaded from, and loading the shipped copies once.

The reference data LocalLots needs (the CPV list, Birmingham's postcode districts, the East
Birmingham wards) ships inside the apps that own it (``sectors/data/``, ``places/data/``). Their
loaders call ``reference_file_record`` in the load's transaction; ``shipped_file_load`` is what
set-up calls: it loads a shipped copy only when the database does not hold it yet, so a second
``make run`` reads a checksum instead of the file, and an official file an operator loaded is
never replaced by the older copy that ships with the code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.exceptions import ApplicationError
from core.models import ReferenceFile

CHUNK_BYTES = 1 << 20
REFUSED_ROWS_SHOWN = 50


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes, read in chunks (an ONS directory is a gigabyte)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def refused_rows_message(path: Path, refused: list[tuple[int, str]], total: int) -> str:
    """Why a strict load wrote nothing: each refused row by number (the header is row 1)."""
    lines = [f"{path}: {total:,} row{'' if total == 1 else 's'} refused, so nothing was loaded."]
    lines += [f"  row {row}: {reason}" for row, reason in refused[:REFUSED_ROWS_SHOWN]]
    if total > REFUSED_ROWS_SHOWN:
        lines.append(f"  ... and {total - REFUSED_ROWS_SHOWN:,} more")
    return "\n".join(lines)


def reference_file_record(
    *, dataset: str, path: Path, sha256: str, shipped: bool, rows_loaded: int, table_rows: int
) -> ReferenceFile:
    """Note that ``path`` is now what ``dataset`` holds; call it inside the load's transaction."""
    record, _ = ReferenceFile.objects.update_or_create(
        dataset=dataset,
        defaults={
            "file_name": path.name,
            "sha256": sha256,
            "shipped": shipped,
            "rows_loaded": rows_loaded,
            "table_rows": table_rows,
        },
    )
    return record


class ShippedFileMissing(ApplicationError):
    """A file that ships with LocalLots is not where it should be (deleted or moved)."""


class Outcome(StrEnum):
    LOADED = "loaded"
    UNCHANGED = "unchanged"  # this copy is loaded already and its table is as it left it
    KEPT = "kept"  # an official file was loaded: the shipped copy does not replace it


@dataclass(frozen=True)
class ShippedLoad:
    """What set-up did with one shipped file; ``summary`` is the line to print."""

    dataset: str
    outcome: Outcome
    summary: str


def shipped_file_load(
    *,
    dataset: str,
    path: Path,
    table_rows: Callable[[], int],
    load: Callable[[Path], str],
) -> ShippedLoad:
    """Load the shipped ``path`` into ``dataset`` with ``load`` unless it is there already.

    ``load(path)`` loads the whole file strictly (raising, with row numbers, on any bad
    row, so nothing is half-loaded), records it, and returns the summary line. ``table_rows``
    counts the dataset's rows: a count other than the one recorded after the last load means the
    table changed since (rows deleted, another file loaded), so the copy is loaded again.
    """
    if not path.is_file():
        raise ShippedFileMissing(
            f"{path} is missing: it ships with LocalLots (restore it with git checkout -- {path})."
        )
    sha256 = file_sha256(path)
    current = ReferenceFile.objects.filter(dataset=dataset).first()
    if current is not None and not current.shipped:
        loaded_on = timezone.localdate(current.updated_at)
        return ShippedLoad(
            dataset,
            Outcome.KEPT,
            f"The shipped {path.name} was not loaded: an official file ({current.file_name}, "
            f"loaded on {loaded_on.day} {loaded_on:%B %Y}) is in use.",
        )
    if current is not None and current.sha256 == sha256 and current.table_rows == table_rows():
        return ShippedLoad(
            dataset, Outcome.UNCHANGED, f"The shipped {path.name} is loaded already."
        )
    with transaction.atomic():
        summary = load(path)
    return ShippedLoad(dataset, Outcome.LOADED, summary)
