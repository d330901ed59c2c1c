"""The opportunity page and the home page: what the public sees, and the calls to action."""

from decimal import Decimal

import pytest
from django.urls import reverse

from anchors.models import Institution, Lot
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from suppliers.models import BusinessMember
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory, QuestionFactory, officer_of
from tests.matching.factories import (
    MatchFactory,
    award_lot,
    cancel_lot,
    close_lot,
    matching_business,
    open_lot,
)
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def detail_url(lot) -> str:
    return reverse("opportunities:detail", args=[lot.pk])


def page(client, lot) -> str:
    response = client.get(detail_url(lot))
    assert response.status_code == 200
    return response.content.decode()


def member_of(business):
    user = UserFactory()
    BusinessMember.objects.create(business=business, user=user, role=BusinessMember.Role.OWNER)
    return user


# Who can see it -------------------------------------------------------------------------------


def test_drafts_cancelled_and_missing_lots_are_404(client):
    draft = open_lot(published=False)
    cancelled = cancel_lot(open_lot())

    assert client.get(detail_url(draft)).status_code == 404
    assert client.get(detail_url(cancelled)).status_code == 404
    assert client.get("/opportunities/999999/").status_code == 404
    assert client.get("/opportunities/abc/").status_code == 404


def test_a_draft_is_404_even_for_its_own_officer(client):
    draft = open_lot(published=False)
    client.force_login(officer_of(draft.contract.institution))

    assert client.get(detail_url(draft)).status_code == 404


def test_closed_lot_is_shown_with_a_closed_tag_and_no_call_to_register(client):
    lot = close_lot(open_lot())

    html = page(client, lot)

    assert "Closed</strong>" in html
    assert "no longer takes interest" in html
    assert "Sign in to register interest" not in html


def test_awarded_lot_says_so(client):
    lot = open_lot()
    award_lot(lot)

    assert "This lot has been awarded" in page(client, lot)


# What it shows --------------------------------------------------------------------------------


def test_shows_lot_contract_buyer_location_and_codes(client):
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    institution = InstitutionFactory(name="Heartlands Hospital Trust")
    lot = open_lot(institution=institution, target_area=area, description="Hot school lunches.")

    html = page(client, lot)

    assert lot.title in html
    assert "Hot school lunches." in html
    assert lot.contract.title in html
    assert "Heartlands Hospital Trust" in html
    assert "B9 4AA" in html
    assert "Promoted to businesses in East Birmingham" in html
    assert "Catering services (CPV 55520000)" in html
    assert "Open for interest" in html


def test_shows_value_excluding_and_including_vat(client):
    lot = open_lot(value="40000")

    html = page(client, lot)

    assert "£40,000" in html
    assert "£48,000" in html  # 20% VAT


def test_vat_exempt_value_says_so(client):
    lot = open_lot(value="40000")
    lot.contract.vat_exempt = True
    lot.contract.save(update_fields=["vat_exempt"])

    assert "£40,000 (exempt from VAT)" in page(client, lot)


def test_target_districts_in_words(client):
    lot = open_lot(target_districts=["B9", "B10", "B33"])

    assert "Promoted to businesses in postcode districts B9, B10 and B33" in page(client, lot)


def test_open_lot_explains_anyone_may_register(client):
    assert "Open to all suppliers: any business can register interest." in page(client, open_lot())


def test_sme_reservation_in_plain_english(client):
    lot = open_lot(value="20000", reservation_suppliers=Lot.SupplierReservation.SME)

    html = page(client, lot)

    assert (
        "Reserved for small and medium-sized enterprises (SMEs): only businesses with fewer "
        "than 250 staff can register interest." in html
    )
    assert "under the 2026 Order" in html


def test_vcse_reservation_in_plain_english(client):
    lot = open_lot(value="20000", reservation_suppliers=Lot.SupplierReservation.VCSE)

    assert "Reserved for voluntary, community and social enterprises (VCSEs)" in page(client, lot)


def test_location_reservation_names_the_area(client):
    lot = open_lot(value="20000", reservation_location=Lot.LocationReservation.AUTHORITY_AREA)

    html = page(client, lot)

    assert "Reserved for suppliers based in Birmingham: only businesses based in Birmingham" in html


def test_county_reservation_under_ppn_005_names_the_county(client):
    institution = InstitutionFactory(reservation_regime=Institution.Regime.PPN_005)
    lot = open_lot(
        institution=institution,
        value="20000",
        reservation_suppliers=Lot.SupplierReservation.SME,
        reservation_location=Lot.LocationReservation.COUNTY,
        reservation_rationale="Local supply chains for the county's schools.",
    )

    html = page(client, lot)

    assert "Reserved for suppliers based in West Midlands" in html
    assert "fewer than 250 staff" in html
    assert "under PPN 005" in html
    assert "Local supply chains for the county&#x27;s schools." in html


def test_find_a_tender_link_when_the_contract_has_a_notice(client):
    lot = open_lot(value="40000")
    lot.contract.find_a_tender_ref = "012345-2026"
    lot.contract.save(update_fields=["find_a_tender_ref"])

    html = page(client, lot)

    assert 'href="https://www.find-tender.service.gov.uk/Notice/012345-2026"' in html


def test_no_find_a_tender_link_without_a_notice(client):
    assert "find-tender.service.gov.uk" not in page(client, open_lot(value="10000"))


def test_required_certifications_are_listed(client):
    from tests.suppliers.factories import CertificationFactory

    lot = open_lot()
    lot.required_certifications.add(CertificationFactory(name="Food hygiene rating 5"))

    assert "Food hygiene rating 5" in page(client, lot)


# Calls to action per role ---------------------------------------------------------------------


def test_anonymous_is_asked_to_sign_in(client):
    lot = open_lot()

    html = page(client, lot)

    assert "Sign in to register interest" in html
    assert f"/accounts/login/?next=%2Fopportunities%2F{lot.pk}%2F" in html
    assert reverse("matching:interest_register", args=[lot.pk]) not in html
    assert 'action="/opportunities/' not in html  # no question form


def test_business_member_gets_register_interest_and_the_question_form(client):
    lot = open_lot()
    user = member_of(matching_business())
    client.force_login(user)

    html = page(client, lot)

    assert f'href="{reverse("matching:interest_register", args=[lot.pk])}"' in html
    assert f'action="{reverse("opportunities:ask", args=[lot.pk])}"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Which business is asking?" not in html  # only one business: no choice
    assert "See why this matches" not in html  # no match stored


def test_member_whose_business_matches_sees_why(client):
    lot = open_lot()
    business = matching_business()
    match = MatchFactory(lot=lot, business=business)
    client.force_login(member_of(business))

    html = page(client, lot)

    assert f'href="{reverse("matching:match_detail", args=[match.pk])}"' in html
    assert "See why this matches" in html


def test_member_of_several_businesses_chooses_which_asks(client):
    lot = open_lot()
    user = member_of(BusinessFactory(name="Alpha Catering"))
    BusinessMember.objects.create(business=BusinessFactory(name="Beta Cleaning"), user=user)
    client.force_login(user)

    html = page(client, lot)

    assert "Which business is asking?" in html
    assert "Alpha Catering" in html and "Beta Cleaning" in html


def test_signed_in_user_without_business_is_told_to_add_one(client):
    client.force_login(UserFactory())

    html = page(client, open_lot())

    assert "your account must belong to a business" in html
    assert "Sign in to register interest" not in html


def test_officer_of_the_institution_gets_links_to_manage_and_answer(client):
    lot = open_lot()
    client.force_login(officer_of(lot.contract.institution))

    html = page(client, lot)

    assert reverse("opportunities:officer_questions", args=[lot.pk]) in html
    assert reverse("matching:officer_lot_detail", args=[lot.pk]) in html


def test_officer_of_another_institution_and_coordinator_get_no_officer_links(client):
    lot = open_lot()
    for user in [officer_of(InstitutionFactory()), CoordinatorFactory()]:
        client.force_login(user)
        html = page(client, lot)
        assert reverse("opportunities:officer_questions", args=[lot.pk]) not in html


def test_detail_query_count_does_not_grow_with_questions(client, django_assert_num_queries):
    lot = open_lot()
    business = matching_business()
    for _ in range(5):
        question = QuestionFactory(lot=lot, business=business)
        question.answer, question.answered_at = "Yes.", lot.contract.published_at
        question.save()

    # the lot, its codes, certifications, published questions
    with django_assert_num_queries(4):
        client.get(detail_url(lot))


# Home page ------------------------------------------------------------------------------------


def test_home_shows_live_counts_and_latest_hyper_local_lots(client, django_assert_num_queries):
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    local = [open_lot(value="10000", target_area=area) for _ in range(6)]
    open_lot(value="5000")
    close_lot(open_lot(value="70000", target_area=area))  # closed: not counted
    open_lot(value="9000", published=False, target_districts=["B9"])  # draft: not counted
    BusinessFactory.create_batch(3)
    BusinessFactory(is_active=False)

    # counts, businesses, latest lots, their codes
    with django_assert_num_queries(4):
        response = client.get(reverse("opportunities:home"))

    html = response.content.decode()
    figures = response.context["figures"]
    assert figures.open_lots == 7
    assert figures.open_value == Decimal("65000")
    assert figures.hyper_local_lots == 6
    assert figures.businesses == 3
    assert "£65,000" in html
    assert [lot.pk for lot in figures.latest_hyper_local] == [lot.pk for lot in local[:0:-1]]
    assert html.count('class="ll-result"') == 5
    assert 'action="/opportunities/"' in html
    assert 'name="q"' in html
    assert reverse("accounts:signup") in html
    assert reverse("accounts:login") in html
