"""Reading a notice's reservation: who the buyer reserved the competition (or a lot) for.

OCDS ``otherRequirements`` (UK profile, as Find a Tender publishes it and as our own export
writes it, see ``ocds.releases``): ``reservedParticipation`` lists the kinds of organisation
that may take part (``sme``, ``vcse``, ``smeVcse``) and ``reservedParticipationLocation``
where they must be based (a ``description``, and a ``gazetteer`` of ISO 3166 country codes).

A stated reservation is recorded as the buyer published it (we do not re-judge its legality:
the buyer is answerable for it), provided LocalLots can enforce the same rule. One it cannot
(sheltered workshops, public service mutuals, "England", a region by code) raises
``UnrepresentableReservation``: imported as open to all, it would tell every business it may
take part when it may not.

Pure functions, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ocds.values import UnusableValue, as_dict, as_list, clean, shown, text
from places.authorities import AREA_ALIASES, COUNTY_AUTHORITIES, county_of, local_authority_name

NONE, SME, VCSE, SME_VCSE = "none", "sme", "vcse", "sme_vcse"
UK, AUTHORITY_AREA, AUTHORITY_AND_NEIGHBOURS, COUNTY = (
    "uk",
    "authority_area",
    "authority_area_and_neighbours",
    "county",
)
# reservedParticipation codes, compared without case or punctuation ("smeVcse", "SME-VCSE").
SUPPLIER_CODES = {"sme": {SME}, "vcse": {VCSE}, "smevcse": {SME, VCSE}}
SUPPLIERS_FOR = {frozenset({SME}): SME, frozenset({VCSE}): VCSE, frozenset({SME, VCSE}): SME_VCSE}
SUPPLIER_WORDS = {SME: "SMEs", VCSE: "VCSEs", SME_VCSE: "SMEs and VCSEs"}
UK_NAMES = {"uk", "the uk", "united kingdom", "the united kingdom", "gb"}
UK_CODES = {"GB", "UK"}
_BASED_IN = re.compile(
    r"^(?:suppliers?|organisations?|businesses)\s+(?:based\s+|located\s+)?in\s+", re.IGNORECASE
)
_AND_NEIGHBOURS = re.compile(
    r"\s+(?:or|and)\s+(?:a\s+|the\s+|its\s+)?(?:bordering|neighbouring)\s+count(?:y|ies)$",
    re.IGNORECASE,
)


class UnrepresentableReservation(UnusableValue):
    """The notice states a reservation LocalLots cannot enforce; ``reason`` says which."""


@dataclass(frozen=True)
class Reservation:
    """A lot's reservation in ``anchors.models.Lot`` terms. ``place`` is the authority (for
    ``authority_area`` and its neighbours) or the county (for ``county``) the buyer named."""

    suppliers: str = NONE
    location: str = NONE
    place: str = ""

    @property
    def is_reserved(self) -> bool:
        return self.suppliers != NONE or self.location != NONE

    def describe(self) -> str:
        """In words, for the lot's rationale: "for SMEs based in Birmingham"."""
        who = SUPPLIER_WORDS.get(self.suppliers, "suppliers")
        where = {
            UK: " based in the UK",
            AUTHORITY_AREA: f" based in {self.place}",
            AUTHORITY_AND_NEIGHBOURS: f" based in {self.place} or a bordering county",
            COUNTY: f" based in {self.place}",
        }.get(self.location, "")
        return f"for {who}{where}"


OPEN = Reservation()


def reservation_of(requirements, fallback=None) -> Reservation:
    """The reservation ``otherRequirements`` states; a key a lot leaves out is taken from
    ``fallback`` (the tender's), as the lots extension says."""
    own, general = as_dict(requirements), as_dict(fallback)
    participation = (
        own["reservedParticipation"]
        if "reservedParticipation" in own
        else general.get("reservedParticipation")
    )
    location = (
        own["reservedParticipationLocation"]
        if "reservedParticipationLocation" in own
        else general.get("reservedParticipationLocation")
    )
    suppliers = _suppliers(participation)
    where, place = _location(location)
    return Reservation(suppliers=suppliers, location=where, place=place)


def _suppliers(value) -> str:
    if value is None or value == [] or value == "":
        return NONE
    codes = [value] if isinstance(value, str) else value
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise UnrepresentableReservation(
            f"reserved participation {shown(value)} is not a list of codes"
        )
    groups: set[str] = set()
    for code in codes:
        group = SUPPLIER_CODES.get(re.sub(r"[^a-z]", "", code.lower()))
        if group is None:
            raise UnrepresentableReservation(
                f"reserved for {shown(code)} organisations, which LocalLots cannot check"
            )
        groups |= group
    return SUPPLIERS_FOR[frozenset(groups)] if groups else NONE


def _location(value) -> tuple[str, str]:
    """``(location reservation, place)`` from ``reservedParticipationLocation``."""
    if value is None or value in ({}, "", []):
        return NONE, ""
    if isinstance(value, str):
        value = {"description": value}
    if not isinstance(value, dict):
        raise UnrepresentableReservation(f"reserved location {shown(value)} is not a place")
    gazetteer = as_dict(value.get("gazetteer"))
    codes = {text(code).upper() for code in as_list(gazetteer.get("identifiers"))} - {""}
    if codes and codes <= UK_CODES:
        return UK, ""
    description = clean(value.get("description"))
    if description:
        return _place(description)
    where = shown(", ".join(sorted(codes))) if codes else shown(value)
    raise UnrepresentableReservation(
        f"reserved for suppliers based in {where}, which LocalLots cannot check"
    )


def _place(description: str) -> tuple[str, str]:
    name = _BASED_IN.sub("", " ".join(description.split()).rstrip("."))
    if name.lower() in UK_NAMES:
        return UK, ""
    neighbours = _AND_NEIGHBOURS.search(name)
    if neighbours:
        authority = _authority(name[: neighbours.start()])
        if authority:
            return AUTHORITY_AND_NEIGHBOURS, authority
    else:
        # A county first: "Shropshire" is both, and the county is the wider reading.
        county = _county(name)
        if county:
            return COUNTY, county
        authority = _authority(name)
        if authority:
            return AUTHORITY_AREA, authority
    raise UnrepresentableReservation(
        f"reserved for suppliers based in {shown(name)}, a place LocalLots cannot check"
    )


def _county(name: str) -> str:
    key = name.lower().removeprefix("the ")
    if key in AREA_ALIASES:
        return AREA_ALIASES[key]
    return next((county for county in COUNTY_AUTHORITIES if county.lower() == key), "")


def _authority(name: str) -> str:
    authority = local_authority_name(name.strip())
    return authority if county_of(authority) else ""
