"""A procurement officer's journey through the buyer workspace, in Chromium (issue 5's acceptance
point): create a contract, split it into lots, target and reserve a lot with the legal check
shown as they choose, publish, read the ranked matches, shortlist an interested business, answer
its question and record the award. A second journey does the split and the reservation check
with JavaScript off. Every page visited is audited with axe-core (WCAG 2.2 A/AA)."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from anchors.models import Award, Contract, Lot, Question
from anchors.services import question_ask
from matching.models import Interest, Match
from matching.services import interest_register
from tests.accounts.factories import UserFactory
from tests.anchors.factories import ContractFactory, InstitutionFactory, officer_of
from tests.browser.journeys import (
    audit,
    choose_option,
    fill_field,
    sign_in,
    submit,
    visit,
)
from tests.matching.factories import CATERING, cpv_codes, matching_business
from tests.sectors.factories import CpvCodeFactory

CLEANING = "90910000"  # Cleaning services (under the migrated division 90000000)


def _cleaning_code():
    CpvCodeFactory(code=CLEANING, label="Cleaning services", parent_id="90000000")
    return CLEANING


def _council():
    """A council under the 2026 Order (it may reserve below-threshold lots), sub-central."""
    return InstitutionFactory(name="Birmingham City Council", slug="birmingham-city-council")


def _local_businesses():
    """Micro catering and cleaning businesses in East Birmingham (B9 and B8), each with an
    owner who can register interest and ask questions."""
    cpv_codes(CATERING)
    _cleaning_code()
    return [
        matching_business(
            name="Bordesley Green Kitchen Ltd",
            postcode="B9 4AA",
            sector_codes=[CATERING],
            owner=UserFactory(email="kitchen@example.org"),
        ),
        matching_business(
            name="Saltley Spotless Cleaning Ltd",
            postcode="B8 1AA",
            sector_codes=[CLEANING],
            description="Office and school cleaning in Saltley and Washwood Heath.",
            owner=UserFactory(email="spotless@example.org"),
        ),
        matching_business(
            name="Small Heath School Dinners CIC",
            postcode="B9 5PU",
            sector_codes=[CATERING],
            owner=UserFactory(email="dinners@example.org"),
        ),
    ]


def _pick_cpv(page, query: str, code: str, label: str) -> None:
    """Types into the CPV picker (the enhanced combobox) and chooses a code from its list."""
    picker = page.get_by_role("combobox", name="Sectors (CPV codes)")
    picker.fill(query)
    page.get_by_role("option", name=f"{code} {label}", exact=True).click()
    expect(page.locator(".cpv-picker__selected")).to_contain_text(f"{code} {label}")


def _lots_table(page):
    return page.locator("table").filter(has=page.locator("caption", has_text="Lots ("))


def test_officer_creates_splits_reserves_publishes_and_awards(page):
    council = _council()
    officer = officer_of(council, user=UserFactory(email="officer@birmingham.example"))
    kitchen, cleaner, _dinners = _local_businesses()

    # Sign in and open the contracts list.
    sign_in(page, officer.email, next_path="/buyer/contracts/")
    expect(page).to_have_url(re.compile(r"/buyer/contracts/$"))
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    visit(page, lambda: page.get_by_role("button", name="Create a contract").click(), "create")
    expect(page.get_by_role("heading", name="Create a contract", level=1)).to_be_visible()

    # Create the contract, choosing its sectors with the CPV picker.
    closes_on = timezone.localdate() + timedelta(days=28)
    fill_field(page, "Title", "School meals and kitchen cleaning for East Birmingham")
    fill_field(
        page,
        "Description",
        "Hot lunches and kitchen cleaning for six primary schools in Bordesley Green and "
        "Small Heath, term time only.",
    )
    choose_option(page, "What are you buying?", "Services")
    _pick_cpv(page, "Catering", CATERING, "Catering services")
    _pick_cpv(page, "Cleaning", CLEANING, "Cleaning services")
    fill_field(page, "Estimated value, excluding VAT (£)", "90000")
    fill_field(page, "Delivery postcode", "B9 4AA")
    fill_field(
        page,
        "Closing date for interest (optional until you publish)",
        closes_on.strftime("%d/%m/%Y"),
    )
    fill_field(page, "Closing time", "12:00")
    fill_field(page, "Find a Tender notice reference (optional)", "2027/S 000-012345")
    audit(page, "create filled in")
    submit(page, "Create contract", "contract created")
    contract = Contract.objects.get()
    assert contract.institution == council
    assert contract.estimated_value == Decimal("90000")
    assert {code.pk for code in contract.cpv_codes.all()} == {CATERING, CLEANING}
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have created")
    # Not split yet: the publish check says what to do first, naming the rule.
    expect(page.locator("#publish-breaches")).to_contain_text("PA23 s.18")
    expect(page.get_by_role("button", name="Publish contract")).to_have_count(0)

    # Split it into three equal lots, adjust them, confirm.
    visit(page, lambda: page.get_by_role("button", name="Split into lots").click(), "split plan")
    choose_option(page, "How do you want to split this contract?", "Into a number of equal lots")
    fill_field(page, "Number of lots (if splitting into equal lots)", "3")
    submit(page, "Show the proposed lots", "proposed lots")
    for number in (1, 2, 3):
        expect(
            page.get_by_label(f"Lot {number} value, excluding VAT (£)", exact=True)
        ).to_have_value(re.compile(r"^30,?000(\.00)?$"))
    fill_field(page, "Lot 1 title", "Breakfast club catering")
    fill_field(page, "Lot 1 value, excluding VAT (£)", "40000")
    fill_field(page, "Lot 2 value, excluding VAT (£)", "25000")
    fill_field(page, "Lot 3 title", "Kitchen deep cleaning")
    fill_field(page, "Lot 3 value, excluding VAT (£)", "25000")
    submit(page, "Continue", "confirm the split")
    expect(page.get_by_role("heading", name="Confirm the split", level=1)).to_be_visible()
    confirm = page.locator("table")
    expect(confirm).to_contain_text("Breakfast club catering")
    expect(confirm).to_contain_text("£40,000")
    expect(confirm).to_contain_text("£48,000")  # incl. VAT
    assert not Lot.objects.filter(title="Breakfast club catering").exists()  # nothing saved yet
    submit(page, "Confirm and split", "split done")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("into 3 lots")
    lots = list(contract.lots.order_by("number"))
    assert [lot.value for lot in lots] == [Decimal("40000"), Decimal("25000"), Decimal("25000")]
    assert [lot.title for lot in lots][0::2] == ["Breakfast club catering", "Kitchen deep cleaning"]
    first = lots[0]

    # Lot 1: East Birmingham as its target area, and a reservation for SMEs.
    visit(
        page,
        lambda: _lots_table(page).get_by_role("link", name="Edit lot 1").click(),
        "lot 1 settings",
    )
    choose_option(page, "Target area (hyper-local)", "East Birmingham")
    fill_field(
        page,
        "Why the lot is reserved (if it is)",
        "A small breakfast club contract that local micro caterers can deliver.",
    )
    check = page.locator("#reservation-check")
    with page.expect_response(re.compile(r"/reservation-check/$")):
        choose_option(page, "Reserve the lot for", "Reserved for SMEs")
    expect(check.locator("[data-check=allowed]")).to_contain_text("Allowed")
    expect(check).to_contain_text("£108,000 including VAT")
    expect(check).to_contain_text("2026 Order")
    audit(page, "reservation allowed")

    # Every lot counts towards the contract's value, so no lot of this contract is above the
    # threshold; an unlawful location reservation is refused with its rule named instead.
    with page.expect_response(re.compile(r"/reservation-check/$")):
        choose_option(page, "Reserve the lot by location", "Suppliers based in the county")
    expect(check.locator("[data-check=refused]")).to_contain_text("Not allowed")
    expect(check).to_contain_text("permitted areas")
    audit(page, "reservation refused")
    # Saving it anyway is refused by the service, with the rule in the error summary.
    submit(page, "Save lot", "lot 1 refused")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    first.refresh_from_db()
    assert first.reservation_location == Lot.LocationReservation.NONE
    with page.expect_response(re.compile(r"/reservation-check/$")):
        choose_option(page, "Reserve the lot by location", "No location reservation")
    expect(check.locator("[data-check=allowed]")).to_be_visible()
    submit(page, "Save lot", "lot 1 saved")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Lot 1 saved")
    first.refresh_from_db()
    assert first.target_area.name == "East Birmingham"
    assert first.reservation_suppliers == Lot.SupplierReservation.SME
    row = _lots_table(page).get_by_role("row").filter(has_text="Breakfast club catering")
    expect(row).to_contain_text("East Birmingham")
    expect(row).to_contain_text("Reserved for SMEs")

    # Publish: the check list passes, then the contract is open.
    expect(page.locator("#publish")).to_be_visible()
    expect(page.get_by_text("Every legal check passes")).to_be_visible()
    submit(page, "Publish contract", "published")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You have published"
    )
    expect(page.locator(".govuk-tag").first).to_have_text("Open")
    contract.refresh_from_db()
    assert contract.published_at is not None

    # The officer's lot page: the businesses matched (on publish), best first, with reasons.
    visit(
        page,
        lambda: (
            _lots_table(page).get_by_role("link", name="Matches and interest for lot 1").click()
        ),
        "lot 1 matches",
    )
    expect(page).to_have_url(re.compile(rf"/buyer/lots/{first.pk}/$"))
    matches = page.locator("table").filter(has=page.locator("caption", has_text="Matched"))
    expect(matches).to_be_visible()
    stored = list(Match.objects.filter(lot=first).order_by("-score"))
    assert stored, "matching ran on publish"
    names = matches.locator("tbody th").all_inner_texts()
    assert names == [match.business.name for match in stored]
    assert kitchen.name in names
    expect(matches.locator("tbody tr").first.locator("li").first).not_to_be_empty()

    # A business registers interest and asks a question (as its owner would, through the
    # services); the officer shortlists it with a note and answers the question.
    interest = interest_register(
        actor=kitchen.members.get().user,
        business=kitchen,
        lot=first,
        note="We already run two breakfast clubs in Small Heath.",
    ).interest
    question_ask(
        actor=kitchen.members.get().user,
        business=kitchen,
        lot=first,
        text="Do the breakfasts need to meet the school food standards?",
    )
    visit(page, f"/buyer/lots/{first.pk}/", "lot 1 with interest")
    section = page.locator("section").filter(has_text=kitchen.name)
    expect(section).to_contain_text("We already run two breakfast clubs")
    section.get_by_label("Note to the business (optional)").fill(
        "Thank you: please bring your food hygiene rating to the site visit."
    )
    submit(page, f"Shortlist {kitchen.name}", "shortlisted")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"You have shortlisted {kitchen.name}"
    )
    interest.refresh_from_db()
    assert interest.status == Interest.Status.SHORTLISTED
    assert interest.officer_note.startswith("Thank you")

    visit(page, lambda: page.get_by_role("link", name="Answer question 1").click(), "answer")
    fill_field(page, "Your answer", "Yes: the School Food Standards apply to breakfasts too.")
    submit(page, "Publish the answer", "answered")
    question = Question.objects.get()
    assert question.is_answered
    assert question.answered_by == officer

    # After the closing date, the award.
    Contract.objects.filter(pk=contract.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    visit(page, f"/buyer/lots/{first.pk}/award/", "record the award")
    choose_option(page, "Who won the lot?", kitchen.name)
    expect(page.get_by_label("Award value, excluding VAT (£)", exact=True)).to_have_value(
        re.compile(r"^40,?000(\.00)?$")
    )
    fill_field(page, "Date of the award", timezone.localdate().strftime("%d/%m/%Y"))
    submit(page, "Record the award", "award recorded")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"You have recorded the award of lot 1 to {kitchen.name}"
    )
    award = Award.objects.get()
    assert (award.lot, award.business, award.value) == (first, kitchen, Decimal("40000"))
    expect(page.locator(".govuk-tag").first).to_have_text("Partly awarded")
    visit(page, f"/buyer/lots/{first.pk}/", "lot 1 awarded")
    expect(page.locator(".govuk-summary-list").first).to_contain_text(f"Awarded to {kitchen.name}")
    assert cleaner.pk  # the cleaning business was matched with the cleaning lots
    assert Match.objects.filter(lot=lots[2], business=cleaner).exists()


def test_split_and_reservation_check_work_without_javascript(page_factory):
    """The plain-form paths: the split's steps and the "Check this reservation" button, on a
    contract above the threshold (so no lot of it may be reserved)."""
    council = _council()
    officer = officer_of(council, user=UserFactory(email="officer@birmingham.example"))
    cpv_codes(CATERING)
    contract = ContractFactory(
        institution=council,
        title="Hospital catering for East Birmingham",
        estimated_value=Decimal("300000.00"),
        find_a_tender_ref="2027/S 000-054321",
        lots__cpv=[CATERING],
    )
    page = page_factory(java_script_enabled=False)
    sign_in(page, officer.email, next_path=f"/buyer/contracts/{contract.pk}/")
    expect(page.get_by_role("heading", name=contract.title, level=1)).to_be_visible()

    visit(page, lambda: page.get_by_role("button", name="Split into lots").click(), "split plan")
    submit(page, "Show the proposed lots", "split plan errors")  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose how to split")
    choose_option(page, "How do you want to split this contract?", "Into a number of equal lots")
    fill_field(page, "Number of lots (if splitting into equal lots)", "3")
    submit(page, "Show the proposed lots", "proposed lots")
    fill_field(page, "Lot 1 value, excluding VAT (£)", "150000")
    fill_field(page, "Lot 2 value, excluding VAT (£)", "100000")
    fill_field(page, "Lot 3 value, excluding VAT (£)", "50000")
    # No JavaScript: "Add another lot" posts the rows back with an empty one added.
    submit(page, "Add another lot", "lots with a new row")
    expect(page.get_by_label("Lot 4 title", exact=True)).to_have_value("")
    fill_field(page, "Lot 4 title", "Ward snacks")
    fill_field(page, "Lot 4 value, excluding VAT (£)", "1")
    submit(page, "Continue", "confirm the split")
    # Four lots that add up to £300,001: the service refuses, and nothing is saved.
    submit(page, "Confirm and split", "split refused")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert contract.lots.count() == 1
    submit(page, "Change the lots", "change the lots")
    fill_field(page, "Lot 3 value, excluding VAT (£)", "49999")
    submit(page, "Continue", "confirm the split again")
    submit(page, "Confirm and split", "split done")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("into 4 lots")
    first = contract.lots.get(number=1)
    assert first.value == Decimal("150000")

    # The reservation check without JavaScript: the button posts the form and shows the answer.
    visit(
        page,
        lambda: _lots_table(page).get_by_role("link", name="Edit lot 1").click(),
        "lot 1 settings",
    )
    expect(page.locator("#reservation-check [data-check=open]")).to_be_visible()
    choose_option(page, "Reserve the lot for", "Reserved for SMEs")
    fill_field(page, "Why the lot is reserved (if it is)", "Local caterers could deliver it.")
    submit(page, "Check this reservation", "reservation checked")
    check = page.locator("#reservation-check")
    expect(check.locator("[data-check=refused]")).to_contain_text("Not allowed")
    expect(check).to_contain_text("PA23 s.84 / Sch. 1 (below-threshold only)")
    expect(check).to_contain_text("£360,000 including VAT")
    # The choice is kept on the page and nothing is saved by checking.
    expect(page.get_by_label("Reserved for SMEs", exact=True)).to_be_checked()
    first.refresh_from_db()
    assert first.reservation_suppliers == Lot.SupplierReservation.NONE

    choose_option(page, "Reserve the lot for", "Open to all suppliers")
    choose_option(page, "Target area (hyper-local)", "A list of postcode districts")
    fill_field(page, "Postcode districts (if you chose a list of districts)", "b9, B10")
    submit(page, "Check this reservation", "open lot checked")
    expect(page.locator("#reservation-check [data-check=open]")).to_be_visible()
    submit(page, "Save lot", "lot 1 saved")
    first.refresh_from_db()
    assert first.target_districts == ["B9", "B10"]
    assert not first.is_reserved
