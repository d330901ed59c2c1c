"""The dashboard's tables as CSV files a spreadsheet can sum.

Numbers are written plain (no £, no thousands separators; money to the penny, shares to one
decimal place, an empty cell where a share has no meaning). Text cells that a spreadsheet would
run as a formula (starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return; OWASP "CSV
injection") get a leading apostrophe, so an institution named ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from network.selectors import AwardRow, CountValue, DistrictRow, InstitutionRow

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
AWARD_GROUPS = (
    ("east_birmingham", "To East Birmingham businesses"),
    ("micro", "To micro-enterprises"),
    ("vcse", "To VCSEs"),
    ("east_birmingham_micro_or_vcse", "To East Birmingham micro-enterprises or VCSEs"),
)


def text(value: str) -> str:
    """A text cell a spreadsheet will not evaluate."""
    value = str(value)
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def pounds(value: Decimal) -> str:
    """A plain figure a spreadsheet can sum (``12345.60``), not the page's ``£12,345.60``."""
    return f"{value:.2f}"


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _district_cells(row: DistrictRow) -> list[str]:
    return [
        text(row.district),
        text(row.east_birmingham_label),
        str(row.matched),
        str(row.micro),
        str(row.vcse),
    ]


def _institution_cells(row: InstitutionRow) -> list[str]:
    return [
        text(row.institution_name),
        str(row.open_lots),
        pounds(row.open_value),
        str(row.hyper_local_lots),
        str(row.interests),
        str(row.awards),
        pounds(row.award_value),
    ]


def _count_value_cells(cell: CountValue) -> list[str]:
    return [str(cell.count), pounds(cell.value), percent(cell.percent)]


def _award_cells(row: AwardRow) -> list[str]:
    cells = [text(row.institution_name), str(row.total.count), pounds(row.total.value)]
    for group, _label in AWARD_GROUPS:
        cells += _count_value_cells(getattr(row, group))
    return cells


HEADERS: dict[str, list[str]] = {
    "districts": [
        "Postcode district",
        "In East Birmingham",
        "Matched businesses",
        "Of which micro-enterprises",
        "Of which VCSEs",
    ],
    "institutions": [
        "Institution",
        "Open lots",
        "Open lots value excl. VAT (GBP)",
        "Hyper-local open lots",
        "Active interests",
        "Awards",
        "Awards value excl. VAT (GBP)",
    ],
    "awards": [
        "Institution",
        "Awards",
        "Awards value excl. VAT (GBP)",
        *(
            heading
            for _group, label in AWARD_GROUPS
            for heading in (
                f"{label}: awards",
                f"{label}: value excl. VAT (GBP)",
                f"{label}: share of value (%)",
            )
        ),
    ],
}
CELLS: dict[str, Callable] = {
    "districts": _district_cells,
    "institutions": _institution_cells,
    "awards": _award_cells,
}


def write_table(out, table: str, rows: Iterable) -> None:
    """Write the header row and one row per ``rows`` item of ``table`` to the file ``out``."""
    writer = csv.writer(out)
    writer.writerow(HEADERS[table])
    writer.writerows(CELLS[table](row) for row in rows)


def filename(table: str, *, on: date, institution=None) -> str:
    """``locallots-network-awards-2026-03-01.csv`` (with the institution's slug if filtered)."""
    parts = ["locallots-network", table]
    if institution is not None:
        parts.append(institution.slug)
    return f"{'-'.join(parts)}-{on.isoformat()}.csv"
