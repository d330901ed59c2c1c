"""Matching reads: who sees which rows, in what order, and query counts that do not grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anchors.models import Contract, Lot
from matching import selectors
from matching.models import Interest, Match
from matching.services import interest_register, interest_withdraw, match_lot
from suppliers.models import BusinessMember
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import ContractFactory, InstitutionFactory, officer_of
from tests.matching.test_views import business_with_owner, published_contract
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def test_matches_for_business_are_open_current_and_best_first():
    business, _member = business_with_owner()
    first, second = published_contract(), published_contract()
    Match.objects.filter(lot=second.lots[1]).update(dismissed_at=timezone.now())
    Contract.objects.filter(pk=first.contract.pk).update(
        closes_at=timezone.now() - timedelta(days=1)
    )
    matches = list(selectors.matches_for_business(business=business))
    assert [m.lot_id for m in matches] == [second.lots[0].pk]
    scores = [m.score for m in selectors.matches_for_business(business=business)]
    assert scores == sorted(scores, reverse=True)


def test_matches_carry_the_interest_status():
    business, member = business_with_owner()
    lot = published_contract().lots[0]
    interest_register(actor=member, business=business, lot=lot)
    statuses = {m.lot_id: m.interest_status for m in selectors.matches_for_user(user=member)}
    assert statuses[lot.pk] == Interest.Status.REGISTERED
    assert set(statuses.values()) == {Interest.Status.REGISTERED, None}


def test_matches_for_user_cover_only_the_users_businesses():
    business, member = business_with_owner()
    business_with_owner(name="Someone Else Ltd")
    published_contract()
    assert {m.business_id for m in selectors.matches_for_user(user=member)} == {business.pk}
    assert not selectors.matches_for_user(user=UserFactory()).exists()
    assert not selectors.matches_for_user(user=CoordinatorFactory()).exists()


def test_match_get_for_user_refuses_another_business_match():
    _business, member = business_with_owner()
    other, _ = business_with_owner(name="Someone Else Ltd")
    published_contract()
    theirs = Match.objects.filter(business=other).first()
    with pytest.raises(Match.DoesNotExist):
        selectors.match_get_for_user(user=member, match_id=theirs.pk)


def test_match_get_for_user_has_the_interest_and_lot_codes_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    business, member = business_with_owner()
    lot = published_contract().lots[0]
    outcome = interest_register(actor=member, business=business, lot=lot)
    match = Match.objects.get(lot=lot, business=business)
    with django_assert_num_queries(4):
        found = selectors.match_get_for_user(user=member, match_id=match.pk)
        assert found.interest == outcome.interest
        assert [link.cpv_code.code for link in found.lot.cpv_links.all()] == ["55000000"]
        assert found.lot.contract.institution.name
        assert found.lot_is_open is True


def test_lots_for_officer_count_matches_and_active_interests_only():
    business, member = business_with_owner()
    other, other_member = business_with_owner(name="Second Kitchen", postcode="B10 0AA")
    buyer = published_contract()
    published_contract()  # another institution's lots are not listed
    lot = buyer.lots[0]
    interest_register(actor=member, business=business, lot=lot)
    withdrawn = interest_register(actor=other_member, business=other, lot=lot).interest
    interest_withdraw(actor=other_member, interest=withdrawn)
    lots = {row.pk: row for row in selectors.lots_for_officer(user=buyer.officer)}
    assert set(lots) == {lot.pk for lot in buyer.lots}
    assert lots[lot.pk].match_count == 2
    assert lots[lot.pk].interest_count == 1
    assert lots[buyer.lots[1].pk].interest_count == 0


def test_lots_for_officer_leaves_out_drafts_and_other_institutions():
    institution = InstitutionFactory()
    ContractFactory(institution=institution)  # a draft
    officer = officer_of(institution)
    assert not selectors.lots_for_officer(user=officer).exists()
    assert not selectors.lots_for_officer(user=UserFactory()).exists()
    with pytest.raises(Lot.DoesNotExist):
        selectors.lot_get_for_officer(user=officer, lot_id=Lot.objects.get().pk)


def test_lot_matches_are_ranked_with_their_interest_status():
    business, member = business_with_owner()
    business_with_owner(name="Second Kitchen", postcode="B10 0AA")
    lot = published_contract().lots[0]
    interest_register(actor=member, business=business, lot=lot)
    matches = list(selectors.lot_matches(lot=lot))
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    statuses = {m.business_id: m.interest_status for m in matches}
    assert statuses[business.pk] == Interest.Status.REGISTERED


def test_interest_get_for_officer_needs_the_lot_to_hold_the_interest():
    business, member = business_with_owner()
    buyer = published_contract()
    interest = interest_register(actor=member, business=business, lot=buyer.lots[0]).interest
    assert selectors.interest_get_for_officer(
        user=buyer.officer, lot_id=buyer.lots[0].pk, interest_id=interest.pk
    )
    with pytest.raises(Interest.DoesNotExist):
        selectors.interest_get_for_officer(
            user=buyer.officer, lot_id=buyer.lots[1].pk, interest_id=interest.pk
        )
    with pytest.raises(Interest.DoesNotExist):
        selectors.interest_get_for_officer(
            user=officer_of(InstitutionFactory()), lot_id=buyer.lots[0].pk, interest_id=interest.pk
        )


# Pinned query counts: the same with one row or many ------------------------------------------


def many_matches_and_interests(count: int):
    """``count`` businesses, all members of one user's account, matched with and interested in
    one officer's lots."""
    member = UserFactory()
    businesses = [BusinessFactory(name=f"Kitchen {n}") for n in range(count)]
    for business in businesses:
        BusinessMember.objects.create(business=business, user=member)
    buyer = published_contract()
    for business in businesses:
        for lot in buyer.lots:
            interest_register(actor=member, business=business, lot=lot, note="Keen")
    return member, buyer


def _touch_all(rows, *attributes):
    for row in rows:
        for attribute in attributes:
            value = row
            for part in attribute.split("."):
                value = getattr(value, part)


@pytest.mark.parametrize("count", [1, 4])
def test_list_selectors_use_a_fixed_number_of_queries(count, django_assert_num_queries):
    member, buyer = many_matches_and_interests(count)
    lot = buyer.lots[0]
    assert Match.objects.filter(lot=lot).count() == count

    with django_assert_num_queries(1):
        rows = list(selectors.matches_for_user(user=member))
        _touch_all(rows, "lot.contract.institution.name", "business.name", "interest_status")
    assert len(rows) == 2 * count

    with django_assert_num_queries(1):
        business = rows[0].business
        _touch_all(
            list(selectors.matches_for_business(business=business)),
            "lot.contract.institution.name",
            "interest_status",
        )

    with django_assert_num_queries(1):
        rows = list(selectors.interests_for_user(user=member))
        _touch_all(rows, "lot.contract.institution.name", "business.name", "lot_is_open")
    assert len(rows) == 2 * count

    with django_assert_num_queries(1):
        _touch_all(
            list(selectors.interests_for_business(business=business)),
            "lot.contract.institution.name",
        )

    # Two for the officer's roles (anchors.selectors.institutions_for_user), one for the lots.
    with django_assert_num_queries(3):
        rows = list(selectors.lots_for_officer(user=buyer.officer))
        _touch_all(rows, "contract.institution.name", "match_count", "interest_count", "is_open")
    assert rows[0].interest_count == count

    with django_assert_num_queries(1):
        _touch_all(list(selectors.lot_matches(lot=lot)), "business.name", "interest_status")

    with django_assert_num_queries(1):
        _touch_all(list(selectors.lot_interests(lot=lot)), "business.name", "decided_by")


def test_list_pages_do_not_grow_their_queries_with_rows(client):
    """My matches, my interests and the officer's pages: same query count for 1 row or 4."""
    member, buyer = many_matches_and_interests(1)
    lot = buyer.lots[0]
    pages = [
        (member, reverse("matching:my_matches")),
        (member, reverse("matching:my_interests")),
        (buyer.officer, reverse("matching:officer_lots")),
        (buyer.officer, reverse("matching:officer_lot_detail", args=[lot.pk])),
    ]

    def counts():
        found = []
        for user, url in pages:
            client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    for n in range(3):
        business = BusinessFactory(name=f"Later Kitchen {n}")
        BusinessMember.objects.create(business=business, user=member)
        for each in buyer.lots:
            match_lot(lot_id=each.pk)
            interest_register(actor=member, business=business, lot=each)
    assert Interest.objects.filter(lot=lot).count() == Match.objects.filter(lot=lot).count() == 4
    assert counts() == before
