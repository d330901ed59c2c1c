"""An imported opportunity in Chromium: the search results and its page, marked with their
source, audited with axe-core (WCAG 2.2 A/AA) like every other page.

Uses the browser fixtures of ``tests/browser`` (marked ``browser``: skipped without Playwright
and Chromium, a failure in CI).
"""

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect

from anchors.models import Lot
from tests.browser import conftest as browser_fixtures
from tests.browser.journeys import visit
from tests.ocds.test_importer import a_release, run

pytestmark = pytest.mark.browser

# The fixtures of tests/browser (Chromium once, a fresh context per test on the live server).
browser = browser_fixtures.browser
page_factory = browser_fixtures.page_factory
page = browser_fixtures.page


def test_an_imported_opportunity_is_listed_and_shown_with_its_source_accessibly(page):
    run(
        a_release(
            tender__tenderPeriod={"endDate": "2099-01-01T12:00:00Z"},
            tender__items=[{"id": "1", "deliveryAddresses": [{"region": "West Midlands"}]}],
            tender__suitability={"sme": True, "vcse": True},
            tender__otherRequirements={"reservedParticipation": ["sme"]},
        )
    )
    lot = Lot.objects.get()

    visit(page, "/opportunities/", "search with an imported opportunity")
    result = page.locator(".ll-result").filter(has_text="School meals")
    expect(result).to_contain_text("From Contracts Finder")
    expect(result).to_contain_text("West Midlands (the notice gives no postcode)")
    link = result.get_by_role(
        "link", name="read the original notice for School meals on Contracts Finder"
    )
    expect(link).to_have_attribute(
        "href",
        "https://www.contractsfinder.service.gov.uk/Notice/11111111-2222-3333-4444-555555555555",
    )

    visit(page, f"/opportunities/{lot.pk}/", "imported opportunity")
    main = page.locator("#main-content")
    expect(main.get_by_text("From Contracts Finder", exact=True)).to_be_visible()
    expect(main).to_contain_text("Suitable for SMEs")
    expect(main).to_contain_text("Suitable for VCSEs")
    expect(main).to_contain_text("Reserved for small and medium-sized enterprises (SMEs)")
    expect(
        main.get_by_role("link", name="read the original notice on Contracts Finder")
    ).to_be_visible()
