"""The matching pages, per role: business member, another business's member, officer of the
institution, officer of another institution, coordinator and anonymous; and their error paths."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from anchors.models import Contract, Institution, Lot
from anchors.services import contract_publish, lot_set_reservation, question_ask
from core.models import OutboundEmail
from matching import views
from matching.models import NOTE_MAX_LENGTH, Interest, Match
from matching.notifications import unsubscribe_token
from matching.services import interest_check, interest_register, match_lot
from suppliers.models import BusinessMember
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import ContractFactory, InstitutionFactory, officer_of
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def published_contract(institution=None, *, values=("8000", "12000"), reserve=None):
    """A published contract (below the notifiable value) with matches computed for its lots."""
    institution = institution or InstitutionFactory()
    contract = ContractFactory(
        institution=institution,
        title="School meals for East Birmingham",
        estimated_value=sum(Decimal(v) for v in values),
        lots=list(values),
        find_a_tender_ref="ref-1",
    )
    officer = officer_of(institution)
    if reserve:
        for lot in contract.lots.all():
            lot_set_reservation(actor=officer, lot=lot, rationale="Local market", **reserve)
    contract_publish(actor=officer, contract=contract)
    lots = list(contract.lots.order_by("number"))
    for lot in lots:
        match_lot(lot_id=lot.pk)
    return SimpleNamespace(contract=contract, lots=lots, officer=officer, institution=institution)


def business_with_owner(**kwargs):
    owner = UserFactory()
    business = BusinessFactory(owner=owner, **kwargs)
    return business, owner


@pytest.fixture
def world():
    """One business matched with both lots of one published contract, plus outsiders."""
    business, member = business_with_owner(name="Saltley Kitchen Ltd")
    other, other_member = business_with_owner(name="Bordesley Bakes Ltd", postcode="B10 0AA")
    buyer = published_contract()
    elsewhere = published_contract(InstitutionFactory(name="Solihull College"))
    return SimpleNamespace(
        business=business,
        member=member,
        other=other,
        other_member=other_member,
        buyer=buyer,
        lot=buyer.lots[0],
        match=Match.objects.get(lot=buyer.lots[0], business=business),
        other_match=Match.objects.get(lot=buyer.lots[0], business=other),
        elsewhere=elsewhere,
    )


def signed_in(client, user):
    client.force_login(user)
    return client


# Sign-in and roles --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("matching:my_matches", []),
        ("matching:match_detail", [1]),
        ("matching:my_interests", []),
        ("matching:interest_register", [1]),
        ("matching:officer_lots", []),
        ("matching:officer_lot_detail", [1]),
        ("matching:alert_preferences", []),
    ],
)
def test_business_and_buyer_pages_send_anonymous_visitors_to_sign_in(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("matching:match_dismiss", [1]),
        ("matching:interest_withdraw", [1]),
        ("matching:interest_register", [1]),
        ("matching:interest_decide", [1, 1]),
    ],
)
def test_anonymous_posts_change_nothing_and_redirect_to_sign_in(client, name, args):
    response = client.post(reverse(name, args=args), {"note": "hi"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_user_without_a_business_is_told_how_to_join_one(client):
    response = signed_in(client, UserFactory()).get(reverse("matching:my_matches"))
    assert response.status_code == 403
    assert b"Add your business first" in response.content
    assert reverse("suppliers:profile").encode() in response.content  # add one here
    assert reverse("accounts:account").encode() in response.content


def test_user_without_an_institution_is_told_how_to_join_one(client):
    response = signed_in(client, UserFactory()).get(reverse("matching:officer_lots"))
    assert response.status_code == 403
    assert b"Join your institution first" in response.content


def test_coordinator_without_a_business_gets_the_helpful_page_not_a_crash(client):
    response = signed_in(client, CoordinatorFactory()).get(reverse("matching:my_interests"))
    assert response.status_code == 403


# My matches and the match page ---------------------------------------------------------------


def test_my_matches_lists_open_matches_best_first_with_links(client, world):
    response = signed_in(client, world.member).get(reverse("matching:my_matches"))
    assert response.status_code == 200
    rows = response.context["groups"][0]["matches"]
    scores = [row["match"].score for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert {row["match"].business_id for row in rows} == {world.business.pk}
    lots = {lot.pk for lot in world.buyer.lots + world.elsewhere.lots}
    assert {row["match"].lot_id for row in rows} == lots  # every open lot it is matched with
    body = response.content.decode()
    assert reverse("matching:match_detail", args=[world.match.pk]) in body
    assert "<caption" in body
    assert world.other.name not in body


def test_my_matches_hides_dismissed_matches_and_closed_lots(client, world):
    Match.objects.filter(pk=world.match.pk).update(dismissed_at=timezone.now())
    Contract.objects.filter(pk=world.elsewhere.contract.pk).update(
        closes_at=timezone.now() - timedelta(days=1)
    )
    response = signed_in(client, world.member).get(reverse("matching:my_matches"))
    shown = {row["match"].pk for row in response.context["groups"][0]["matches"]}
    assert world.match.pk not in shown
    assert all(Match.objects.get(pk=pk).lot.contract_id == world.buyer.contract.pk for pk in shown)


def test_my_matches_groups_matches_by_business_for_a_member_of_several(client, world):
    BusinessMember.objects.create(business=world.other, user=world.member)
    response = signed_in(client, world.member).get(reverse("matching:my_matches"))
    names = [group["business"].name for group in response.context["groups"]]
    assert names == sorted([world.business.name, world.other.name])
    assert response.context["several"] is True


def test_match_page_shows_score_components_reasons_and_the_interest_form(client, world):
    response = signed_in(client, world.member).get(
        reverse("matching:match_detail", args=[world.match.pk])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert world.lot.title in body
    assert f"{world.match.score_percent}%" in body
    for part in ("Sector", "Location", "Capacity fit", "Inclusion"):
        assert part in body
    for reason in world.match.reasons:
        assert reason in body
    assert reverse("matching:interest_register", args=[world.lot.pk]) in body
    assert body.count("csrfmiddlewaretoken") == body.count('method="post"')


def test_match_of_another_business_is_not_found(client, world):
    response = signed_in(client, world.member).get(
        reverse("matching:match_detail", args=[world.other_match.pk])
    )
    assert response.status_code == 404
    assert world.other.name.encode() not in response.content


def test_match_page_for_a_missing_match_is_not_found(client, world):
    response = signed_in(client, world.member).get(reverse("matching:match_detail", args=[99999]))
    assert response.status_code == 404


def test_match_page_after_closing_shows_no_form(client, world):
    Contract.objects.filter(pk=world.buyer.contract.pk).update(
        closes_at=timezone.now() - timedelta(hours=1)
    )
    response = signed_in(client, world.member).get(
        reverse("matching:match_detail", args=[world.match.pk])
    )
    assert response.status_code == 200
    assert response.context["form"] is None
    assert b"closed for interest" in response.content


def test_dismissing_a_match_hides_it(client, world):
    response = signed_in(client, world.member).post(
        reverse("matching:match_dismiss", args=[world.match.pk])
    )
    assert response.status_code == 302
    world.match.refresh_from_db()
    assert world.match.dismissed_at is not None


def test_dismissing_another_business_match_is_not_found_and_changes_nothing(client, world):
    response = signed_in(client, world.member).post(
        reverse("matching:match_dismiss", args=[world.other_match.pk])
    )
    assert response.status_code == 404
    world.other_match.refresh_from_db()
    assert world.other_match.dismissed_at is None


def test_dismiss_is_post_only(client, world):
    response = signed_in(client, world.member).get(
        reverse("matching:match_dismiss", args=[world.match.pk])
    )
    assert response.status_code == 405


def test_forms_refuse_a_post_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    response = client.post(reverse("matching:match_dismiss", args=[world.match.pk]))
    assert response.status_code == 403
    world.match.refresh_from_db()
    assert world.match.dismissed_at is None


def test_my_matches_is_a_ranked_govuk_table_with_each_match_s_top_reasons(client, world):
    response = signed_in(client, world.member).get(reverse("matching:my_matches"))
    body = response.content.decode()
    assert '<table class="govuk-table">' in body
    assert '<caption class="govuk-table__caption govuk-table__caption--m">' in body
    rows = response.context["groups"][0]["matches"]
    for row in rows:
        assert f"{row['match'].score_percent}% match" in body  # the score in words, not colour
        assert row["reasons"] == row["match"].reasons[: views.TOP_REASONS]
        for reason in row["reasons"]:
            assert reason in body
    assert body.count("csrfmiddlewaretoken") == body.count('method="post"')
    assert f'<span class="govuk-visually-hidden"> {world.lot.title}</span>' in body


def test_my_matches_shows_the_interest_status_as_a_tag_with_words(client, world):
    interest_register(actor=world.member, business=world.business, lot=world.lot)
    body = signed_in(client, world.member).get(reverse("matching:my_matches")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--blue">Registered</strong>' in body


def test_my_matches_query_count_does_not_grow_with_the_matches(
    client, world, django_assert_num_queries
):
    client = signed_in(client, world.member)
    client.get(reverse("matching:my_matches"))  # warm the session and content types
    # session, user, the member's businesses, their matches with lots, buyers and interest,
    # and the two role checks of the navigation
    with django_assert_num_queries(6):
        few = client.get(reverse("matching:my_matches"))
    for _ in range(3):
        published_contract()
    with django_assert_num_queries(6):
        many = client.get(reverse("matching:my_matches"))
    assert len(many.context["groups"][0]["matches"]) > len(few.context["groups"][0]["matches"])


def test_my_interests_query_count_does_not_grow_with_the_interests(
    client, world, django_assert_num_queries
):
    client = signed_in(client, world.member)
    interest_register(actor=world.member, business=world.business, lot=world.lot)
    with django_assert_num_queries(6):  # as for my matches
        client.get(reverse("matching:my_interests"))
    for lot in world.buyer.lots[1:] + world.elsewhere.lots:
        interest_register(actor=world.member, business=world.business, lot=lot)
    with django_assert_num_queries(6):
        page = client.get(reverse("matching:my_interests"))
    assert len(page.context["interests"]) == 4


def test_my_interests_is_a_govuk_table_with_status_tags_and_withdraw_buttons(client, world):
    outcome = interest_register(actor=world.member, business=world.business, lot=world.lot)
    body = signed_in(client, world.member).get(reverse("matching:my_interests")).content.decode()
    assert '<table class="govuk-table">' in body and "govuk-table__caption" in body
    assert '<strong class="govuk-tag govuk-tag--blue">Registered</strong>' in body
    assert reverse("matching:interest_withdraw", args=[outcome.interest.pk]) in body
    assert f'Withdraw<span class="govuk-visually-hidden"> interest in {world.lot.title}' in body
    assert body.count("csrfmiddlewaretoken") == body.count('method="post"')


def test_match_page_links_to_the_opportunity_and_to_asking_a_question(client, world):
    body = (
        signed_in(client, world.member)
        .get(reverse("matching:match_detail", args=[world.match.pk]))
        .content.decode()
    )
    assert reverse("opportunities:detail", args=[world.lot.pk]) in body
    # The question form is on the opportunity page (the ask URL itself only takes a POST).
    assert f'href="{reverse("opportunities:detail", args=[world.lot.pk])}#id_text"' in body
    assert 'class="govuk-back-link"' in body
    assert "govuk-summary-list" in body
    assert f"{world.match.score_percent}% match" in body


# Registering interest ------------------------------------------------------------------------


def interest_url(lot):
    return reverse("matching:interest_register", args=[lot.pk])


def test_registering_interest_records_it_and_lists_it_in_my_interests(client, world):
    client = signed_in(client, world.member)
    response = client.post(
        interest_url(world.lot), {"business": world.business.pk, "note": "We cook for 3 schools."}
    )
    assert response.status_code == 302
    interest = Interest.objects.get(lot=world.lot, business=world.business)
    assert interest.note == "We cook for 3 schools."
    assert interest.registered_by == world.member
    page = client.get(reverse("matching:my_interests"))
    assert world.lot.title in page.content.decode()
    detail = client.get(reverse("matching:match_detail", args=[world.match.pk]))
    assert detail.context["form"] is None
    assert b"Registered" in detail.content


def test_interest_page_shows_capacity_warnings_before_confirming_and_still_registers(client):
    business, member = business_with_owner(name="Tiny Teas", max_contract_value=Decimal("1000"))
    lot = published_contract().lots[0]
    _refusal, warnings = interest_check(lot=lot, business=business)
    assert warnings  # £8,000 against a £1,000 limit
    client = signed_in(client, member)
    page = client.get(interest_url(lot))
    assert page.status_code == 200
    assert warnings[0] in page.content.decode()
    assert b"section 85" in page.content
    assert b'class="govuk-warning-text"' in page.content
    assert b"This lot may stretch Tiny Teas" in page.content
    response = client.post(interest_url(lot), {"business": business.pk, "note": ""})
    assert response.status_code == 302
    assert Interest.objects.get(lot=lot, business=business).warnings == warnings


def test_reserved_lot_refusal_reason_is_shown_and_nothing_is_recorded(client):
    large, member = business_with_owner(
        name="Big Catering plc", staff_headcount=400, annual_turnover=Decimal("90000000")
    )
    institution = InstitutionFactory(reservation_regime=Institution.Regime.ORDER_2026)
    lot = published_contract(institution, reserve={"suppliers": "sme", "location": "none"}).lots[0]
    refusal, _warnings = interest_check(lot=lot, business=large)
    assert refusal and "reserved for SMEs" in refusal
    client = signed_in(client, member)
    page = client.get(interest_url(lot))
    assert refusal in page.content.decode()
    assert b'class="govuk-warning-text"' in page.content
    assert page.context["can_register"] is False  # no form to fill in for nothing
    response = client.post(interest_url(lot), {"business": large.pk, "note": "Please"})
    assert response.status_code == 200
    assert refusal in response.content.decode()
    assert b"There is a problem" in response.content
    assert not Interest.objects.exists()


def test_interest_in_a_closed_lot_is_refused_with_the_reason(client, world):
    Contract.objects.filter(pk=world.buyer.contract.pk).update(
        closes_at=timezone.now() - timedelta(minutes=5)
    )
    client = signed_in(client, world.member)
    page = client.get(interest_url(world.lot))
    assert page.status_code == 200
    assert page.context["can_register"] is False
    assert b"Register interest</button>" not in page.content
    response = client.post(interest_url(world.lot), {"business": world.business.pk})
    assert response.status_code == 200
    assert b"closed for interest" in response.content
    assert not Interest.objects.exists()


def test_note_too_long_is_a_field_error_linked_from_the_summary(client, world):
    response = signed_in(client, world.member).post(
        interest_url(world.lot),
        {"business": world.business.pk, "note": "x" * (NOTE_MAX_LENGTH + 1)},
    )
    assert response.status_code == 200
    assert "2000 characters" in response.context["form"].errors["note"][0]
    assert b'href="#id_note"' in response.content
    assert response.context["form"].data["note"]  # what they typed is kept
    assert not Interest.objects.exists()


def test_registering_twice_shows_the_service_refusal(client, world):
    interest_register(actor=world.member, business=world.business, lot=world.lot)
    response = signed_in(client, world.member).post(
        interest_url(world.lot), {"business": world.business.pk}
    )
    assert response.status_code == 200
    assert b"already registered interest" in response.content


def test_registering_for_a_business_the_user_does_not_belong_to_is_refused(client, world):
    response = signed_in(client, world.member).post(
        interest_url(world.lot), {"business": world.other.pk, "note": "sneaky"}
    )
    assert response.status_code == 200
    assert "business" in response.context["form"].errors
    assert not Interest.objects.exists()


@pytest.mark.parametrize("business", ["", "abc", "-1"])
def test_registering_with_a_garbled_business_is_a_form_error(client, world, business):
    response = signed_in(client, world.member).post(interest_url(world.lot), {"business": business})
    assert response.status_code == 200
    assert not Interest.objects.exists()


def test_interest_in_a_draft_lot_is_not_found(client, world):
    draft = ContractFactory(institution=world.buyer.institution)
    response = signed_in(client, world.member).get(interest_url(draft.lots.get()))
    assert response.status_code == 404


def test_member_of_several_businesses_chooses_which_registers(client, world):
    BusinessMember.objects.create(business=world.other, user=world.member)
    client = signed_in(client, world.member)
    page = client.get(interest_url(world.lot))
    body = page.content.decode()
    assert 'type="radio"' in body
    assert "<legend" in body
    assert world.business.name in body and world.other.name in body
    client.post(interest_url(world.lot), {"business": world.other.pk})
    assert Interest.objects.get().business == world.other


def test_withdrawing_interest(client, world):
    interest = interest_register(actor=world.member, business=world.business, lot=world.lot)
    response = signed_in(client, world.member).post(
        reverse("matching:interest_withdraw", args=[interest.interest.pk])
    )
    assert response.status_code == 302
    assert Interest.objects.get().status == Interest.Status.WITHDRAWN


def test_withdrawing_another_business_interest_is_not_found(client, world):
    interest = interest_register(actor=world.other_member, business=world.other, lot=world.lot)
    response = signed_in(client, world.member).post(
        reverse("matching:interest_withdraw", args=[interest.interest.pk])
    )
    assert response.status_code == 404
    assert Interest.objects.get().status == Interest.Status.REGISTERED


def test_withdrawing_twice_shows_the_refusal_as_a_message(client, world):
    interest = interest_register(actor=world.member, business=world.business, lot=world.lot)
    client = signed_in(client, world.member)
    url = reverse("matching:interest_withdraw", args=[interest.interest.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert b"Only a registered or shortlisted interest can be withdrawn" in response.content


# Buyer pages ---------------------------------------------------------------------------------


def test_officer_sees_own_lots_with_match_and_interest_counts(client, world):
    interest_register(actor=world.member, business=world.business, lot=world.lot)
    response = signed_in(client, world.buyer.officer).get(reverse("matching:officer_lots"))
    assert response.status_code == 200
    rows = {row["lot"].pk: row["lot"] for row in response.context["lots"]}
    assert set(rows) == {lot.pk for lot in world.buyer.lots}
    assert rows[world.lot.pk].match_count == Match.objects.filter(lot=world.lot).count() == 2
    assert rows[world.lot.pk].interest_count == 1
    body = response.content.decode()
    assert reverse("matching:officer_lot_detail", args=[world.lot.pk]) in body
    assert reverse("matching:officer_lot_detail", args=[world.elsewhere.lots[0].pk]) not in body


def test_officer_of_another_institution_cannot_see_the_lot(client, world):
    response = signed_in(client, world.elsewhere.officer).get(
        reverse("matching:officer_lot_detail", args=[world.lot.pk])
    )
    assert response.status_code == 404


def test_business_member_without_an_institution_cannot_see_buyer_pages(client, world):
    response = signed_in(client, world.member).get(
        reverse("matching:officer_lot_detail", args=[world.lot.pk])
    )
    assert response.status_code == 403


def test_officer_lot_page_ranks_matches_with_reasons_and_offers_decisions(client, world):
    interest_register(actor=world.member, business=world.business, lot=world.lot, note="Hello")
    response = signed_in(client, world.buyer.officer).get(
        reverse("matching:officer_lot_detail", args=[world.lot.pk])
    )
    assert response.status_code == 200
    matches = [row["match"] for row in response.context["matches"]]
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    body = response.content.decode()
    assert matches[0].reasons[0] in body
    assert "Hello" in body
    assert response.context["interests"][0]["form"] is not None
    assert 'value="shortlist"' in body and 'value="decline"' in body


def test_officer_shortlists_with_a_note_and_the_business_is_emailed(client, world):
    outcome = interest_register(actor=world.member, business=world.business, lot=world.lot)
    pk = outcome.interest.pk
    response = signed_in(client, world.buyer.officer).post(
        reverse("matching:interest_decide", args=[world.lot.pk, pk]),
        {
            f"interest-{pk}-decision": "shortlist",
            f"interest-{pk}-officer_note": "Come and meet us.",
        },
    )
    assert response.status_code == 302
    interest = Interest.objects.get(pk=pk)
    assert interest.status == Interest.Status.SHORTLISTED
    assert interest.officer_note == "Come and meet us."
    email = OutboundEmail.objects.get(kind="interest_shortlisted")
    assert email.to == world.member.email
    assert "Come and meet us." in email.body_text


def test_officer_declines_and_a_too_long_note_is_shown_on_that_form(client, world):
    outcome = interest_register(actor=world.member, business=world.business, lot=world.lot)
    pk = outcome.interest.pk
    url = reverse("matching:interest_decide", args=[world.lot.pk, pk])
    client = signed_in(client, world.buyer.officer)
    response = client.post(
        url, {f"interest-{pk}-decision": "decline", f"interest-{pk}-officer_note": "n" * 2001}
    )
    assert response.status_code == 200
    assert f'href="#id_interest-{pk}-officer_note"'.encode() in response.content
    assert Interest.objects.get(pk=pk).status == Interest.Status.REGISTERED
    response = client.post(url, {f"interest-{pk}-decision": "decline"})
    assert response.status_code == 302
    assert Interest.objects.get(pk=pk).status == Interest.Status.DECLINED


def test_deciding_a_withdrawn_interest_shows_the_refusal(client, world):
    outcome = interest_register(actor=world.member, business=world.business, lot=world.lot)
    Interest.objects.filter(pk=outcome.interest.pk).update(status=Interest.Status.WITHDRAWN)
    pk = outcome.interest.pk
    response = signed_in(client, world.buyer.officer).post(
        reverse("matching:interest_decide", args=[world.lot.pk, pk]),
        {f"interest-{pk}-decision": "shortlist"},
    )
    assert response.status_code == 200
    assert b"withdrew this interest" in response.content


def test_deciding_with_a_lot_id_that_does_not_hold_the_interest_is_not_found(client, world):
    outcome = interest_register(actor=world.member, business=world.business, lot=world.lot)
    pk = outcome.interest.pk
    response = signed_in(client, world.buyer.officer).post(
        reverse("matching:interest_decide", args=[world.buyer.lots[1].pk, pk]),
        {f"interest-{pk}-decision": "shortlist"},
    )
    assert response.status_code == 404
    assert Interest.objects.get(pk=pk).status == Interest.Status.REGISTERED


def test_officer_of_another_institution_cannot_decide(client, world):
    outcome = interest_register(actor=world.member, business=world.business, lot=world.lot)
    pk = outcome.interest.pk
    response = signed_in(client, world.elsewhere.officer).post(
        reverse("matching:interest_decide", args=[world.lot.pk, pk]),
        {f"interest-{pk}-decision": "decline"},
    )
    assert response.status_code == 404
    assert Interest.objects.get(pk=pk).status == Interest.Status.REGISTERED


def test_coordinator_reads_every_lot_but_cannot_decide(client, world):
    outcome = interest_register(actor=world.member, business=world.business, lot=world.lot)
    pk = outcome.interest.pk
    client = signed_in(client, CoordinatorFactory())
    lots = client.get(reverse("matching:officer_lots"))
    assert len(lots.context["lots"]) == 4  # two lots at each of the two institutions
    page = client.get(reverse("matching:officer_lot_detail", args=[world.lot.pk]))
    assert page.status_code == 200
    assert page.context["interests"][0]["form"] is None
    response = client.post(
        reverse("matching:interest_decide", args=[world.lot.pk, pk]),
        {f"interest-{pk}-decision": "shortlist"},
    )
    assert response.status_code == 200
    assert b"Only officers of" in response.content
    assert Interest.objects.get(pk=pk).status == Interest.Status.REGISTERED


def fresh(lot):
    return Lot.objects.select_related("contract").get(pk=lot.pk)


def test_officer_lot_page_shows_questions_and_links_to_record_the_award(client, world):
    question_ask(
        actor=world.member,
        business=world.business,
        lot=fresh(world.lot),
        text="Is there a kitchen?",
    )
    response = signed_in(client, world.buyer.officer).get(
        reverse("matching:officer_lot_detail", args=[world.lot.pk])
    )
    body = response.content.decode()
    assert [q.text for q in response.context["questions"]] == ["Is there a kitchen?"]
    assert "Is there a kitchen?" in body
    assert reverse("anchors:award_record", args=[world.lot.pk]) in body
    assert reverse("anchors:contract_detail", args=[world.buyer.contract.pk]) in body
    assert "govuk-table" in body and "govuk-summary-list" in body


def test_coordinator_sees_no_questions_nor_award_link(client, world):
    question_ask(
        actor=world.member,
        business=world.business,
        lot=fresh(world.lot),
        text="Is there a kitchen?",
    )
    response = signed_in(client, CoordinatorFactory()).get(
        reverse("matching:officer_lot_detail", args=[world.lot.pk])
    )
    body = response.content.decode()
    assert response.context["questions"] is None
    assert "Is there a kitchen?" not in body
    assert reverse("anchors:award_record", args=[world.lot.pk]) not in body


def test_officer_lot_page_query_count_is_pinned(client, world, django_assert_num_queries):
    interest_register(actor=world.member, business=world.business, lot=world.lot)
    question_ask(actor=world.member, business=world.business, lot=fresh(world.lot), text="Parking?")
    client = signed_in(client, world.buyer.officer)
    url = reverse("matching:officer_lot_detail", args=[world.lot.pk])
    client.get(url)
    with django_assert_num_queries(PINNED_LOT_PAGE_QUERIES):
        client.get(url)
    interest_register(actor=world.other_member, business=world.other, lot=world.lot)
    question_ask(actor=world.other_member, business=world.other, lot=fresh(world.lot), text="Vans?")
    with django_assert_num_queries(PINNED_LOT_PAGE_QUERIES):  # no query per row
        client.get(url)


PINNED_LOT_PAGE_QUERIES = 16


def test_decision_without_a_choice_is_a_form_error(client, world):
    outcome = interest_register(actor=world.member, business=world.business, lot=world.lot)
    response = signed_in(client, world.buyer.officer).post(
        reverse("matching:interest_decide", args=[world.lot.pk, outcome.interest.pk]),
        {f"interest-{outcome.interest.pk}-decision": "award-it"},
    )
    assert response.status_code == 200
    assert Interest.objects.get().status == Interest.Status.REGISTERED


# Email alerts --------------------------------------------------------------------------------


def test_alert_preferences_turn_the_digest_off_and_on(client):
    user = UserFactory()
    client = signed_in(client, user)
    page = client.get(reverse("matching:alert_preferences"))
    assert page.status_code == 200
    assert b"checked" in page.content
    assert b'class="govuk-checkboxes__input" id="id_match_digest"' in page.content
    assert (
        b'<label class="govuk-label govuk-checkboxes__label" for="id_match_digest">' in page.content
    )
    client.post(reverse("matching:alert_preferences"), {})
    assert User.objects.get(pk=user.pk).match_digest is False
    client.post(reverse("matching:alert_preferences"), {"match_digest": "on"})
    assert User.objects.get(pk=user.pk).match_digest is True


def test_unsubscribe_link_asks_first_then_turns_the_digest_off_without_sign_in(client):
    user = UserFactory()
    url = reverse("matching:digest_unsubscribe", args=[unsubscribe_token(user)])
    page = client.get(url)
    assert page.status_code == 200
    assert b"csrfmiddlewaretoken" in page.content
    assert User.objects.get(pk=user.pk).match_digest is True  # a GET changes nothing
    done = client.post(url)
    assert done.status_code == 200
    assert user.email.encode() in done.content
    assert User.objects.get(pk=user.pk).match_digest is False


@pytest.mark.parametrize("method", ["get", "post"])
def test_invalid_unsubscribe_token_is_a_clear_400(client, method):
    url = reverse("matching:digest_unsubscribe", args=["not-a-real-token"])
    response = getattr(client, method)(url)
    assert response.status_code == 400
    assert b"This unsubscribe link is not valid" in response.content


def test_unsubscribe_for_a_deleted_user_is_a_clear_400(client):
    user = UserFactory()
    url = reverse("matching:digest_unsubscribe", args=[unsubscribe_token(user)])
    user.delete()
    response = client.post(url)
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("matching:match_detail", [99999999999999999999999]),
        ("matching:interest_register", [99999999999999999999999]),
        ("matching:officer_lot_detail", [99999999999999999999999]),
    ],
)
def test_absurd_ids_are_not_found_not_a_crash(client, world, name, args):
    BusinessMember.objects.create(business=world.business, user=world.buyer.officer)
    response = signed_in(client, world.buyer.officer).get(reverse(name, args=args))
    assert response.status_code == 404


def test_interest_page_shows_a_current_interest_instead_of_offering_the_form(client, world):
    interest_register(actor=world.member, business=world.business, lot=world.lot)
    page = signed_in(client, world.member).get(interest_url(world.lot))
    assert page.status_code == 200
    assert page.context["can_register"] is False
    assert b"Registered" in page.content
    assert b"Nothing stands in the way" not in page.content
