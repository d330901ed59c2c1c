"""UK postcodes as a small value object, normalised once at the edge.

Pure Python (no Django) so the matching engine, loaders and forms share one definition.

Users type postcodes in every spelling (``b94aa``, `` B9  4AA ``); we fold case and whitespace
only, never guess at other characters, then check the shape against the standard formats
(A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA, and GIR 0AA). The inward code's letters
exclude C, I, K, M, O and V. The outward letters are not restricted further: live outward codes
break the positional letter rules (XM4, BX1), and refusing a real postcode is worse than
accepting an unknown one, which a lookup then simply does not find.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

OUTWARD_PATTERN = r"[A-Z]{1,2}[0-9][0-9A-Z]?"
INWARD_PATTERN = r"[0-9][ABD-HJLNP-UW-Z]{2}"

_POSTCODE = re.compile(rf"(?:{OUTWARD_PATTERN}{INWARD_PATTERN}|GIR0AA)")
_CANONICAL = re.compile(rf"(?:{OUTWARD_PATTERN} {INWARD_PATTERN}|GIR 0AA)")
_DISTRICT = re.compile(rf"(?:{OUTWARD_PATTERN}|GIR)")
_AREA = re.compile(r"[A-Z]+")

POSTCODE_MESSAGE = "Enter a full UK postcode, like B9 4AA"
DISTRICT_MESSAGE = "Enter a UK postcode district, like B9"
POSTCODE_OR_DISTRICT_MESSAGE = "Enter a UK postcode, like B9 4AA, or a postcode district, like B9"

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius; good to about 0.5% anywhere in the UK


class InvalidPostcode(ValueError):
    """The text is not a UK postcode. ``message`` is written for the person who typed it."""

    def __init__(self, message: str = POSTCODE_MESSAGE):
        super().__init__(message)
        self.message = message


def _squash(raw: object) -> str:
    """Upper-case the text and drop all whitespace; anything else is left for the regex."""
    if not isinstance(raw, str):
        return ""
    return "".join(raw.split()).upper()


@dataclass(frozen=True, slots=True)
class Postcode:
    """A valid full UK postcode in its one canonical spelling (``"B9 4AA"``).

    Build one with ``Postcode.parse(raw)``; the constructor only accepts the canonical form so
    an unnormalised value can never hide inside an instance.
    """

    value: str

    def __post_init__(self):
        if not isinstance(self.value, str) or not _CANONICAL.fullmatch(self.value):
            raise InvalidPostcode()

    @classmethod
    def parse(cls, raw: object) -> Postcode:
        """Normalise case and whitespace and validate; raise ``InvalidPostcode`` otherwise."""
        squashed = _squash(raw)
        if not _POSTCODE.fullmatch(squashed):
            raise InvalidPostcode()
        return cls(f"{squashed[:-3]} {squashed[-3:]}")

    @property
    def outward(self) -> str:
        """The part before the space, also called the district (``"B9"``)."""
        return self.value.split(" ", 1)[0]

    @property
    def district(self) -> str:
        return self.outward

    @property
    def inward(self) -> str:
        """The part after the space (``"4AA"``)."""
        return self.value.split(" ", 1)[1]

    @property
    def sector(self) -> str:
        """District plus the inward digit (``"B9 4"``): a few hundred addresses."""
        return self.value[:-2]

    @property
    def area(self) -> str:
        """The leading letters (``"B"`` for Birmingham)."""
        return area_of(self.outward)

    def __str__(self) -> str:
        return self.value


def normalise_district(raw: object) -> str:
    """Return an outward code alone in canonical form (``" b9 "`` -> ``"B9"``).

    Unlike a full postcode, spaces inside are refused: ``"B9 4"`` is a sector, not ``B94``.
    """
    code = raw.strip().upper() if isinstance(raw, str) else ""
    if not _DISTRICT.fullmatch(code):
        raise InvalidPostcode(DISTRICT_MESSAGE)
    return code


def parse_postcode_or_district(raw: object) -> Postcode | str:
    """A ``Postcode`` for a full postcode, or the normalised district for an outward code.

    For inputs where either is acceptable (a lot's target districts, a search filter).
    """
    try:
        return Postcode.parse(raw)
    except InvalidPostcode:
        pass
    try:
        return normalise_district(raw)
    except InvalidPostcode:
        raise InvalidPostcode(POSTCODE_OR_DISTRICT_MESSAGE) from None


def area_of(district: str) -> str:
    """The postcode area (leading letters) of a canonical district code."""
    match = _AREA.match(district)
    return match.group(0) if match else ""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
