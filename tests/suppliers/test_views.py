"""The business profile pages: start, the question pages, check your answers, the summary.

Per role (anonymous, a user with no business, a member, a member of another business), and the
bad input every form must survive: each step's errors, tampered sessions and posts, oversized
answers, other people's business ids.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from matching.models import Match
from suppliers import views
from suppliers.forms import PROFILE_STEPS
from suppliers.models import Business, BusinessMember
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.matching.factories import CATERING, SCHOOL_MEALS, cpv_codes, open_lot
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("suppliers:profile")
CHECK = reverse("suppliers:profile_check")

ANSWERS = {
    "about": {
        "name": "Saltley Soup Co",
        "legal_form": "cic",
        "companies_house_number": "sc 123456",
        "charity_number": "",
        "description": "Hot lunches for schools and offices.",
        "website": "soup.example.org",
        "social_enterprise_declared": "on",
        "public_profile": "on",
    },
    "location": {"postcode": "b9 4aa"},
    "sectors": {"sector_codes": f"{CATERING}, {SCHOOL_MEALS}"},
    "size": {
        "staff_headcount": "6",
        "annual_turnover": "£250,000",
        "max_contract_value": "60000",
        "concurrent_capacity": "2",
    },
    "certifications": {"certification_slugs": ["cyber-essentials"]},
}


def step_url(step, business=None):
    url = reverse("suppliers:profile_step", args=[step])
    return f"{url}?business={business.pk}" if business else url


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def person(client):
    cpv_codes(CATERING, SCHOOL_MEALS)
    user = UserFactory()
    return signed_in(client, user), user


def answer_all(client, business=None, answers=ANSWERS):
    for step, data in answers.items():
        response = client.post(step_url(step, business), data)
        assert response.status_code == 302, (
            step,
            response.context and response.context["form"].errors,
        )
    return response


# Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        PROFILE,
        CHECK,
        reverse("suppliers:profile_done"),
        reverse("suppliers:profile_step", args=["about"]),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_without_a_business_sees_the_start_page(person):
    client, _user = person
    response = client.get(PROFILE)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">Add your business</h1>' in body
    assert step_url("about") in body and "govuk-button--start" in body


def test_sign_up_leads_to_adding_a_business(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Priya Patel",
            "email": "priya@example.org",
            "password": "sparkbrook-bakery-2026",
            "password_confirm": "sparkbrook-bakery-2026",
        },
    )
    assert response["Location"] == PROFILE
    assert b"Add your business" in client.get(PROFILE).content


def test_someone_elses_business_is_not_found_on_every_page(client):
    other = BusinessFactory(name="Elsewhere Ltd", owner=UserFactory())
    client = signed_in(client, BusinessFactory(owner=UserFactory()).members.get().user)
    for url in [
        f"{PROFILE}?business={other.pk}",
        step_url("about", other),
        f"{CHECK}?business={other.pk}",
        f"{reverse('suppliers:profile_done')}?business={other.pk}",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Elsewhere Ltd" not in response.content
    response = client.post(step_url("about", other), ANSWERS["about"])
    assert response.status_code == 404
    assert Business.objects.get(pk=other.pk).name == "Elsewhere Ltd"


def test_a_coordinator_cannot_edit_a_business_here(client):
    business = BusinessFactory(owner=UserFactory())
    client = signed_in(client, CoordinatorFactory())
    assert client.get(f"{PROFILE}?business={business.pk}").status_code == 404
    assert client.post(f"{CHECK}?business={business.pk}").status_code == 404


@pytest.mark.parametrize("raw", ["abc", "-1", "1.5", "99999999999999999999999", "0"])
def test_garbled_business_ids_are_not_found(person, raw):
    client, _user = person
    assert client.get(f"{PROFILE}?business={raw}").status_code == 404
    assert client.get(f"{step_url('about')}?business={raw}").status_code == 404


def test_an_unknown_step_is_not_found(person):
    client, _user = person
    assert client.get(reverse("suppliers:profile_step", args=["nonsense"])).status_code == 404


# Adding a business --------------------------------------------------------------------------


def test_each_step_leads_to_the_next_then_to_check_your_answers(person):
    client, _user = person
    slugs = [step.slug for step in PROFILE_STEPS]
    for index, slug in enumerate(slugs):
        response = client.post(step_url(slug), ANSWERS[slug])
        expected = step_url(slugs[index + 1]) if index + 1 < len(slugs) else CHECK
        assert response["Location"] == expected
    assert not Business.objects.exists()  # nothing is saved before the answers are confirmed


def test_check_your_answers_lists_every_answer_with_change_links(person):
    client, _user = person
    answer_all(client)
    response = client.get(CHECK)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-summary-list" in body
    for text in [
        "Saltley Soup Co",
        "Community interest company (CIC)",
        "SC123456",
        "B9 4AA",
        f"{CATERING} Catering services",
        f"{SCHOOL_MEALS} School-meal services",
        "£250,000.00 a year",
        "£60,000.00 excluding VAT",
        "Cyber Essentials",
        "Yes, show it to the public",
    ]:
        assert text in body, text
    assert f'href="{step_url("location")}#id_postcode"' in body
    assert 'Change<span class="govuk-visually-hidden"> postcode</span>' in body
    # radios and checkboxes: the link lands on the first option, as the error summary's do
    assert f'href="{step_url("about")}#id_legal_form_0"' in body
    assert f'href="{step_url("certifications")}#id_certification_slugs_0"' in body
    assert body.count("csrfmiddlewaretoken") == body.count('method="post"')


def test_confirming_creates_the_business_and_matches_it_with_open_lots(
    person, django_capture_on_commit_callbacks
):
    client, user = person
    lot = open_lot(cpv=[CATERING])
    answer_all(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHECK)
    business = Business.objects.get(name="Saltley Soup Co")
    assert response["Location"] == f"{reverse('suppliers:profile_done')}?business={business.pk}"
    assert business.members.get().user == user
    assert business.postcode == "B9 4AA"
    assert business.companies_house_number == "SC123456"
    assert business.annual_turnover == Decimal("250000")
    assert business.is_vcse and business.public_profile
    assert sorted(business.sector_links.values_list("cpv_code_id", flat=True)) == sorted(
        [CATERING, SCHOOL_MEALS]
    )
    assert list(business.certifications.values_list("slug", flat=True)) == ["cyber-essentials"]
    assert Match.objects.filter(business=business, lot=lot).exists()

    done = client.get(response["Location"])
    assert b"govuk-panel" in done.content
    assert reverse("matching:my_matches").encode() in done.content
    matches = client.get(reverse("matching:my_matches"))
    assert lot.title in matches.content.decode()
    # the answers are gone: the next business starts afresh
    assert client.get(CHECK)["Location"] == step_url("about")


def test_check_page_before_every_step_is_answered_goes_to_the_first_missing_step(person):
    client, _user = person
    client.post(step_url("about"), ANSWERS["about"])
    client.post(step_url("sectors"), ANSWERS["sectors"])
    assert client.get(CHECK)["Location"] == step_url("location")
    assert client.post(CHECK)["Location"] == step_url("location")
    assert not Business.objects.exists()


def test_a_step_answered_again_keeps_what_was_typed(person):
    client, _user = person
    client.post(step_url("about"), ANSWERS["about"])
    page = client.get(step_url("about"))
    assert 'value="Saltley Soup Co"' in page.content.decode()
    assert page.context["form"].errors == {}
    assert b'<a href="' + PROFILE.encode() + b'" class="govuk-back-link">' in page.content


@pytest.mark.parametrize(
    ("step", "change", "field", "anchor", "message"),
    [
        ("about", {"name": ""}, "name", "id_name", "Enter your business name"),
        (
            "about",
            {"legal_form": ""},
            "legal_form",
            "id_legal_form_0",
            "Select your business’s legal form",
        ),
        (
            "about",
            {"legal_form": "plc-of-doom"},
            "legal_form",
            "id_legal_form_0",
            "Select one of the legal forms",
        ),
        (
            "about",
            {"companies_house_number": "12"},
            "companies_house_number",
            "id_companies_house_number",
            "8 characters",
        ),
        (
            "about",
            {"charity_number": "CH-1"},
            "charity_number",
            "id_charity_number",
            "charity number",
        ),
        (
            "about",
            {"website": "not a website"},
            "website",
            "id_website",
            "Enter your website’s address",
        ),
        ("location", {"postcode": ""}, "postcode", "id_postcode", "Enter your business’s postcode"),
        ("location", {"postcode": "nowhere"}, "postcode", "id_postcode", "postcode"),
        (
            "sectors",
            {"sector_codes": "5552"},
            "sector_codes",
            "id_sector_codes",
            "is not a CPV code",
        ),
        (
            "sectors",
            {"sector_codes": "55529999"},
            "sector_codes",
            "id_sector_codes",
            "not in the CPV",
        ),
        (
            "size",
            {"staff_headcount": "lots"},
            "staff_headcount",
            "id_staff_headcount",
            "whole number",
        ),
        (
            "size",
            {"staff_headcount": "-3"},
            "staff_headcount",
            "id_staff_headcount",
            "must be 0 or more",
        ),
        (
            "size",
            {"annual_turnover": "a fortune"},
            "annual_turnover",
            "id_annual_turnover",
            "must be an amount in pounds",
        ),
        (
            "size",
            {"max_contract_value": "-5"},
            "max_contract_value",
            "id_max_contract_value",
            "must be £0 or more",
        ),
        (
            "size",
            {"concurrent_capacity": "0"},
            "concurrent_capacity",
            "id_concurrent_capacity",
            "must be 1 or more",
        ),
        (
            "certifications",
            {"certification_slugs": ["made-up"]},
            "certification_slugs",
            "id_certification_slugs_0",
            "Select certifications from the list",
        ),
    ],
)
def test_each_step_shows_specific_errors_linked_from_the_summary(
    person, step, change, field, anchor, message
):
    client, _user = person
    response = client.post(step_url(step), {**ANSWERS[step], **change})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    body = response.content.decode()
    assert "govuk-error-summary" in body and f'href="#{anchor}"' in body
    assert f'id="{anchor}"' in body
    assert "<title>Error: " in body
    assert step not in client.session.get(views.SESSION_KEY, {}).get("new", {})


def test_oversized_answers_are_errors_not_crashes(person):
    client, _user = person
    about = client.post(
        step_url("about"),
        {**ANSWERS["about"], "name": "n" * 10_000, "description": "d" * 100_000},
    )
    assert set(about.context["form"].errors) == {"name", "description"}
    size = client.post(
        step_url("size"),
        {**ANSWERS["size"], "staff_headcount": "9" * 40, "annual_turnover": "9" * 40},
    )
    assert set(size.context["form"].errors) == {"staff_headcount", "annual_turnover"}
    codes = ", ".join(f"{n:08d}" for n in range(10_000_000, 10_030_000))
    sectors = client.post(step_url("sectors"), {"sector_codes": codes})
    assert sectors.status_code == 200
    assert "characters" in sectors.context["form"].errors["sector_codes"][0]
    many = ", ".join([CATERING] * 1 + [f"{n:08d}" for n in range(55000001, 55000060)])
    too_many = client.post(step_url("sectors"), {"sector_codes": many})
    assert "at most 50" in too_many.context["form"].errors["sector_codes"][0]


@pytest.mark.parametrize(
    "stored",
    [
        "not a dict",
        {"new": "nor this"},
        {"new": {"about": ["a", "list"], "location": {"postcode": {"a": "dict"}}}},
        {"new": {"about": {"name": 5, "legal_form": None, "evil": "x"}, "_errors": "x"}},
        {"new": {"_errors": {"postcode": ["Planted", 7], "nope": ["x"], "name": "x"}}},
    ],
)
def test_a_tampered_session_never_crashes(person, stored):
    client, _user = person
    session = client.session
    session[views.SESSION_KEY] = stored
    session.save()
    for url in [CHECK, PROFILE, *(step_url(step.slug) for step in PROFILE_STEPS)]:
        assert client.get(url).status_code in (200, 302), url
    assert client.post(CHECK).status_code == 302
    assert not Business.objects.exists()


def test_stored_answers_that_no_longer_hold_send_the_check_page_back_to_their_step(person):
    client, _user = person
    answer_all(client)
    session = client.session
    session[views.SESSION_KEY]["new"]["location"] = {"postcode": "not a postcode"}
    session.save()
    assert client.post(CHECK)["Location"] == step_url("location")
    page = client.get(step_url("location"))
    assert page.context["form"].errors["postcode"]
    assert not Business.objects.exists()


def test_a_refusal_from_the_service_is_shown_on_the_check_page_and_its_step(person, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError({"postcode": ["We cannot find B9 4AA."], "__all__": ["Try again."]})

    monkeypatch.setattr(views, "business_create", refuse)
    client, _user = person
    answer_all(client)
    response = client.post(CHECK)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert f'<a href="{step_url("location")}#id_postcode">We cannot find B9 4AA.</a>' in body
    assert "<li>Try again.</li>" in body
    step = client.get(step_url("location"))
    assert step.context["form"].errors["postcode"] == ["We cannot find B9 4AA."]
    client.post(step_url("location"), {"postcode": "B10 0AA"})
    assert client.get(step_url("location")).context["form"].errors == {}


def test_every_form_carries_a_csrf_token_and_refuses_a_post_without_one(person):
    client, user = person
    answer_all(client)
    for url in [*(step_url(step.slug) for step in PROFILE_STEPS), CHECK]:
        body = client.get(url).content.decode()
        assert body.count("csrfmiddlewaretoken") == body.count('method="post"'), url
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(step_url("location"), {"postcode": "B9 4AA"}).status_code == 403


def test_the_sectors_step_uses_the_cpv_picker_that_works_without_javascript(person):
    client, _user = person
    body = client.get(step_url("sectors")).content.decode()
    assert (
        '<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for="id_sector_codes">'
        in body
    )
    assert 'data-module="cpv-picker"' in body and "<textarea" in body
    assert "js/cpv-picker.js" in body


# A business that exists ---------------------------------------------------------------------


@pytest.fixture
def member(client):
    cpv_codes(CATERING, SCHOOL_MEALS)
    user = UserFactory()
    business = BusinessFactory(name="Bordesley Bakes", owner=user, sector_codes=[CATERING])
    return signed_in(client, user), user, business


def test_the_profile_page_summarises_the_business_with_change_links(member):
    client, _user, business = member
    response = client.get(PROFILE)
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "Bordesley Bakes" in body and "B9 4AA" in body and f"{CATERING} Catering services" in body
    )
    assert f'href="{step_url("about", business)}#id_name"' in body
    assert reverse("matching:my_matches") in body


def test_editing_goes_through_the_same_steps_prefilled_then_saves_only_changes(
    member, django_capture_on_commit_callbacks
):
    client, _user, business = member
    page = client.get(step_url("about", business))
    assert 'value="Bordesley Bakes"' in page.content.decode()
    response = client.post(
        step_url("about", business), {**ANSWERS["about"], "name": "Bordesley Bread"}
    )
    assert response["Location"] == f"{CHECK}?business={business.pk}"  # every step is answered
    check = client.get(response["Location"])
    assert "Bordesley Bread" in check.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(f"{CHECK}?business={business.pk}")
    assert saved["Location"] == f"{PROFILE}?business={business.pk}"
    business.refresh_from_db()
    assert business.name == "Bordesley Bread"
    assert business.postcode == "B9 4AA"
    assert list(business.sector_links.values_list("cpv_code_id", flat=True)) == [CATERING]
    assert Business.objects.count() == 1
    assert b"Your business profile is saved" in client.get(saved["Location"]).content


def test_the_profile_page_drops_unconfirmed_changes(member):
    client, _user, business = member
    client.post(step_url("location", business), {"postcode": "B10 0AA"})
    client.get(PROFILE)
    page = client.get(step_url("location", business))
    assert 'value="B9 4AA"' in page.content.decode()


def test_a_member_of_several_businesses_chooses_one(member):
    client, user, business = member
    second = BusinessFactory(name="Adderley Apps")
    BusinessMember.objects.create(business=second, user=user)
    response = client.get(PROFILE)
    body = response.content.decode()
    assert f"?business={second.pk}" in body and f"?business={business.pk}" in body
    chosen = client.get(f"{PROFILE}?business={second.pk}")
    assert chosen.context["business"] == second


def test_adding_another_business_keeps_the_first(member, django_capture_on_commit_callbacks):
    client, user, business = member
    answer_all(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHECK)
    assert Business.objects.filter(members__user=user).count() == 2
    assert Business.objects.get(pk=business.pk).name == "Bordesley Bakes"
