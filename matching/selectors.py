"""Reads for the matching pages: a business's matches and interests, an officer's lots.

Every list selector fixes its joins, so its query count does not grow with the rows;
``tests/matching/test_selectors.py`` pins them. Rows the user may not see are simply not found:
a ``*_get_*`` selector raises ``DoesNotExist`` (a 404), so another business's or institution's
ids never reveal anything.
"""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from anchors.models import Lot, LotCpv
from anchors.selectors import institutions_for_user
from matching.models import Interest, Match
from suppliers.models import Business
from suppliers.selectors import businesses_of_member


def _interest_status(lot_ref: str = "lot_id", business_ref: str = "business_id") -> Subquery:
    """The status of the business's interest in the lot, or None, as a correlated subquery."""
    interests = Interest.objects.filter(
        lot_id=OuterRef(lot_ref), business_id=OuterRef(business_ref)
    )
    return Subquery(interests.values("status")[:1])


def _with_lot(matches: QuerySet[Match]) -> QuerySet[Match]:
    return matches.select_related("lot__contract__institution", "business").annotate(
        interest_status=_interest_status()
    )


def matches_for_business(*, business: Business) -> QuerySet[Match]:
    """The business's current matches on open lots, best first, with lot, contract and buyer.

    One query, whatever the number of matches; each row carries ``interest_status``.
    """
    matches = Match.objects.current().filter(business=business, lot__in=Lot.objects.open())
    return _with_lot(matches).order_by("-score", "pk")


def matches_for_user(*, user) -> QuerySet[Match]:
    """``matches_for_business`` across every business the user belongs to, grouped by
    business name and best first; one query."""
    matches = Match.objects.current().filter(
        business__in=businesses_of_member(user=user).values("pk"), lot__in=Lot.objects.open()
    )
    return _with_lot(matches).order_by("business__name", "business_id", "-score", "pk")


def match_get_for_user(*, user, match_id: int) -> Match:
    """One match of a business the user belongs to, with the lot's codes and its interest.

    Dismissed matches and matches on closed lots are still found (an email links to them).
    ``interest`` holds the business's interest in the lot, or None. Four queries. Raises
    ``Match.DoesNotExist`` for another business's match.
    """
    match = (
        Match.objects.filter(business__in=businesses_of_member(user=user).values("pk"))
        .select_related("lot__contract__institution", "lot__award", "business")
        .prefetch_related(
            Prefetch(
                "lot__cpv_links", LotCpv.objects.select_related("cpv_code").order_by("cpv_code")
            ),
            "lot__required_certifications",
        )
        .annotate(lot_is_open=Exists(Lot.objects.open().filter(pk=OuterRef("lot_id"))))
        .get(pk=match_id)
    )
    match.interest = Interest.objects.filter(lot_id=match.lot_id, business=match.business).first()
    return match


def interests_for_user(*, user) -> QuerySet[Interest]:
    """Interests of every business the user belongs to, newest first; one query."""
    interests = Interest.objects.filter(
        business__in=businesses_of_member(user=user).values("pk")
    ).annotate(lot_is_open=Exists(Lot.objects.open().filter(pk=OuterRef("lot_id"))))
    return interests.select_related("lot__contract__institution", "business").order_by(
        "-registered_at", "pk"
    )


def interests_for_business(*, business: Business) -> QuerySet[Interest]:
    """The business's interests, newest first, with lot, contract and buyer; one query."""
    return (
        Interest.objects.filter(business=business)
        .select_related("lot__contract__institution")
        .order_by("-registered_at", "pk")
    )


def interest_get_for_user(*, user, interest_id: int) -> Interest:
    """An interest of a business the user belongs to; ``Interest.DoesNotExist`` otherwise."""
    return (
        Interest.objects.filter(business__in=businesses_of_member(user=user).values("pk"))
        .select_related("lot__contract", "business")
        .get(pk=interest_id)
    )


def lot_for_interest(*, lot_id: int) -> Lot:
    """A published lot (open or not) with its contract and buyer, and ``is_open``.

    Raises ``Lot.DoesNotExist`` for a draft or cancelled lot: only published lots take interest.
    """
    return (
        Lot.objects.published()
        .select_related("contract__institution")
        .annotate(is_open=Exists(Lot.objects.open().filter(pk=OuterRef("pk"))))
        .get(pk=lot_id)
    )


def interests_in_lot(*, lot: Lot, businesses) -> dict[int, Interest]:
    """The given businesses' interests in the lot, by business id; one query."""
    interests = Interest.objects.filter(lot=lot, business__in=businesses)
    return {interest.business_id: interest for interest in interests}


def _count(queryset: QuerySet) -> Coalesce:
    """A per-lot row count as a correlated subquery (no join fan-out across two relations)."""
    counted = queryset.filter(lot_id=OuterRef("pk")).order_by().values("lot_id")
    counted = counted.annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _officer_lots(*, user) -> QuerySet[Lot]:
    """Published lots of the institutions the user acts for (every one for a coordinator)."""
    institutions = institutions_for_user(user=user).values("pk")
    return (
        Lot.objects.published()
        .filter(contract__institution__in=institutions)
        .select_related("contract__institution", "award")
        .annotate(is_open=Exists(Lot.objects.open().filter(pk=OuterRef("pk"))))
    )


def lots_for_officer(*, user) -> QuerySet[Lot]:
    """The published lots of the officer's institutions, newest contract first, each with
    ``match_count`` and ``interest_count`` (registered or shortlisted); one query."""
    active = Interest.objects.filter(status__in=Interest.ACTIVE_STATUSES)
    return (
        _officer_lots(user=user)
        .annotate(match_count=_count(Match.objects.all()), interest_count=_count(active))
        .order_by("-contract__published_at", "contract_id", "number")
    )


def lot_get_for_officer(*, user, lot_id: int) -> Lot:
    """One published lot of the officer's institutions, with its codes; ``Lot.DoesNotExist``
    for another institution's lot or a draft. Two queries."""
    codes = Prefetch("cpv_links", LotCpv.objects.select_related("cpv_code").order_by("cpv_code"))
    return _officer_lots(user=user).prefetch_related(codes).get(pk=lot_id)


def lot_matches(*, lot: Lot) -> QuerySet[Match]:
    """Every business matched with the lot, best first, with its interest status; one query."""
    matches = Match.objects.filter(lot=lot).select_related("business")
    return matches.annotate(interest_status=_interest_status()).ranked()


def lot_interests(*, lot: Lot) -> QuerySet[Interest]:
    """The interests in the lot, newest first, with business and who decided; one query."""
    return (
        Interest.objects.filter(lot=lot)
        .select_related("business", "decided_by")
        .order_by("-registered_at", "pk")
    )


def interest_get_for_officer(*, user, lot_id: int, interest_id: int) -> Interest:
    """An interest in one of the officer's lots; ``Interest.DoesNotExist`` otherwise."""
    lots = _officer_lots(user=user).filter(pk=lot_id).values("pk")
    return Interest.objects.select_related("lot", "business").get(pk=interest_id, lot__in=lots)
