"""Business size classes and capacity rules, as named and dated constants with pure helpers.

Pure Python (no Django) so the matching engine can classify candidates from plain arrays with
the same numbers the database uses: ``suppliers.models`` builds the stored ``size_class``
column from these constants, so changing one here shows up as a migration.

Sources (see ``shared/data/PROCUREMENT_FACTS.md``, "Sizes and types"), as at
``SIZES_AS_AT``:
- Micro: fewer than 10 staff and turnover at most £2m (the usual UK policy definition; PA23
  itself has no "micro").
- Small: fewer than 50 staff and turnover at most £10m (the same policy definition).
- PA23 SME: fewer than 250 staff and turnover at most £44m (or balance sheet at most £38m; we
  do not ask for the balance sheet, so turnover alone decides).
Staff headcount is the main test; turnover is a secondary test applied only when given, so a
business that leaves turnover blank is classed by its staff alone.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

SIZES_AS_AT = date(2025, 2, 24)  # PA23 in force; the definitions below were current then

MICRO_STAFF_BELOW = 10
MICRO_TURNOVER_MAX = Decimal("2000000")
SMALL_STAFF_BELOW = 50
SMALL_TURNOVER_MAX = Decimal("10000000")
SME_STAFF_BELOW = 250  # PA23 SME; "medium" is an SME that is neither micro nor small
SME_TURNOVER_MAX = Decimal("44000000")

# DESIGN section 4: without a stated maximum, a business is taken to manage a single contract
# worth up to half its annual turnover.
CAPACITY_SHARE_OF_TURNOVER = Decimal("0.5")

PENNY = Decimal("0.01")


class SizeClass(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


# (class, staff below, turnover at most), smallest first; anything beyond is large.
SIZE_BANDS: tuple[tuple[SizeClass, int, Decimal], ...] = (
    (SizeClass.MICRO, MICRO_STAFF_BELOW, MICRO_TURNOVER_MAX),
    (SizeClass.SMALL, SMALL_STAFF_BELOW, SMALL_TURNOVER_MAX),
    (SizeClass.MEDIUM, SME_STAFF_BELOW, SME_TURNOVER_MAX),
)


def size_class_for(staff_headcount: int | None, annual_turnover: Decimal | None) -> str | None:
    """The size class for these facts; None while the headcount is unknown.

    The first band whose staff *and* (when given) turnover limits both hold wins, so five staff
    with £3m turnover is small, not micro.
    """
    if staff_headcount is None:
        return None
    for size_class, staff_below, turnover_max in SIZE_BANDS:
        if staff_headcount < staff_below and (
            annual_turnover is None or annual_turnover <= turnover_max
        ):
            return size_class.value
    return SizeClass.LARGE.value


def is_sme_for(staff_headcount: int | None, annual_turnover: Decimal | None) -> bool:
    """PA23 SME: fewer than 250 staff and, when given, turnover at most £44m."""
    if staff_headcount is None:
        return False
    turnover_ok = annual_turnover is None or annual_turnover <= SME_TURNOVER_MAX
    return staff_headcount < SME_STAFF_BELOW and turnover_ok


def effective_max_contract_value(
    max_contract_value: Decimal | None, annual_turnover: Decimal | None
) -> Decimal | None:
    """The largest single contract to assume: as stated, else half the turnover, else None."""
    if max_contract_value is not None:
        return max_contract_value
    if annual_turnover is not None:
        share = annual_turnover * CAPACITY_SHARE_OF_TURNOVER
        return share.quantize(PENNY, rounding=ROUND_HALF_UP)
    return None
