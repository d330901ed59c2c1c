"""Who a lot's reservation admits: the one rule behind matching, interest and their words.

A lawful reservation is the only thing that can stop a business registering interest in a lot
(PA23 s.85 forbids the other bars; whether a reservation is lawful is ``anchors.rules``). It
has two independent parts: which suppliers (SMEs, VCSEs, either) and where they are based (the
UK, or the local authorities of the institution's area, its area and bordering counties, or one
county).

The rule is written once, for one business: its two parts (``Reservation.admits_supplier`` and
``Reservation.location_verdict``) and the verdict, the weaker of the two (``Reservation.verdict``).
Every other form asks those methods rather than saying the rule again:

- over a candidate table (the engine's eligibility), ``Reservation.verdicts`` asks them once
  per distinct size class, VCSE flag and local authority, and looks the answers up per row;
- in SQL (the candidate pre-filter), ``matching.inputs.reservation_filter`` asks them about
  every size class x VCSE flag and every known district's authority, and filters on the pairs
  and districts they admit;
- in words, ``Reservation.judge`` gives the verdict with the sentence that explains it (the
  refusal when registering interest, and the reason on a stored match).

``tests/matching/test_reservation_agreement.py`` checks the four agree on every reservation x
size x VCSE x location combination.

The answer is three-way. A business either meets the reservation, or does not, or, for a
location reservation, we cannot confirm where it is based (its postcode district's authority is
unknown). Matching stores only businesses that meet it; registering interest refuses only those
that do not (the buyer checks where a supplier is based when it assesses bids).

Pure Python and NumPy (no Django), so the engine and the lot designer can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from matching.candidates import per_value
from suppliers import sizes  # pure: the same size bands the database uses


class Verdict(IntEnum):
    """Whether a business meets a reservation. Ordered: a business meets the whole reservation
    only as well as its weaker part (``min``)."""

    DOES_NOT_MEET = 0
    CANNOT_CONFIRM = 1  # reserved by location, and we do not know the business's authority
    MEETS = 2


SME_CLASSES = tuple(size.value for size, _, _ in sizes.SIZE_BANDS)  # micro, small, medium
SIZE_CLASSES = tuple(size.value for size in sizes.SizeClass)  # micro, small, medium, large
# The values of ``anchors.models.Lot.SupplierReservation`` and ``.LocationReservation``.
SUPPLIER_RESERVATIONS = ("none", "sme", "vcse", "sme_vcse")
LOCATION_RESERVATIONS = ("none", "uk", "authority_area", "authority_area_and_neighbours", "county")
# Location reservations every business on LocalLots meets: it has a UK postcode.
ANYWHERE = frozenset({"none", "uk"})
# Who each supplier reservation admits, in a refusal and in a reason.
SUPPLIER_WORDS = {
    "sme": ("SMEs (fewer than 250 staff)", "SMEs"),
    "vcse": ("voluntary, community and social enterprises (VCSEs)", "VCSEs"),
    "sme_vcse": ("SMEs and VCSEs", "SMEs and VCSEs"),
}


@dataclass(frozen=True)
class Judgement:
    """A verdict for one business, and the sentence that explains it ("" when the lot is not
    reserved, or reserved only to the UK, which every business here meets)."""

    verdict: Verdict
    sentence: str

    @property
    def refusal(self) -> str | None:
        """Why the business may not register interest; None when it may."""
        return self.sentence if self.verdict == Verdict.DOES_NOT_MEET else None


@dataclass(frozen=True)
class Reservation:
    """A lot's reservation, as plain data.

    ``authorities`` are the local authorities a location reservation admits (worked out from
    the institution's area by ``matching.inputs``); ``place`` and ``regime`` name the area and
    the law it is made under, for sentences ("Birmingham", "the 2026 Order").
    """

    suppliers: str = "none"
    location: str = "none"
    authorities: frozenset[str] = frozenset()
    place: str = ""
    regime: str = ""

    def __post_init__(self):
        if self.suppliers not in SUPPLIER_RESERVATIONS:
            raise ValueError(f"Unknown supplier reservation {self.suppliers!r}.")
        if self.location not in LOCATION_RESERVATIONS:
            raise ValueError(f"Unknown location reservation {self.location!r}.")

    @property
    def limits_location(self) -> bool:
        return self.location not in ANYWHERE

    # The rule, for one business -------------------------------------------------------------

    def admits_supplier(self, size_class: str | None, is_vcse: bool) -> bool:
        """The supplier part: an SME is micro, small or medium (an unknown size is not one)."""
        is_sme = size_class in SME_CLASSES
        return {
            "none": True,
            "sme": is_sme,
            "vcse": is_vcse,
            "sme_vcse": is_sme or is_vcse,
        }[self.suppliers]

    def location_verdict(self, local_authority: str | None) -> Verdict:
        """The location part, by the local authority of the business's postcode district."""
        if not self.limits_location:
            return Verdict.MEETS
        if not local_authority:
            return Verdict.CANNOT_CONFIRM
        return Verdict.MEETS if local_authority in self.authorities else Verdict.DOES_NOT_MEET

    def verdict(
        self, *, size_class: str | None, is_vcse: bool, local_authority: str | None
    ) -> Verdict:
        """Whether one business meets the reservation: as well as its weaker part does."""
        supplier = self.admits_supplier(size_class or None, bool(is_vcse))
        location = self.location_verdict(local_authority or None)
        return min(Verdict.MEETS if supplier else Verdict.DOES_NOT_MEET, location)

    # The same rule over a candidate table -----------------------------------------------------

    def verdicts(self, size_class, is_vcse, local_authority) -> np.ndarray:
        """``verdict`` for every row (int8 ``Verdict`` values), from columns of equal length.

        The rule's own parts, asked once per distinct size class and VCSE flag and once per
        distinct authority (categorical columns make that a lookup of their codes), and
        combined as ``verdict`` combines them: not a second version of the rule.
        """
        admitted = np.where(
            np.asarray(is_vcse, dtype=bool),
            per_value(size_class, lambda s: self.admits_supplier(s or None, True), dtype=bool),
            per_value(size_class, lambda s: self.admits_supplier(s or None, False), dtype=bool),
        )
        supplier = np.where(admitted, np.int8(Verdict.MEETS), np.int8(Verdict.DOES_NOT_MEET))
        location = per_value(
            local_authority, lambda a: int(self.location_verdict(a or None)), dtype=np.int8
        )
        return np.minimum(supplier, location).astype(np.int8)

    # The rule in words -------------------------------------------------------------------

    def judge(
        self, *, size_class: str | None, is_vcse: bool, local_authority: str | None
    ) -> Judgement:
        """The verdict for one business and the sentence a business owner reads: why it
        qualifies, why it does not (the refusal), or that its location cannot be confirmed."""
        verdict = self.verdict(
            size_class=size_class, is_vcse=is_vcse, local_authority=local_authority
        )
        rule = f" under {self.regime}" if self.regime else ""
        if verdict == Verdict.MEETS:
            who = self._who()
            return Judgement(verdict, f"Reserved for {who}{rule}: you qualify." if who else "")
        if not self.admits_supplier(size_class or None, bool(is_vcse)):
            wanted = SUPPLIER_WORDS[self.suppliers][0]
            return Judgement(
                verdict,
                f"This lot is reserved for {wanted}{rule}, and your profile says you are not one.",
            )
        if verdict == Verdict.CANNOT_CONFIRM:
            return Judgement(
                verdict,
                f"This lot is reserved for suppliers based in {self.place}{rule}; we cannot "
                "confirm which local authority your postcode is in, so the buyer will check "
                "where you are based.",
            )
        return Judgement(
            verdict,
            f"This lot is reserved for suppliers based in {self.place}{rule}; "
            f"your postcode is in {local_authority}.",
        )

    def _who(self) -> str:
        """Who the lot is reserved for, in a reason: "SMEs based in Birmingham"."""
        words = SUPPLIER_WORDS.get(self.suppliers, ("", ""))[1]
        place = self.place if self.limits_location else ""
        if words and place:
            return f"{words} based in {place}"
        return words or (f"suppliers based in {place}" if place else "")
