"""The candidate table: the businesses a lot is scored against, as plain columns.

Pure pandas/NumPy (no Django). ``matching.inputs`` loads it from the database (one row per
business, pre-filtered in SQL); the engine (``matching.engine``), and the lot designer and team
search built on it, read it and never touch a database. Tests and benchmarks build one from
plain rows with ``Candidates.from_records``.

Guarantees every reader relies on:

- ``businesses`` has exactly the ``CANDIDATE_COLUMNS`` with their dtypes, one row per business;
  results are aligned with it by position (its index is ignored).
- ``sectors`` (``row``, ``code``: a CPV code as an int, 55523100) and ``certifications``
  (``row``, ``slug``) are long tables whose ``row`` is a position in ``businesses``; pairs for
  businesses not in the table are dropped when the table is built.
- Text columns never hold NaN: an unknown district, authority or size class is ``""``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

CANDIDATE_COLUMNS = {
    "business_id": "int64",
    "postcode": "object",
    "postcode_sector": "category",  # "B9 4": the full postcode less its last two characters
    "district": "category",
    "latitude": "float64",
    "longitude": "float64",
    "local_authority": "category",  # "" when the district's authority is not known
    "size_class": "category",  # micro | small | medium | large; "" when not known
    "is_vcse": "bool",
    "capacity": "float64",  # effective largest contract; NaN when unknown
    "concurrent_capacity": "int64",
    "commitments": "int64",  # contracts under way (awards not yet ended)
    "profile_ok": "bool",  # active and profile complete
}


def postcode_sector(postcode: str) -> str:
    """ "B9 4" for "B9 4AA": a full postcode less its unit; "" for a district alone."""
    return postcode[:-2].strip() if " " in postcode else ""


def postcode_area(district: str) -> str:
    """The leading letters of a district: "B" for "B9", "EC" for "EC1A" (not "EC1A")."""
    letters = len(district) - len(district.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return district[:letters]


@dataclass(frozen=True, eq=False)
class Candidates:
    """Businesses to score: one row each, plus long tables of their sectors and certificates."""

    businesses: pd.DataFrame
    sectors: pd.DataFrame
    certifications: pd.DataFrame

    def __len__(self) -> int:
        return len(self.businesses)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, sectors=(), certifications=()) -> Candidates:
        """Candidates from a ``candidates_frame`` and (business_id, code) and
        (business_id, slug) pairs; pairs for businesses not in the frame are dropped."""
        positions = pd.Index(frame["business_id"])
        return cls(
            frame,
            _long_table(positions, sectors, "code", np.int64),
            _long_table(positions, certifications, "slug", object),
        )

    @classmethod
    def from_records(cls, businesses, sectors=(), certifications=()) -> Candidates:
        """Candidates from plain rows: a dict per business with ``CANDIDATE_COLUMNS``."""
        rows = list(businesses)
        columns = {name: [row.get(name) for row in rows] for name in CANDIDATE_COLUMNS}
        return cls.from_frame(candidates_frame(columns), sectors, certifications)


def candidates_frame(columns: Mapping[str, object]) -> pd.DataFrame:
    """A candidate table with the engine's dtypes; ``postcode_sector`` is derived where absent
    (no column, or None in a row, as ``from_records`` gives for rows without it)."""
    data = dict(columns)
    given = data.get("postcode_sector")
    if given is None:
        given = [None] * len(data["postcode"])
    data["postcode_sector"] = [
        postcode_sector(pc or "") if sector is None else sector
        for pc, sector in zip(data["postcode"], given, strict=True)
    ]
    frame = pd.DataFrame({name: data[name] for name in CANDIDATE_COLUMNS})
    for name in ("latitude", "longitude", "capacity"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for name in ("district", "local_authority", "size_class", "postcode_sector"):
        frame[name] = frame[name].fillna("").astype(object)
    return frame.astype(CANDIDATE_COLUMNS)


def _long_table(positions: pd.Index, pairs, name: str, dtype) -> pd.DataFrame:
    pairs = list(pairs)
    ids = np.fromiter((pair[0] for pair in pairs), dtype=np.int64, count=len(pairs))
    values = np.array([pair[1] for pair in pairs], dtype=object)
    if dtype is np.int64:
        values = values.astype(str).astype(np.int64) if len(values) else values.astype(np.int64)
    rows = positions.get_indexer(ids) if len(ids) else np.zeros(0, dtype=np.int64)
    keep = rows >= 0
    return pd.DataFrame({"row": rows[keep].astype(np.int64), name: values[keep]})


def isin(column, values: Iterable[str]) -> np.ndarray:
    """``column.isin(values)`` as a bool array, through the category codes when the column is
    categorical (one test per distinct value, not per row)."""
    wanted = set(values)
    if not wanted:
        return np.zeros(len(column), dtype=bool)
    return per_value(column, wanted.__contains__, dtype=bool)


def per_value(column, function, *, dtype) -> np.ndarray:
    """``function`` applied to every row of ``column``, evaluated once per distinct value
    (``function(None)`` for rows without one).

    The candidate table's text columns are categorical with a handful of values (size classes,
    districts, authorities), so a rule written for one business covers 100,000 rows at the cost
    of a lookup.
    """
    if not isinstance(column, pd.Series) or not isinstance(column.dtype, pd.CategoricalDtype):
        column = pd.Series(column, dtype=object).astype("category")
    answers = [function(value) for value in column.cat.categories]
    table = np.array([*answers, function(None)], dtype=dtype)  # code -1 (NaN): the last entry
    return table[column.cat.codes.to_numpy()]
