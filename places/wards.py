"""Load the wards of a named area from a ward list (``places/data/east_birmingham_wards.csv``).

The file has one row per ward: ``ward_name``, ``ward_gss_code`` and
``in_EBIGS_cabinet_report_2020`` (``yes`` for the wards of the area; a value starting ``no``
for neighbouring wards listed for reference, which are not loaded); other columns (population,
deprivation ranks) are facts for people and are not stored. The load is strict and whole: any
bad row is reported by its number (the header is row 1) and nothing changes. Otherwise the
area's wards become exactly the listed ones, in one transaction.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from core.exceptions import ApplicationError
from core.reference_files import file_sha256, reference_file_record, refused_rows_message
from places.models import NamedArea, NamedAreaWard

NAME_COLUMN = "ward_name"
CODE_COLUMN = "ward_gss_code"
MEMBER_COLUMN = "in_EBIGS_cabinet_report_2020"
# An English ward's ONS (GSS) code: E05 and six digits.
WARD_CODE_RE = re.compile(r"E05\d{6}")
WARD_NAME_MAX_LENGTH = NamedAreaWard._meta.get_field("ward_name").max_length


class WardFileError(ApplicationError):
    """The ward file cannot be loaded: unreadable, wrong columns, or bad rows (listed)."""


@dataclass(frozen=True)
class Ward:
    code: str
    name: str


def area_wards_load(*, path: Path, area: NamedArea, dataset: str, shipped: bool) -> int:
    """Make ``area``'s wards exactly the file's; return how many it lists."""
    wards = read_ward_file(path)
    with transaction.atomic():
        area.wards.exclude(ward_code__in=[w.code for w in wards]).delete()
        NamedAreaWard.objects.bulk_create(
            [NamedAreaWard(area=area, ward_code=w.code, ward_name=w.name) for w in wards],
            update_conflicts=True,
            unique_fields=["area", "ward_code"],
            update_fields=["ward_name", "updated_at"],
        )
        reference_file_record(
            dataset=dataset,
            path=path,
            sha256=file_sha256(path),
            shipped=shipped,
            rows_loaded=len(wards),
            table_rows=area.wards.count(),
        )
    return len(wards)


def read_ward_file(path: Path) -> list[Ward]:
    """The wards the file puts in the area; ``WardFileError`` naming every bad row."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle))
    except FileNotFoundError:
        raise WardFileError(f"No such file: {path}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise WardFileError(f"{path} is not a readable UTF-8 CSV file: {exc}") from exc
    columns = _columns(path, records[0] if records else [])
    wards: list[Ward] = []
    refused: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        try:
            ward = _parse(record, columns)
        except ValueError as exc:
            refused.append((number, str(exc)))
            continue
        if ward is None:
            continue
        if ward.code in seen:
            refused.append((number, f"ward code {ward.code} repeats row {seen[ward.code]}"))
            continue
        seen[ward.code] = number
        wards.append(ward)
    if not refused and not wards:
        refused.append((1, "no ward is marked 'yes': the area would have no wards"))
    if refused:
        raise WardFileError(refused_rows_message(path, refused, len(refused)))
    return wards


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    wanted = (NAME_COLUMN, CODE_COLUMN, MEMBER_COLUMN)
    missing = [name for name in wanted if name.lower() not in names]
    if missing:
        raise WardFileError(
            f"{path}: the header lacks {', '.join(missing)} (it is: {', '.join(header) or 'empty'})"
        )
    return {name: names.index(name.lower()) for name in wanted}


def _parse(record: list[str], columns: dict[str, int]) -> Ward | None:
    """One row: a ward of the area, None for a neighbour listed for reference, or ValueError."""
    needed = max(columns.values()) + 1
    if len(record) < needed:
        raise ValueError(f"has {len(record)} columns, the header has at least {needed}")
    member = record[columns[MEMBER_COLUMN]].strip().lower()
    if member.startswith("no"):
        return None
    if member != "yes":
        raise ValueError(f"{MEMBER_COLUMN} '{member[:40]}' is neither 'yes' nor 'no ...'")
    code = record[columns[CODE_COLUMN]].strip()
    name = " ".join(record[columns[NAME_COLUMN]].split())
    if not WARD_CODE_RE.fullmatch(code):
        raise ValueError(f"ward code '{code[:40]}' is not an ONS ward code (E05 and six digits)")
    if not name:
        raise ValueError("the ward name is empty")
    if len(name) > WARD_NAME_MAX_LENGTH:
        raise ValueError(f"the ward name is longer than {WARD_NAME_MAX_LENGTH} characters")
    return Ward(code, name)
