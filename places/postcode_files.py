"""The postcode files we can load: recognised by their header, read one row at a time.

Two formats:

- a postcode-district centroid CSV in the Doogal layout (``Postcode, Latitude, Longitude, ...,
  Town/Area, Region, ..., Population, ..., Post Town``), one row per outward code;
- the ONS Postcode Directory (ONSPD) CSV, one row per full postcode, with the column names of
  releases up to 2024 (``pcd``/``pcds``, ``lat``, ``long``, ``osward``, ``lsoa11``, ``imd``,
  ``doterm``) or of later ones (``pcds``, ``wd25cd``, ``lsoa11cd``, ``lsoa21cd``, ``imd20ind``).

A row parser turns one row into an unsaved model instance or raises ``RowError`` with a reason
written for the operator; the loader keeps the good rows and reports the rest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import models

from places.models import FullPostcode, PostcodeDistrict
from places.postcodes import InvalidPostcode, Postcode, area_of, normalise_district

# ONSPD gives postcodes without a grid reference latitude 99.999999 (and longitude 0.000000).
ONS_NO_LOCATION_LATITUDE = 99.999999
GSS_CODE_LENGTH = 9
DISTRICTS_DATASET = "postcode-districts"
POSTCODES_DATASET = "postcodes"

DISTRICT_COLUMNS = {
    "postcode": ("postcode",),
    "latitude": ("latitude",),
    "longitude": ("longitude",),
    "easting": ("easting",),
    "northing": ("northing",),
    "name": ("town/area",),
    "region": ("region",),
    "population": ("population",),
    "post_town": ("post town",),
}
DISTRICT_REQUIRED = ("postcode", "latitude", "longitude", "name")

ONS_COLUMNS = {
    "postcode": ("pcds", "pcd", "pcd7", "pcd8", "pcd2"),
    "latitude": ("lat",),
    "longitude": ("long",),
    "ward": ("osward",),  # newer releases: the latest wdNNcd, found by pattern below
    "lsoa11": ("lsoa11cd", "lsoa11"),
    "lsoa21": ("lsoa21cd", "lsoa21"),
    "imd": ("imd",),  # newer releases: imdNNind
    "terminated": ("doterm",),
}
ONS_REQUIRED = ("postcode", "latitude", "longitude")

EXPECTED_COLUMNS = (
    "a postcode-district CSV with columns Postcode, Latitude, Longitude, Town/Area; "
    "or an ONS Postcode Directory CSV with columns pcds (or pcd), lat, long"
)

Cell = Callable[[str], str]


class RowError(ValueError):
    """One row cannot be loaded; ``reason`` says why, quoting the offending value."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class UnrecognisedHeader(ValueError):
    pass


@dataclass(frozen=True)
class FileFormat:
    """How to read one kind of file: where its columns are and what each row becomes."""

    noun: str  # "postcode district": what a row is, for the report
    dataset: str  # the core.ReferenceFile dataset this kind of file loads
    model: type[models.Model]
    unique_field: str
    columns: dict[str, int]  # our column name -> position in the row
    parse: Callable[[Cell], models.Model]
    derives_districts: bool = False

    def read(self, cells: list[str]) -> models.Model:
        """Parse one CSV row; raise ``RowError`` for a short row or a bad value."""
        needed = max(self.columns.values()) + 1
        if len(cells) < needed:
            raise RowError(f"has {len(cells)} columns, the header has at least {needed}")

        def cell(name: str) -> str:
            position = self.columns.get(name)
            return cells[position].strip() if position is not None else ""

        return self.parse(cell)


def _positions(header: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    found = {}
    for column, candidates in aliases.items():
        for candidate in candidates:
            if candidate in names:
                found[column] = names.index(candidate)
                break
    return found


def _latest(header: list[str], pattern: str) -> int | None:
    """Position of the column matching ``pattern`` with the highest year (``wd25cd``)."""
    matches = [(name.strip().lower(), i) for i, name in enumerate(header)]
    matches = [(name, i) for name, i in matches if re.fullmatch(pattern, name)]
    return max(matches)[1] if matches else None


def detect_format(header: list[str]) -> FileFormat:
    """Recognise the file from its header row, or raise ``UnrecognisedHeader``."""
    columns = _positions(header, DISTRICT_COLUMNS)
    if all(name in columns for name in DISTRICT_REQUIRED):
        has_population = "population" in columns
        return FileFormat(
            noun="postcode district",
            dataset=DISTRICTS_DATASET,
            model=PostcodeDistrict,
            unique_field="code",
            columns=columns,
            parse=lambda cell: parse_district_row(cell, has_population=has_population),
        )
    columns = _positions(header, ONS_COLUMNS)
    if all(name in columns for name in ONS_REQUIRED):
        for name, pattern in (("ward", r"wd\d\dcd"), ("imd", r"imd\d\dind")):
            position = _latest(header, pattern)
            if name not in columns and position is not None:
                columns[name] = position
        return FileFormat(
            noun="postcode",
            dataset=POSTCODES_DATASET,
            model=FullPostcode,
            unique_field="postcode",
            columns=columns,
            parse=parse_ons_row,
            derives_districts=True,
        )
    shown = ", ".join(name.strip() for name in header[:12]) or "(empty)"
    raise UnrecognisedHeader(
        f"Unrecognised postcode file: expected {EXPECTED_COLUMNS}. Its header is: {shown}"
        + (", ..." if len(header) > 12 else "")
    )


def _number(raw: str, label: str) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise RowError(f"{label} '{raw}' is not a number")
    return value


def _whole(raw: str, label: str, *, minimum: int = 0) -> int | None:
    """A whole number; thousands separators ("3,924") are allowed."""
    if not raw:
        return None
    try:
        value = int(raw.replace(",", ""))
    except ValueError:
        raise RowError(f"{label} '{raw}' is not a whole number") from None
    if value < minimum:
        raise RowError(f"{label} '{raw}' is less than {minimum}")
    return value


def _location(cell: Cell) -> tuple[float | None, float | None]:
    latitude = _number(cell("latitude"), "latitude")
    longitude = _number(cell("longitude"), "longitude")
    if latitude == ONS_NO_LOCATION_LATITUDE:
        return None, None
    if (latitude is None) != (longitude is None):
        raise RowError("latitude and longitude must be given together")
    if latitude is not None and not -90 <= latitude <= 90:
        raise RowError(f"latitude '{cell('latitude')}' is outside -90 to 90")
    if longitude is not None and not -180 <= longitude <= 180:
        raise RowError(f"longitude '{cell('longitude')}' is outside -180 to 180")
    return latitude, longitude


def _text(raw: str, label: str, max_length: int) -> str:
    if len(raw) > max_length:
        raise RowError(f"{label} '{raw[:40]}' is longer than {max_length} characters")
    return raw


def _month(raw: str, label: str) -> date | None:
    """ONSPD dates are YYYYMM; we keep the first of the month."""
    if not raw:
        return None
    if not re.fullmatch(r"\d{6}", raw) or not 1 <= int(raw[4:]) <= 12:
        raise RowError(f"{label} '{raw}' is not a month written YYYYMM")
    return date(int(raw[:4]), int(raw[4:]), 1)


def parse_district_row(cell: Cell, *, has_population: bool) -> PostcodeDistrict:
    """A district centroid row. B99-style rows ("Non-geographic", or no population) are flagged."""
    try:
        code = normalise_district(cell("postcode"))
    except InvalidPostcode:
        raise RowError(
            f"postcode district '{cell('postcode')}' is not a valid UK postcode district"
        ) from None
    latitude, longitude = _location(cell)
    name = _text(cell("name"), "Town/Area", 255)
    population = _whole(cell("population"), "population")
    return PostcodeDistrict(
        code=code,
        area=area_of(code),
        latitude=latitude,
        longitude=longitude,
        easting=_whole(cell("easting"), "easting"),
        northing=_whole(cell("northing"), "northing"),
        name=name,
        region=_text(cell("region"), "region", 100),
        post_town=_text(cell("post_town"), "post town", 100),
        population=population,
        non_geographic=name.lower() == "non-geographic" or (has_population and population is None),
    )


def _gss(raw: str, label: str) -> str:
    if len(raw) > GSS_CODE_LENGTH:
        raise RowError(f"{label} '{raw[:40]}' is not an ONS code")
    return raw


def parse_ons_row(cell: Cell) -> FullPostcode:
    """One ONSPD row; no grid reference (latitude 99.999999) is stored as no location."""
    try:
        postcode = Postcode.parse(cell("postcode"))
    except InvalidPostcode:
        raise RowError(f"postcode '{cell('postcode')}' is not a valid UK postcode") from None
    latitude, longitude = _location(cell)
    return FullPostcode(
        postcode=postcode.value,
        district_code=postcode.district,
        latitude=latitude,
        longitude=longitude,
        ward_code=_gss(cell("ward"), "ward code"),
        lsoa11_code=_gss(cell("lsoa11"), "LSOA 2011 code"),
        lsoa21_code=_gss(cell("lsoa21"), "LSOA 2021 code"),
        imd_rank=_whole(cell("imd"), "IMD rank", minimum=1),
        terminated_on=_month(cell("terminated"), "termination date"),
    )
