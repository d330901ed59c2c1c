"""Load the official CPV 2008 list (a CSV export) into ``CpvCode``.

Reads the EU's CSV shapes: the ``CODE,EN`` file in ``shared/data`` (UTF-8 with a byte-order
mark) and the all-languages export (``CODE,BG,CS,...,EN,...``), comma, semicolon or tab
separated, header names in any case, UTF-8 (with or without BOM), UTF-16 or Windows-1252.

Bad rows are reported by row number (the header is row 1) and skipped; the good rows are
loaded. A strict load (the copy shipped in ``sectors/data/``) refuses the whole file instead
when any row is bad, and accepts only UTF-8. The whole load is one transaction and an upsert on
the code, so loading the same file twice leaves the same rows, and a newer file updates labels
in place. Each load records the file's checksum (``core.ReferenceFile``, dataset ``cpv``).
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from core.exceptions import ApplicationError
from core.reference_files import file_sha256, reference_file_record, refused_rows_message
from sectors import cpv
from sectors.models import CpvCode

DEFAULT_BATCH_SIZE = 1000
CODE_HEADERS = ("code", "cpv", "cpv code", "cpv_code")
LABEL_HEADERS = ("en", "english", "label", "label_en", "en_label", "description", "title")
ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = (",", ";", "\t")
CPV_DATASET = "cpv"


class CpvFileError(ApplicationError):
    """The file cannot be read as a CPV list at all (missing, empty, unrecognised header)."""


@dataclass(frozen=True)
class LoadReport:
    """What a load did: rows inserted, rows updated, and the rows refused with the reason."""

    created: int
    updated: int
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        return (
            f"Loaded {self.loaded} CPV codes ({self.created} new, {self.updated} updated); "
            f"{len(self.rejected)} rows rejected."
        )


class ParsedCode(NamedTuple):
    row: int
    code: str
    check_digit: str
    label: str


class _Rejected(Exception):
    pass


def load_cpv_file(
    path: Path | str,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    strict: bool = False,
    shipped: bool = False,
) -> LoadReport:
    """Read, validate and upsert a CPV list; raises ``CpvFileError`` when nothing can be read.

    The file is parsed completely before the database is touched, so a file that turns out to
    be unreadable halfway leaves the taxonomy as it was. ``strict``: any bad row refuses the
    whole file (``CpvFileError`` listing the rows). ``shipped``: the file is the shipped copy.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    path = Path(path)
    parsed, rejected = parse_cpv_file(path, strict=strict)
    if strict and rejected:
        raise CpvFileError(refused_rows_message(path, rejected, len(rejected)))
    with transaction.atomic():
        created, updated = _save(parsed, batch_size=batch_size)
        reference_file_record(
            dataset=CPV_DATASET,
            path=path,
            sha256=file_sha256(path),
            shipped=shipped,
            rows_loaded=len(parsed),
            table_rows=CpvCode.objects.count(),
        )
    return LoadReport(created=created, updated=updated, rejected=rejected)


def parse_cpv_file(
    path: Path, *, strict: bool = False
) -> tuple[dict[str, ParsedCode], list[tuple[int, str]]]:
    """The valid rows keyed by 8-digit code, and the refused rows as (row number, reason)."""
    records = _records(_read_text(path, strict=strict))
    code_column, label_column = _columns(next(records, None))
    parsed: dict[str, ParsedCode] = {}
    rejected: list[tuple[int, str]] = []
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines, often trailing, are not rows
        try:
            row = _parse_row(number, record, code_column, label_column)
            if row.code in parsed:
                raise _Rejected(f"duplicate of row {parsed[row.code].row}")
        except _Rejected as refusal:
            rejected.append((number, str(refusal)))
            continue
        parsed[row.code] = row
    return parsed, rejected


def _read_text(path: Path, *, strict: bool = False) -> str:
    if not path.is_file():
        raise CpvFileError(f"There is no file at {path}.")
    if path.suffix.lower() in {".xlsx", ".xls", ".ods"}:
        raise CpvFileError(
            f"{path.name} is a spreadsheet: save it as CSV (UTF-8) and load the CSV file."
        )
    data = path.read_bytes()
    if strict:
        return _utf8(path, data)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CpvFileError(f"{path.name} is not UTF-8 or Windows-1252 text.")


def _utf8(path: Path, data: bytes) -> str:
    """The text of a file that must be UTF-8; a broken byte is reported with its row."""
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        row = data.count(b"\n", 0, error.start) + 1
        raise CpvFileError(
            f"{path}: row {row} is not UTF-8 (byte {data[error.start]:#04x}), so nothing was "
            "loaded. Was the file saved in another encoding?"
        ) from None


def _records(text: str) -> Iterator[list[str]]:
    """CSV records, with the delimiter the header line uses most (Excel exports vary)."""
    header_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=header_line.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _columns(header: list[str] | None) -> tuple[int, int]:
    """Positions of the code column and the English label column in the header."""
    if not header:
        raise CpvFileError("The file is empty: expected a header row such as CODE,EN.")
    names = [name.strip().lower() for name in header]
    code_column = next((names.index(name) for name in CODE_HEADERS if name in names), None)
    label_column = next((names.index(name) for name in LABEL_HEADERS if name in names), None)
    if code_column is None or label_column is None:
        raise CpvFileError(
            f"Unrecognised header {','.join(header)!r}: expected a CODE column and an English "
            "label column (EN), as in the official CPV 2008 CSV."
        )
    return code_column, label_column


def _parse_row(number: int, record: list[str], code_column: int, label_column: int) -> ParsedCode:
    raw_code = record[code_column].strip() if code_column < len(record) else ""
    label = " ".join(record[label_column].split()) if label_column < len(record) else ""
    if not raw_code:
        raise _Rejected("empty code")
    try:
        code, check_digit = cpv.split_check_digit(raw_code)
    except cpv.InvalidCpvCode:
        raise _Rejected(f"code {raw_code!r} is not 8 digits (like 45000000-7)") from None
    if not label:
        raise _Rejected("empty label")
    return ParsedCode(number, code, check_digit or "", label)


def _save(parsed: dict[str, ParsedCode], *, batch_size: int) -> tuple[int, int]:
    """Upsert the rows with their parents in one pass, then re-parent rows the file left out.

    Parents are known before writing (the file's codes plus those already stored), and rows
    are written in code order, so every parent is written before its children; the foreign
    key is also deferred to commit on SQLite and PostgreSQL. One pass therefore suffices.
    """
    stored_parents = dict(CpvCode.objects.values_list("code", "parent_id"))
    known = stored_parents.keys() | parsed.keys()
    rows = [
        CpvCode.build(
            code=row.code,
            check_digit=row.check_digit,
            label=row.label,
            parent_id=cpv.nearest_parent(row.code, known),
        )
        for row in sorted(parsed.values(), key=lambda row: row.code)
    ]
    CpvCode.objects.bulk_create(
        rows,
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["check_digit", "label", "parent", "level", "division", "updated_at"],
    )
    _reparent_left_out(stored_parents, known, parsed.keys(), batch_size=batch_size)
    created = len(parsed.keys() - stored_parents.keys())
    return created, len(parsed) - created


def _reparent_left_out(stored_parents: dict, known, loaded, *, batch_size: int) -> None:
    """A partial file can add a code between a stored row and its parent: point at it now."""
    now = timezone.now()
    stale = [
        CpvCode(code=code, parent_id=new_parent, updated_at=now)
        for code, parent in stored_parents.items()
        if code not in loaded and (new_parent := cpv.nearest_parent(code, known)) != parent
    ]
    CpvCode.objects.bulk_update(stale, ["parent", "updated_at"], batch_size=batch_size)
