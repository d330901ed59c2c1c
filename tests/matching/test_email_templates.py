"""The match digest and interest decision emails: what they say and where their links go."""

from decimal import Decimal

import pytest
from django.urls import reverse

from matching import notifications
from matching.models import Interest, Match
from matching.notifications import digest_email, interest_decision_email, unsubscribe_user_id
from matching.services import interest_decline, interest_register, interest_shortlist
from tests.matching.test_views import business_with_owner, published_contract

pytestmark = pytest.mark.django_db


def digest_for(business, member):
    matches = list(
        Match.objects.filter(business=business)
        .select_related("lot__contract__institution", "business")
        .order_by("-score", "pk")
    )
    return digest_email(user=member, business=business, matches=matches), matches


@pytest.fixture
def digest(settings):
    settings.SITE_URL = "https://locallots.example"
    business, member = business_with_owner(
        name="Smith & O'Brien Catering", max_contract_value=Decimal("5000")
    )
    published_contract()
    email, matches = digest_for(business, member)
    return email, matches, member


def test_digest_text_lists_each_match_with_its_facts_reasons_warnings_and_link(digest):
    email, matches, _member = digest
    text = email["body_text"]
    assert len(matches) == 2
    for match in matches:
        lot = match.lot
        assert lot.title in text
        assert lot.contract.title in text
        assert lot.contract.institution.name in text
        assert f"£{int(lot.value):,}" in text
        assert f"{match.score_percent}%" in text
        for sentence in match.reasons + match.warnings:
            assert sentence in text
        assert f"https://locallots.example/business/matches/{match.pk}/" in text
    assert matches[0].warnings  # lots beyond the £5,000 limit warn, and the email says so
    assert "you can still register interest" in text


def test_digest_text_is_not_html_escaped(digest):
    email, _matches, _member = digest
    assert "Smith & O'Brien Catering" in email["body_text"]
    assert "&amp;" not in email["body_text"] and "&#x27;" not in email["body_text"]
    assert "Smith &amp; O&#x27;Brien Catering" in email["body_html"]


def test_digest_footer_links_to_my_matches_preferences_and_a_working_unsubscribe(digest, client):
    email, _matches, member = digest
    my_matches = "https://locallots.example" + reverse("matching:my_matches")
    preferences = "https://locallots.example" + reverse("matching:alert_preferences")
    for body in (email["body_text"], email["body_html"]):
        assert my_matches in body
        assert preferences in body
        assert "https://locallots.example/alerts/unsubscribe/" in body
    path = next(
        word
        for word in email["body_text"].split()
        if word.startswith("https://locallots.example/alerts/unsubscribe/")
    ).removeprefix("https://locallots.example")
    token = path.split("/")[3]
    assert unsubscribe_user_id(token) == member.pk
    assert client.get(path).status_code == 200
    client.post(path)
    member.refresh_from_db()
    assert member.match_digest is False


def test_digest_html_is_a_simple_document_with_links_and_reasons(digest):
    email, matches, _member = digest
    html = email["body_html"]
    assert html.lstrip().startswith("<!doctype html>")
    assert '<html lang="en-GB">' in html
    assert "<script" not in html and "<link" not in html
    for match in matches:
        assert f'href="https://locallots.example/business/matches/{match.pk}/"' in html
        assert match.reasons[0].replace("'", "&#x27;") in html


def test_digest_summarises_matches_beyond_the_limit(digest, monkeypatch):
    _email, matches, member = digest
    monkeypatch.setattr(notifications, "DIGEST_MAX_MATCHES", 1)
    email = digest_email(user=member, business=matches[0].business, matches=matches)
    assert "And 1 more" in email["body_text"]
    assert "And 1 more" in email["body_html"]
    assert matches[1].lot.title not in email["body_text"]
    assert email["subject"].startswith("2 new opportunities")


def test_digest_for_one_match_speaks_in_the_singular(settings):
    business, member = business_with_owner(name="Solo Soups")
    published_contract()
    matches = list(Match.objects.filter(business=business)[:1])
    email = digest_email(user=member, business=business, matches=matches)
    assert "1 new opportunity that suits Solo Soups" in email["body_text"]


def decided(decide, note):
    business, member = business_with_owner(name="Ward End Wraps")
    buyer = published_contract()
    interest = interest_register(actor=member, business=business, lot=buyer.lots[0]).interest
    interest = decide(actor=buyer.officer, interest=interest, note=note)
    return interest_decision_email(interest=Interest.objects.get(pk=interest.pk)), buyer, member


def test_shortlist_email_names_buyer_lot_and_note_and_links_to_interests(settings):
    settings.SITE_URL = "https://locallots.example"
    emails, buyer, member = decided(interest_shortlist, "We'd like to meet you on Tuesday.")
    assert [email["to"] for email in emails] == [member.email]
    text = emails[0]["body_text"]
    assert f"{buyer.institution.name} has shortlisted Ward End Wraps" in text
    assert buyer.lots[0].title in text
    assert "We'd like to meet you on Tuesday." in text
    assert "https://locallots.example" + reverse("matching:my_interests") in text


def test_decline_email_says_so_and_encourages_other_bids():
    emails, _buyer, _member = decided(interest_decline, "")
    text = emails[0]["body_text"]
    assert "has declined Ward End Wraps's interest" in text
    assert "Their note" not in text
    assert "any other opportunity" in text
