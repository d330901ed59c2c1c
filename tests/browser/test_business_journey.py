"""A business's journeys in Chromium: from signing up, through the profile wizard, to finding a
hyper-local lot, seeing why it matches, registering interest, asking the buyer a question and
withdrawing; the same without JavaScript; the interest a reservation refuses and the one a
capacity warning only cautions about; and the email alert settings.

Every page visited is audited with axe-core (WCAG 2.2 A/AA) and screenshotted. The data is made
with the factories; matching runs for real (Celery is eager) when the profile is confirmed.
"""

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from accounts.models import User
from anchors.models import Question
from anchors.services import contract_publish, lot_set_reservation
from matching.models import Interest, Match
from places.areas import EAST_BIRMINGHAM_SLUG
from places.models import NamedArea
from suppliers.models import Business
from tests.accounts.factories import UserFactory
from tests.anchors.factories import ContractFactory, InstitutionFactory, officer_of
from tests.browser.journeys import (
    audit,
    check_option,
    choose_option,
    error_summary,
    expect_error_summary,
    fill_field,
    sign_in,
    sign_up,
    submit,
    visit,
)
from tests.matching.factories import CATERING, CONSTRUCTION, cpv_codes, open_lot
from tests.suppliers.factories import BusinessFactory

LOT_TITLE = "Hot lunches for the Saltley day centre"
OTHER_TITLE = "Roof repairs at the Coventry depot"
BUSINESS = "Alum Rock Kitchen Ltd"


# Data ----------------------------------------------------------------------------------------


def east_birmingham_catering_lot():
    """A published, open catering lot worth £20,000 aimed at East Birmingham, and a lot
    elsewhere (construction, not hyper-local) that the filters must leave out."""
    institution = InstitutionFactory(name="Heartlands Community Trust")
    officer_of(institution)
    area = NamedArea.objects.get(slug=EAST_BIRMINGHAM_SLUG)
    lot = open_lot(
        cpv=[CATERING],
        value=Decimal("20000.00"),
        institution=institution,
        delivery_postcode="B9 4AA",
        title=LOT_TITLE,
        target_area=area,
    )
    other = open_lot(
        cpv=[CONSTRUCTION],
        value=Decimal("90000.00"),
        institution=institution,
        delivery_postcode="CV1 2AA",
        title=OTHER_TITLE,
    )
    other.contract.title = "Depot maintenance"
    other.contract.save(update_fields=["title"])
    return lot


def published_reserved_lot(*, suppliers: str, value: str = "20000", title: str):
    """A one-lot contract below the threshold, reserved through ``lot_set_reservation`` (which
    refuses unlawful reservations) and published through ``contract_publish``."""
    cpv_codes(CATERING)
    institution = InstitutionFactory(name="Bordesley Green College")
    officer = officer_of(institution)
    contract = ContractFactory(
        institution=institution,
        title="Community café catering",
        estimated_value=Decimal(value),
        find_a_tender_ref="ref-vcse-1",
        no_lots_reason="One café: it cannot reasonably be split.",
        lots__cpv=[CATERING],
    )
    lot = contract.lots.get()
    lot.title = title
    lot.save(update_fields=["title"])
    lot_set_reservation(
        actor=officer,
        lot=lot,
        suppliers=suppliers,
        location="none",
        rationale="Below the threshold: a small local café contract.",
    )
    contract_publish(actor=officer, contract=contract)
    return lot


# Steps ---------------------------------------------------------------------------------------


def success_banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def apply_search_filters(page: Page, name: str, *, expected_count: str) -> None:
    """Submits the search filters. With JavaScript htmx swaps the results in place and pushes
    the address; without it the form is a plain GET. Either way, waits for the results."""
    button = page.locator("#main-content").get_by_role("button", name="Apply filters", exact=True)
    if page.evaluate("() => typeof window.htmx !== 'undefined'"):
        button.click()
        expect(page).to_have_url(re.compile(r"\?.*hyper_local="))
    else:
        with page.expect_navigation():
            button.click()
    expect(page.locator("#results").get_by_role("status")).to_have_text(expected_count)
    audit(page, name)


def answer_about_step(page: Page, *, name: str = BUSINESS) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("About your business")
    fill_field(page, "Business name", name)
    choose_option(page, "Legal form", "Limited company")
    fill_field(page, "Short description", "Hot meals for schools, day centres and offices.")
    submit(page, "Continue", "profile location")


def answer_location_step(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("What is your business’s postcode?")
    fill_field(page, "What is your business’s postcode?", "b9 4aa")
    submit(page, "Continue", "profile sectors")


def answer_size_step(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Size and capacity")
    fill_field(page, "Number of staff", "6")
    fill_field(page, "Annual turnover (£)", "£250,000")
    fill_field(page, "Largest contract you can take on (£, excluding VAT)", "60000")
    fill_field(page, "Contracts you can deliver at once", "2")
    submit(page, "Continue", "profile certifications")


def answer_certifications_step(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Which certifications does your business hold?"
    )
    check_option(page, "Food hygiene rating 5")
    submit(page, "Continue", "check your answers")


def confirm_profile(page: Page) -> Business:
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before adding your business"
    )
    answers = page.locator(".govuk-summary-list")
    for text in (BUSINESS, "Limited company", "B9 4AA", "55520000 Catering services"):
        expect(answers.filter(has_text=text).first).to_be_visible()
    expect(answers.filter(has_text="Food hygiene rating 5")).to_have_count(1)
    expect(page.get_by_role("link", name="Change postcode")).to_be_visible()
    submit(page, "Add your business", "business added")
    expect(page.get_by_role("heading", level=1)).to_have_text("Business added")
    business = Business.objects.get(name=BUSINESS)
    assert list(business.sector_links.values_list("cpv_code_id", flat=True)) == [CATERING]
    assert business.postcode == "B9 4AA"
    assert list(business.certifications.values_list("slug", flat=True)) == ["food-hygiene-rating-5"]
    return business


# Journeys ------------------------------------------------------------------------------------


def test_new_business_signs_up_builds_its_profile_and_registers_interest_in_a_local_lot(page):
    lot = east_birmingham_catering_lot()

    # A new user signs up and is taken to the start of the business profile.
    sign_up(page, full_name="Amina Hussain", email="amina@example.org")
    expect(page).to_have_url(re.compile(r"/business/profile/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add your business")
    visit(page, lambda: page.get_by_role("button", name="Start now").click(), "profile about")

    answer_about_step(page)
    answer_location_step(page)

    # The CPV picker: search for a word, choose the code from the list.
    expect(page.get_by_role("heading", level=1)).to_have_text("What does your business supply?")
    picker = page.get_by_role("combobox", name="What does your business supply?")
    picker.press_sequentially("catering", delay=20)
    option = page.get_by_role("option", name=re.compile(r"^55520000 Catering services"))
    expect(option).to_be_visible()
    audit(page, "cpv picker results")
    option.click()
    chosen = page.locator(".cpv-picker__selected")
    expect(chosen).to_contain_text("55520000 Catering services")
    expect(page.get_by_role("button", name="Remove 55520000 Catering services")).to_be_visible()
    expect(page.locator("textarea[name=sector_codes]")).to_have_value("55520000")
    audit(page, "cpv picker chosen")
    submit(page, "Continue", "profile size")

    answer_size_step(page)
    answer_certifications_step(page)
    business = confirm_profile(page)
    match = Match.objects.get(lot=lot, business=business)  # matched when the profile was saved

    # Find the lot: hyper-local lots in East Birmingham.
    navigation = page.get_by_role("navigation", name="Menu")
    visit(page, lambda: navigation.get_by_role("link", name="Opportunities").click(), "search")
    expect(page.locator("#results")).to_contain_text(OTHER_TITLE)
    check_option(page, "Hyper-local lots only")
    fill_field(page, "Named area", "East Birmingham")
    apply_search_filters(page, "search hyper-local east birmingham", expected_count="1 opportunity")
    expect(page).to_have_url(re.compile(rf"area={EAST_BIRMINGHAM_SLUG}"))
    results = page.locator("#results")
    expect(results).not_to_contain_text(OTHER_TITLE)

    # The opportunity: both values, who may take part, the target area.
    visit(page, lambda: results.get_by_role("link", name=LOT_TITLE).click(), "opportunity")
    expect(page).to_have_url(re.compile(rf"/opportunities/{lot.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LOT_TITLE)
    facts = page.locator(".govuk-summary-list").first
    expect(facts).to_contain_text("Value excluding VAT")
    expect(facts).to_contain_text("£20,000")
    expect(facts).to_contain_text("Value including VAT")
    expect(facts).to_contain_text("£24,000")
    expect(facts).to_contain_text("Promoted to businesses in East Birmingham")
    expect(page.locator("#main-content")).to_contain_text(
        "Open to all suppliers: any business can register interest."
    )
    expect(page.locator(".govuk-tag", has_text="Hyper-local")).to_be_visible()

    # Why it matches.
    visit(
        page,
        lambda: page.get_by_role("link", name=f"See why this matches {BUSINESS}").click(),
        "match detail",
    )
    expect(page).to_have_url(re.compile(rf"/business/matches/{match.pk}/$"))
    reasons = page.locator("h2:has-text('Why it suits you') + ul")
    expect(reasons).to_contain_text("Catering services")
    expect(reasons).to_contain_text("B9")
    expect(reasons).to_contain_text("East Birmingham")
    visit(
        page,
        lambda: page.get_by_role(
            "link", name="See the full opportunity and its questions and answers"
        ).click(),
        "opportunity again",
    )

    # Register interest: the check page, then the confirmation in My interests.
    visit(
        page,
        lambda: page.locator(".ll-take-part").get_by_role("link", name="Register interest").click(),
        "register interest",
    )
    expect(page.locator("#main-content")).to_contain_text(
        f"Nothing stands in the way: {BUSINESS} can register interest."
    )
    fill_field(page, "Note to the buyer (optional)", "We cook halal and vegetarian meals daily.")
    submit(page, "Register interest", "my interests")
    expect(success_banner(page)).to_contain_text(
        f"{BUSINESS} has registered interest in “{LOT_TITLE}”"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("My interests")
    row = page.get_by_role("row").filter(has_text=LOT_TITLE)
    expect(row).to_contain_text("Registered")
    interest = Interest.objects.get(lot=lot, business=business)
    assert interest.status == Interest.Status.REGISTERED
    assert interest.note == "We cook halal and vegetarian meals daily."

    # Ask the buyer a question: from the match, to the form on the opportunity page.
    visit(page, lambda: navigation.get_by_role("link", name="My matches").click(), "my matches")
    visit(page, lambda: page.get_by_role("link", name=LOT_TITLE).click(), "match with interest")
    expect(page.locator("#main-content")).to_contain_text("Registered")
    visit(
        page,
        lambda: page.get_by_role("link", name="Ask the buyer a question about this lot").click(),
        "question form",
    )
    expect(page).to_have_url(re.compile(rf"/opportunities/{lot.pk}/#id_text$"))
    submit(page, "Send your question", "question errors")
    expect_error_summary(page, "Enter your question.")
    fill_field(page, "Your question", "How many lunches a day, and is there a kitchen on site?")
    submit(page, "Send your question", "question sent")
    expect(success_banner(page)).to_contain_text(
        "Your question has been sent to Heartlands Community Trust"
    )
    question = Question.objects.get(lot=lot)
    assert question.business == business
    assert question.text.startswith("How many lunches a day")

    # Withdraw the interest from My interests.
    visit(
        page,
        lambda: navigation.get_by_role("link", name="My interests").click(),
        "my interests again",
    )
    with page.expect_navigation():
        page.get_by_role("button", name=f"Withdraw interest in {LOT_TITLE}").click()
    audit(page, "interest withdrawn")
    expect(success_banner(page)).to_contain_text(
        f"You have withdrawn your interest in “{LOT_TITLE}”"
    )
    expect(page.get_by_role("row").filter(has_text=LOT_TITLE)).to_contain_text("Withdrawn")
    expect(page.get_by_role("link", name=f"Register again for {LOT_TITLE}")).to_be_visible()
    interest.refresh_from_db()
    assert interest.status == Interest.Status.WITHDRAWN


def test_profile_wizard_and_search_filters_work_without_javascript(page_factory):
    page = page_factory(java_script_enabled=False)
    lot = east_birmingham_catering_lot()
    sign_up(page, full_name="Tom Byrne", email="tom@example.org")
    visit(page, "/business/profile/about/", "profile about")
    answer_about_step(page)
    answer_location_step(page)

    # Without JavaScript the picker is a plain box for codes; a wrong code is an error.
    box = page.get_by_label("What does your business supply?", exact=True)
    assert box.evaluate("element => element.tagName") == "TEXTAREA"
    expect(page.get_by_role("combobox")).to_have_count(0)
    box.fill("5552000x")
    submit(page, "Continue", "profile sectors error")
    expect(error_summary(page)).to_contain_text("“5552000x” is not a CPV code")
    page.get_by_label("What does your business supply?", exact=True).fill("55520000")
    submit(page, "Continue", "profile size")
    answer_size_step(page)
    answer_certifications_step(page)
    business = confirm_profile(page)
    assert Match.objects.filter(lot=lot, business=business).exists()

    # The filters are a plain GET form.
    visit(page, "/opportunities/", "search")
    expect(page.locator("#results").get_by_role("status")).to_have_text("2 opportunities")
    check_option(page, "Hyper-local lots only")
    fill_field(page, "Named area", "East Birmingham")
    apply_search_filters(page, "search filtered", expected_count="1 opportunity")
    expect(page).to_have_url(re.compile(rf"area={EAST_BIRMINGHAM_SLUG}"))
    expect(page.get_by_label("Hyper-local lots only", exact=True)).to_be_checked()
    expect(page.locator("#results")).to_contain_text(LOT_TITLE)
    expect(page.locator("#results")).not_to_contain_text(OTHER_TITLE)

    # A value that cannot be read is an error on its field; the other filters still apply.
    fill_field(page, "Minimum value (£, excluding VAT)", "lots")
    apply_search_filters(page, "search filter error", expected_count="1 opportunity")
    expect_error_summary(page, "Enter the minimum value in pounds, like 25000.")
    visit(page, lambda: page.get_by_role("link", name=LOT_TITLE).click(), "opportunity")
    expect(page.get_by_role("heading", level=1)).to_have_text(LOT_TITLE)


def test_reservation_refuses_interest_with_the_reason_and_capacity_only_warns(page):
    owner = UserFactory(email="owner@example.org")
    BusinessFactory(
        name="Stechford Catering Ltd",
        owner=owner,
        legal_form=Business.LegalForm.LIMITED_COMPANY,
        max_contract_value=Decimal("5000"),
    )
    reserved = published_reserved_lot(suppliers="vcse", title="Café for the community centre")
    big = open_lot(value=Decimal("150000.00"), title="Meals for every hospital ward")
    sign_in(page, "owner@example.org")

    # Reserved for VCSEs: the opportunity says so, and the interest page says why not.
    visit(page, f"/opportunities/{reserved.pk}/", "reserved opportunity")
    expect(page.locator("#main-content")).to_contain_text(
        "Reserved for voluntary, community and social enterprises (VCSEs)"
    )
    visit(
        page,
        lambda: page.locator(".ll-take-part").get_by_role("link", name="Register interest").click(),
        "reserved interest refused",
    )
    warning = page.locator(".govuk-warning-text")
    expect(warning).to_contain_text("Stechford Catering Ltd cannot register interest")
    expect(warning).to_contain_text(
        "reserved for voluntary, community and social enterprises (VCSEs)"
    )
    expect(warning).to_contain_text("your profile says you are not one")
    expect(page.get_by_role("button", name="Register interest")).to_have_count(0)
    assert not Interest.objects.filter(lot=reserved).exists()

    # Far beyond the business's limit: a warning, and registering still works.
    visit(page, f"/business/lots/{big.pk}/interest/", "capacity warning")
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "This lot may stretch Stechford Catering Ltd"
    )
    expect(page.locator("#main-content")).to_contain_text(
        "At £150,000 this lot is far beyond your £5,000 limit"
    )
    expect(page.locator("#main-content")).to_contain_text("section 85")
    submit(page, "Register interest", "registered despite warning")
    expect(success_banner(page)).to_contain_text(
        "Stechford Catering Ltd has registered interest in “Meals for every hospital ward”"
    )
    interest = Interest.objects.get(lot=big)
    assert interest.status == Interest.Status.REGISTERED
    assert any("far beyond" in warning for warning in interest.warnings)


def test_business_turns_off_the_match_digest(page):
    owner = UserFactory(email="digest@example.org", match_digest=True)
    BusinessFactory(owner=owner)
    sign_in(page, "digest@example.org", next_path="/account/alerts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Email alerts")
    digest = page.get_by_label(
        "Email me a daily digest of new opportunities that match my business", exact=True
    )
    expect(digest).to_be_checked()
    digest.uncheck()
    submit(page, "Save", "alerts saved")
    expect(success_banner(page)).to_contain_text("We will not email you about new matches.")
    expect(digest).not_to_be_checked()
    assert User.objects.get(pk=owner.pk).match_digest is False
