"""The network coordinator's journey through the dashboard, in Chromium: headline figures, the
district table and its chart, the institution filter and a CSV download. An officer who tries
the dashboard gets the 403 page. Every page visited is audited with axe-core (WCAG 2.2 A/AA)."""

import csv
import io
import re
from decimal import Decimal

from playwright.sync_api import expect

from network.exports import HEADERS
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory, officer_of
from tests.browser.journeys import fill_field, sign_in, submit, visit
from tests.matching.factories import (
    InterestFactory,
    MatchFactory,
    award_lot,
    matching_business,
    open_lot,
)


def _network():
    """Two institutions with open lots; businesses in B9, B8 and Walsall matched to them."""
    council = InstitutionFactory(name="Birmingham City Council", slug="birmingham-city-council")
    trust = InstitutionFactory(
        name="Heartlands Hospital Trust", slug="heartlands-hospital-trust", kind="nhs_trust"
    )
    council_lot = open_lot(institution=council, value=Decimal("40000"), target_districts=["B9"])
    trust_lot = open_lot(institution=trust, value=Decimal("25000"))
    b9 = [matching_business(postcode=postcode) for postcode in ("B9 4AA", "B9 5PU", "B9 4DP")]
    b8 = matching_business(postcode="B8 1AA", legal_form="cic")
    walsall = matching_business(postcode="WS1 1AA")
    for business in (*b9, b8):
        MatchFactory(lot=council_lot, business=business)
    MatchFactory(lot=trust_lot, business=b9[0])
    MatchFactory(lot=trust_lot, business=walsall)
    InterestFactory(lot=council_lot, business=b9[0])
    awarded = open_lot(institution=council, value=Decimal("12000"))
    award_lot(awarded, business=b8)
    return council, trust


def test_coordinator_reads_the_dashboard_filters_it_and_downloads_a_table(page):
    council, trust = _network()
    coordinator = CoordinatorFactory(email="coordinator@anchors.example")

    sign_in(page, coordinator.email, next_path="/network/")
    expect(page).to_have_url(re.compile(r"/network/$"))
    expect(page.get_by_role("heading", name="Network dashboard", level=1)).to_be_visible()

    # Headline figures across the network: two open lots (one hyper-local) worth £65,000; the
    # awarded lot is no longer open.
    stats = page.locator(".ll-stats")
    expect(stats.locator(".ll-stats__item").filter(has_text="Open lots").first).to_contain_text("2")
    expect(stats).to_contain_text("£65,000")
    expect(stats).to_contain_text("1 of 2 open lots have a target area")

    # The district table, most matched first, and the chart with the same figures in words.
    table = page.locator("#districts-table")
    rows = table.locator("tbody tr")
    expect(rows.first.locator("th")).to_have_text("B9")
    expect(rows.first).to_contain_text("Yes")
    expect(rows.first.locator("td").nth(1)).to_have_text("3")
    expect(table.locator("tbody tr").filter(has_text="WS1")).to_contain_text("No")
    chart = page.locator(".ll-bar-chart")
    expect(chart.locator(".ll-bar-chart__row").first).to_contain_text("B9 (East Birmingham)")
    expect(chart.locator(".ll-bar-chart__row").first).to_contain_text("3")
    expect(page.locator("#awards-table")).to_contain_text("Birmingham City Council")

    # Filter by institution (a GET form): the trust's figures only.
    fill_field(page, "Institution", trust.name)
    submit(page, "Show figures", "dashboard for the trust")
    expect(page).to_have_url(re.compile(rf"institution={trust.pk}"))
    expect(page.get_by_text(f"Showing figures for {trust.name} only.")).to_be_visible()
    expect(stats).to_contain_text("£25,000")
    expect(page.locator("#districts-table tbody tr")).to_have_count(2)  # B9 and WS1

    # Download the districts table for the trust and read it as a spreadsheet would.
    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name=re.compile(r"^Download this table \(CSV\)\W+matched businesses by")
        ).click()
    download = download_info.value
    assert re.fullmatch(
        r"locallots-network-districts-heartlands-hospital-trust-\d{4}-\d{2}-\d{2}\.csv",
        download.suggested_filename,
    )
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        records = list(csv.reader(io.StringIO(file.read())))
    assert records[0] == HEADERS["districts"]
    assert ["B9", "Yes", "1", "1", "0"] in records[1:]
    assert ["WS1", "No", "1", "1", "0"] in records[1:]
    assert len(records) == 3

    # Back to the whole network.
    visit(page, lambda: page.get_by_role("link", name="Show the whole network").click(), "all")
    expect(page.get_by_text("across the network")).to_be_visible()
    expect(page.locator("#districts-table tbody tr")).to_have_count(3)
    assert council.pk  # the council's lots are back in the figures
    expect(stats).to_contain_text("£65,000")


def test_an_officer_who_opens_the_dashboard_gets_the_403_page(page):
    council = InstitutionFactory(name="Birmingham City Council", slug="birmingham-city-council")
    officer = officer_of(council, user=UserFactory(email="officer@birmingham.example"))
    sign_in(page, officer.email)
    visit(page, "/network/", "dashboard forbidden", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    expect(page.locator(".ll-stats")).to_have_count(0)
    response = page.request.get("/network/export/districts.csv")
    assert response.status == 403
    assert "Postcode district" not in response.text()
