"""Writes for matching: compute and store matches, interest, dismissals."""

from matching.services.alerts import alert_preferences_update, digest_unsubscribe
from matching.services.interests import (
    InterestOutcome,
    interest_check,
    interest_decline,
    interest_register,
    interest_reservation,
    interest_shortlist,
    interest_withdraw,
)
from matching.services.matches import (
    MatchRun,
    match_business,
    match_dismiss,
    match_lot,
    match_lots,
    open_lot_chunks,
)

__all__ = [
    "InterestOutcome",
    "MatchRun",
    "alert_preferences_update",
    "digest_unsubscribe",
    "interest_check",
    "interest_decline",
    "interest_register",
    "interest_reservation",
    "interest_shortlist",
    "interest_withdraw",
    "match_business",
    "match_dismiss",
    "match_lot",
    "match_lots",
    "open_lot_chunks",
]
