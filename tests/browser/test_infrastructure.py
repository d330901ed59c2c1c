"""The browser-test machinery itself: Chromium runs, the compiled stylesheet is served, the axe
audit really fails on an inaccessible page, and screenshots are written.

This module imports Playwright only inside its tests, so that on a machine without it the tests
are still collected and skip with the reason (which CI turns into a failure); the conftest
leaves out the other browser modules there."""

import re

import pytest

from tests.browser import support


def test_pages_load_the_compiled_govuk_stylesheet(page):
    from tests.browser.journeys import visit

    stylesheets = []
    page.on(
        "response",
        lambda response: (
            stylesheets.append((response.url, response.status))
            if response.url.endswith("/static/" + support.STYLESHEET)
            else None
        ),
    )
    visit(page, "/accounts/login/", "sign in")
    assert stylesheets, "the page did not ask for /static/vendor/css/site.css"
    assert all(status == 200 for _, status in stylesheets), stylesheets
    # GOV.UK styles apply: the skip link is off-screen until focused, the button is styled.
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.evaluate("el => getComputedStyle(el).position") == "absolute"
    button = page.locator("#main-content").get_by_role("button", name="Sign in")
    assert button.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"


def test_the_audit_fails_on_an_inaccessible_page_and_names_the_problem(page):
    from tests.browser.journeys import audit

    page.set_content(
        "<!doctype html><html lang='en'><head><title>Broken</title></head><body>"
        "<main><h1>Broken form</h1><form><input type='text' name='q'></form></main></body></html>"
    )
    with pytest.raises(AssertionError) as failure:
        audit(page, "broken")
    message = str(failure.value)
    assert "label" in message  # the rule id: form elements must have labels
    assert "input" in message  # the offending node
    assert "broken" in message


def test_an_accessible_page_passes_and_each_audit_saves_a_numbered_screenshot(page):
    from tests.browser.journeys import audit

    page.set_content(
        "<!doctype html><html lang='en'><head><title>Fine</title></head><body>"
        "<main><h1>Fine form</h1><form><label for='q'>Search</label>"
        "<input id='q' type='text' name='q'></form></main></body></html>"
    )
    first = audit(page, "fine")
    second = audit(page, "fine again")
    assert first.name == "01-fine.png"
    assert second.name == "02-fine-again.png"
    assert (
        first.parent
        == second.parent
        == support.ARTIFACTS
        / ("test_an_accessible_page_passes_and_each_audit_saves_a_numbered_screenshot")
    )
    assert first.read_bytes().startswith(b"\x89PNG")


def test_pages_without_javascript_are_audited_too(page_factory):
    from playwright.sync_api import expect

    from tests.browser.journeys import audit, visit

    no_js = page_factory(java_script_enabled=False)
    visit(no_js, "/accounts/signup/", "sign up without javascript")
    # The GOV.UK scripts did not run: no "js-enabled" class on the body.
    expect(no_js.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    no_js.set_content(
        "<!doctype html><html lang='en'><head><title>Broken</title></head><body>"
        "<main><h1>Broken</h1><input type='text'></main></body></html>"
    )
    with pytest.raises(AssertionError, match="label"):
        audit(no_js, "broken without javascript")
