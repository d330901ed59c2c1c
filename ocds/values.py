"""Reading single OCDS values from real data: text, dates, amounts and periods.

Pure functions, no database. Each reader accepts whatever JSON can hold (a number where text
was expected, a list where an object was, a year-9999 date) and returns a usable value or
nothing; a value that was published but cannot be used is explained in ``notes`` (for optional
fields) or by ``UnusableValue`` (for the few a release cannot do without), never by an
exception from deeper down such as ``OverflowError``.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.dates import EARLIEST_YEAR, LATEST_YEAR, within_years

MAX_AMOUNT = Decimal("999999999999.99")  # what a DecimalField(14, 2) holds
PENNY = Decimal("0.01")
# "1,000.00": thousands separated by commas, as people type them into spreadsheets.
_GROUPED_AMOUNT = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


class UnusableValue(ValueError):
    """A value was published but cannot be used; ``reason`` says why, for the report."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def storable(text: str) -> str:
    """Text any database accepts: no NUL characters (PostgreSQL refuses them) and no lone
    surrogates (JSON allows ``"\\ud800"``, UTF-8 does not), which become "?"."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def text(value) -> str:
    """A string or an integer as stripped text; anything else (a list, a boolean) is ""."""
    if isinstance(value, str):
        return storable(value).strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value) -> list:
    return value if isinstance(value, list) else []


def as_bool(value) -> bool | None:
    return value if isinstance(value, bool) else None


def clean(value) -> str:
    """Plain text: HTML entities decoded (twice-escaped ones too), line ends normalised,
    trailing spaces and runs of blank lines removed."""
    if not isinstance(value, str):
        return ""
    value = storable(value)
    for _ in range(2):
        value = html.unescape(value)
    value = storable(value)  # "&#0;" unescapes to a replacement character, but be sure
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in value.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def moment(value) -> datetime | None:
    """An aware date and time (in the offset it was published with), or None when absent.

    Raises ``UnusableValue`` when a value is there but is not an ISO date and time, or falls
    outside the years ``EARLIEST_YEAR`` to ``LATEST_YEAR`` once converted to UTC."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise UnusableValue(f"{shown(value)} is not a date")
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise UnusableValue(f"{shown(value)} is not a date and time")
    try:
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
        in_utc = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        in_utc = None
    if in_utc is None or not within_years(in_utc):
        raise UnusableValue(
            f"{shown(value)} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}"
        ) from None
    return parsed


def optional_moment(value, what: str, notes: list[str]) -> datetime | None:
    """``moment`` for a field a release can do without: an unusable one is noted and left out."""
    try:
        return moment(value)
    except UnusableValue as exc:
        notes.append(f"{what} {exc.reason}: left out")
        return None


def amount(value, what: str, notes: list[str]) -> Decimal | None:
    """A usable amount in pounds from an OCDS Value, or None with a note saying why not."""
    if not isinstance(value, dict) or value.get("amount") is None:
        return None
    raw, currency = value["amount"], value.get("currency")
    number = _number(raw)
    if number is None:
        notes.append(f"{what} {shown(raw)} is not a number: stored without a value")
        return None
    if currency is not None and text(currency).upper() != "GBP":
        notes.append(f"{what} is in {shown(currency)}, not pounds: stored without a value")
        return None
    # copy_abs, not abs(): it ignores the decimal context, which would overflow on 1e999999999.
    if not number.is_finite() or number.copy_abs() > MAX_AMOUNT:
        notes.append(f"{what} {shown(raw)} is not a usable amount: stored without a value")
        return None
    number = number.quantize(PENNY)
    if number <= 0:
        notes.append(f"{what} {shown(raw)} is not more than £0: stored without a value")
        return None
    return number


def _number(raw) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float, Decimal)):
        try:
            return Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw)
        except (InvalidOperation, ValueError):
            return None
    if not isinstance(raw, str):
        return None
    figure = "".join(raw.split()).removeprefix("£")
    if _GROUPED_AMOUNT.fullmatch(figure):
        figure = figure.replace(",", "")
    try:
        return Decimal(figure)
    except (InvalidOperation, ValueError):
        return None


def shown(raw) -> str:
    """A published value as a report quotes it: numbers plainly, anything else as its repr,
    cut to 60 characters (a note must not carry a megabyte of someone's data)."""
    try:
        if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
            words = str(raw)
        else:
            words = repr(raw)
    except ValueError:  # an int of more than 4,300 digits, which Python will not print
        words = "a number too long to print"
    return words if len(words) <= 60 else f"{words[:57]}..."


def period(value, what: str, notes: list[str]) -> tuple[date | None, date | None]:
    """The start and end days of an OCDS Period; dates the wrong way round are left out."""
    value = as_dict(value)
    start = optional_moment(value.get("startDate"), f"{what} start", notes)
    end = optional_moment(value.get("endDate"), f"{what} end", notes)
    starts_on, ends_on = (start.date() if start else None), (end.date() if end else None)
    if starts_on and ends_on and ends_on < starts_on:
        notes.append(f"the {what} ends before it starts: dates left out")
        return None, None
    return starts_on, ends_on


def local_day(moment_: datetime) -> date:
    """The day in LocalLots' time zone (safe for any ``moment`` result)."""
    return timezone.localtime(moment_).date()
