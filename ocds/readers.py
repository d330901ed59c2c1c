"""Reading OCDS files: release packages, record packages (the compiled release, else each
release), plain arrays of releases, a single release, and JSON Lines of any of these.

Each release comes out with where it was found ("releases[3]", "line 4 releases[0]") so the
import report can point at it. A file that is not JSON, or is JSON but not OCDS, raises
``BrokenFile`` before anything is imported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal


class BrokenFile(ValueError):
    """The file as a whole cannot be read as OCDS: nothing from it is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RawRelease:
    """A release as found in a file, with where it was found ("releases[3]", "line 4")."""

    position: str
    data: object


# --- Reading files ------------------------------------------------------------------------


def _constant(name: str) -> Decimal:
    return Decimal(name.replace("Infinity", "Inf"))


# Python refuses to turn more digits than this into an int (a guard against slow parsing);
# a longer integer is read as a Decimal instead, which the import then refuses by size.
_INT_DIGITS = 100


def _integer(digits: str) -> int | Decimal:
    return int(digits) if len(digits) <= _INT_DIGITS else Decimal(digits)


def load_json(text: str):
    """JSON with every number read exactly (``Decimal``), as the import needs."""
    # Decimals, not floats: "1e9999" stays a (huge, finite) Decimal we can refuse by size, and
    # NaN / Infinity become Decimals we can refuse by name. A 5,000-digit integer would make
    # ``int()`` raise ValueError ("exceeds the limit"): it becomes a Decimal too.
    return json.loads(text, parse_float=Decimal, parse_int=_integer, parse_constant=_constant)


def releases_from_text(text: str) -> list[RawRelease]:
    """Every release in an OCDS file's text, in file order; ``BrokenFile`` if it is not OCDS."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise BrokenFile("The file is empty.")
    try:
        document = load_json(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise BrokenFile(f"Not valid JSON: {exc.msg} at line {exc.lineno}.") from None
        return _json_lines(text)
    except RecursionError:
        raise BrokenFile("Not valid JSON: nested too deeply.") from None
    return _releases_in(document, "")


def releases_from_document(document) -> list[RawRelease]:
    """Every release in already-parsed OCDS JSON (a feed's page); ``BrokenFile`` if not OCDS."""
    return _releases_in(document, "")


def _json_lines(text: str) -> list[RawRelease]:
    found: list[RawRelease] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = load_json(line)
        except (json.JSONDecodeError, RecursionError):
            raise BrokenFile(f"Line {number} is not valid JSON (read as JSON Lines).") from None
        found += _releases_in(document, f"line {number}")
    return found


def _releases_in(document, where: str) -> list[RawRelease]:
    at = f"{where} " if where else ""
    if isinstance(document, list):
        return [RawRelease(f"{at}[{i}]".strip(), item) for i, item in enumerate(document)]
    if not isinstance(document, dict):
        raise BrokenFile(f"{at}is not OCDS: expected an object or an array.".strip().capitalize())
    if isinstance(document.get("releases"), list):
        return [
            RawRelease(f"{at}releases[{i}]".strip(), item)
            for i, item in enumerate(document["releases"])
        ]
    if isinstance(document.get("records"), list):
        return _record_releases(document["records"], at)
    if "ocid" in document:
        return [RawRelease(where or "release", document)]
    raise BrokenFile(
        f"{at}is not OCDS: expected a release package, a record package, an array of releases "
        "or JSON Lines of releases.".strip().capitalize()
    )


def _record_releases(records: list, at: str) -> list[RawRelease]:
    found = []
    for i, record in enumerate(records):
        here = f"{at}records[{i}]".strip()
        if isinstance(record, dict) and isinstance(record.get("compiledRelease"), dict):
            found.append(RawRelease(f"{here}.compiledRelease", record["compiledRelease"]))
        elif isinstance(record, dict) and isinstance(record.get("releases"), list):
            found += [
                RawRelease(f"{here}.releases[{j}]", item)
                for j, item in enumerate(record["releases"])
            ]
        else:
            found.append(RawRelease(here, record))
    return found
