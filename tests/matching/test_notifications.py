"""The daily match digest: who gets it, what it says, what it leaves out, and that it is sent once."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import OutboundEmail
from matching.models import Match
from matching.notifications import (
    DIGEST_MAX_MATCHES,
    absolute,
    digest_business_ids,
    digest_send_for_business,
    unsubscribe_token,
    unsubscribe_user_id,
)
from matching.services import digest_unsubscribe, match_lot
from tests.matching.factories import (
    MatchFactory,
    cancel_lot,
    close_lot,
    matching_business,
    open_lot,
)
from tests.suppliers.factories import BusinessMemberFactory, OwnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def business():
    """A business with two members who want the digest, one who opted out, one inactive."""
    business = matching_business(name="Hodge Hill Kitchens")
    OwnerFactory(business=business, user__email="owner@example.org")
    BusinessMemberFactory(business=business, user__email="member@example.org")
    BusinessMemberFactory(
        business=business, user__email="quiet@example.org", user__match_digest=False
    )
    BusinessMemberFactory(business=business, user__email="gone@example.org", user__is_active=False)
    return business


def digests():
    return OutboundEmail.objects.filter(kind="match_digest").order_by("to")


def test_the_digest_goes_to_each_active_member_who_wants_it(business):
    lot = open_lot()
    lot.title = "School meals for Ward End"
    lot.save(update_fields=["title"])
    match_lot(lot_id=lot.pk)
    match = Match.objects.get(business=business)

    sent = digest_send_for_business(business_id=business.pk)

    assert sent == 2
    emails = list(digests())
    assert [e.to for e in emails] == ["member@example.org", "owner@example.org"]
    for email in emails:
        assert email.subject == "1 new opportunity for Hodge Hill Kitchens"
        for body in (email.body_text, email.body_html):
            assert "School meals for Ward End" in body
            assert match.reasons[0].split(" (")[0] in body  # "Your sector Catering services"
            assert absolute(reverse("matching:match_detail", args=[match.pk])) in body
            assert "unsubscribe" in body.lower()
    tokens = {_token(email.body_text) for email in emails}
    assert len(tokens) == 2  # each person's own link
    for email in emails:
        link = absolute(reverse("matching:digest_unsubscribe", args=[_token(email.body_text)]))
        assert link in email.body_html
        assert unsubscribe_user_id(_token(email.body_text)) == (
            business.members.get(user__email=email.to).user_id
        )


def _token(body: str) -> str:
    found = re.search(r"unsubscribe/([^/\s\"'<>]+)/?", body)
    assert found, f"no unsubscribe link in {body!r}"
    return found.group(1)


def test_the_digest_marks_matches_notified_and_a_second_run_sends_nothing(business):
    matches = [MatchFactory(business=business) for _ in range(3)]
    now = timezone.now()

    assert digest_send_for_business(business_id=business.pk, now=now) == 2
    for match in matches:
        match.refresh_from_db()
        assert match.notified_at == now
    assert digests().count() == 2
    assert digests().first().subject == "3 new opportunities for Hodge Hill Kitchens"

    assert digest_send_for_business(business_id=business.pk) == 0
    assert digests().count() == 2
    assert digest_business_ids() == []


def test_only_new_notifiable_current_matches_on_open_lots_are_included(business):
    included = MatchFactory(business=business)
    far_beyond = MatchFactory(business=business, notify=False)
    dismissed = MatchFactory(business=business, dismissed_at=timezone.now())
    already = MatchFactory(business=business, notified_at=timezone.now() - timedelta(days=1))
    closed = MatchFactory(business=business, lot=close_lot(open_lot()))
    cancelled = MatchFactory(business=business, lot=cancel_lot(open_lot()))
    titles = {}
    for match in (included, far_beyond, dismissed, already, closed, cancelled):
        match.lot.title = f"Lot number {match.pk} title"
        match.lot.save(update_fields=["title"])
        titles[match.pk] = match.lot.title

    digest_send_for_business(business_id=business.pk)

    body = digests().first().body_text
    assert titles[included.pk] in body
    for left_out in (far_beyond, dismissed, already, closed, cancelled):
        assert titles[left_out.pk] not in body
        left_out.refresh_from_db()
    included.refresh_from_db()
    assert included.notified_at is not None
    assert far_beyond.notified_at is None
    assert dismissed.notified_at is None
    assert closed.notified_at is None


def test_a_far_beyond_capacity_match_computed_by_the_engine_is_never_emailed(business):
    business.max_contract_value = Decimal("1000")
    business.save(update_fields=["max_contract_value"])
    match_lot(lot_id=open_lot(value=Decimal("40000")).pk)
    assert Match.objects.get(business=business).notify is False

    assert digest_send_for_business(business_id=business.pk) == 0
    assert not digests().exists()
    assert digest_business_ids() == []


def test_no_email_when_every_member_opted_out_but_matches_are_marked(business):
    for member in business.members.select_related("user"):
        member.user.match_digest = False
        member.user.save(update_fields=["match_digest"])
    match = MatchFactory(business=business)

    assert digest_send_for_business(business_id=business.pk) == 0

    assert not digests().exists()
    match.refresh_from_db()
    assert match.notified_at is not None  # not sent later in a heap when someone opts in


def test_the_digest_shows_the_best_matches_first_and_summarises_the_rest(business):
    for index in range(DIGEST_MAX_MATCHES + 2):
        match = MatchFactory(business=business, score=0.5 + index / 100)
        match.lot.title = f"Opportunity {index:02d}"
        match.lot.save(update_fields=["title"])

    digest_send_for_business(business_id=business.pk)

    body = digests().first().body_text
    best = f"Opportunity {DIGEST_MAX_MATCHES + 1:02d}"
    assert best in body
    assert "Opportunity 00" not in body and "Opportunity 01" not in body
    assert body.index(best) < body.index(f"Opportunity {DIGEST_MAX_MATCHES:02d}")
    assert digests().first().subject.startswith(f"{DIGEST_MAX_MATCHES + 2} new opportunities")
    assert "And 2 more" in body
    assert absolute(reverse("matching:my_matches")) in body  # the rest are a click away


def test_digest_business_ids_lists_only_businesses_with_something_due(business):
    other = matching_business()
    MatchFactory(business=business)
    MatchFactory(business=other, notify=False)
    quiet = matching_business()
    MatchFactory(business=quiet, lot=close_lot(open_lot()))

    assert digest_business_ids() == [business.pk]


# --- unsubscribe --------------------------------------------------------------------------------


def test_the_unsubscribe_token_names_the_user_and_a_tampered_one_is_refused(business):
    user = business.members.get(role="owner").user
    token = unsubscribe_token(user)

    assert unsubscribe_user_id(token) == user.pk
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert unsubscribe_user_id(tampered) is None
    assert unsubscribe_user_id("not-a-token") is None
    assert unsubscribe_user_id("") is None


def test_the_link_in_a_digest_unsubscribes_its_reader(business):
    MatchFactory(business=business)
    digest_send_for_business(business_id=business.pk)
    email = digests().get(to="owner@example.org")

    user = digest_unsubscribe(token=_token(email.body_text))

    assert user.email == "owner@example.org"
    user.refresh_from_db()
    assert user.match_digest is False
    MatchFactory(business=business)
    digest_send_for_business(business_id=business.pk)
    assert digests().filter(to="owner@example.org").count() == 1
    assert digests().filter(to="member@example.org").count() == 2
