"""Reusable steps for browser journeys. Every step that lands on a page audits it (axe-core,
WCAG 2.2 A/AA) and saves its screenshot, so a journey audits every page it visits.

    from tests.browser.journeys import audit, fill_field, sign_in, submit, visit

    visit(page, "/opportunities/", "search")
    fill_field(page, "Keywords", "catering")
    submit(page, "Search", "search results")
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.accounts.factories import DEFAULT_PASSWORD
from tests.browser.support import audit

__all__ = [
    "PASSWORD",
    "audit",
    "check_option",
    "choose_option",
    "error_summary",
    "expect_error_summary",
    "fill_field",
    "focused",
    "sign_in",
    "sign_out",
    "sign_up",
    "submit",
    "visit",
]

# The password UserFactory gives users (tests/accounts/factories.py).
PASSWORD = DEFAULT_PASSWORD


def visit(page: Page, target: str | Callable[[], object], name: str, *, status: int = 200) -> None:
    """Opens ``target`` (a path on the live server, or a callable that navigates, e.g. a click),
    checks the HTTP status when it is a path, then audits the page as ``name``."""
    if callable(target):
        target()
        page.wait_for_load_state()
    else:
        response = page.goto(target)
        assert response is not None, f"no response for {target}"
        assert response.status == status, f"{target} answered {response.status}, not {status}"
    audit(page, name)


def submit(page: Page, button: str, name: str, *, scope: str = "#main-content") -> None:
    """Clicks the form button with this text (in ``scope``: the page's main content by default,
    so the header's "Sign out" never matches), waits for the next page, audits it."""
    with page.expect_navigation():
        page.locator(scope).get_by_role("button", name=button, exact=True).click()
    audit(page, name)


def fill_field(page: Page, label: str, value: str, *, exact: bool = True) -> None:
    """Fills the text input, textarea or select whose <label> reads ``label``."""
    control = page.get_by_label(label, exact=exact)
    tag = control.evaluate("element => element.tagName")
    if tag == "SELECT":
        control.select_option(label=value)
    else:
        control.fill(value)


def choose_option(page: Page, legend: str, option: str) -> None:
    """Chooses the radio ``option`` in the GOV.UK fieldset whose legend is ``legend``."""
    fieldset = page.get_by_role("group", name=legend)
    fieldset.get_by_label(option, exact=True).check()


def check_option(page: Page, label: str, checked: bool = True) -> None:
    """Ticks (or unticks) the checkbox labelled ``label``."""
    page.get_by_label(label, exact=True).set_checked(checked)


def error_summary(page: Page):
    """The GOV.UK error summary (a locator)."""
    return page.locator(".govuk-error-summary")


def expect_error_summary(page: Page, *messages: str) -> None:
    """The error summary is visible, lists each message as a link, and the title starts "Error:"."""
    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    for message in messages:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))


def focused(page: Page) -> dict:
    """What has the keyboard focus: its tag, id, text and accessible name parts."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || "").trim(),
                    name: el.getAttribute("name") || ""};
        }"""
    )


def sign_up(page: Page, *, full_name: str, email: str, password: str = PASSWORD) -> None:
    """Creates an account through the sign-up page (audited before and after)."""
    visit(page, "/accounts/signup/", "sign up")
    fill_field(page, "Full name", full_name)
    fill_field(page, "Email address", email)
    fill_field(page, "Create a password", password)
    fill_field(page, "Confirm your password", password)
    submit(page, "Create account", "signed up")


def sign_in(page: Page, email: str, password: str = PASSWORD, *, next_path: str = "") -> None:
    """Signs in by the login form (audited before and after); lands on ``next_path`` if given.

    When the page is already the sign-in page (e.g. after a redirect from a page that needs an
    account), the form there is used, so its ``next`` is kept."""
    if urlsplit(page.url).path != "/accounts/login/" or next_path:
        path = "/accounts/login/" + (f"?next={next_path}" if next_path else "")
        visit(page, path, "sign in")
    fill_field(page, "Email address", email)
    fill_field(page, "Password", password)
    submit(page, "Sign in", "signed in")
    expect(page.locator(".ll-account")).to_contain_text(f"Signed in as {email}")


def sign_out(page: Page) -> None:
    """Signs out with the header's button (a form POST); lands on the home page."""
    with page.expect_navigation():
        page.locator(".ll-account").get_by_role("button", name="Sign out").click()
    audit(page, "signed out")
    expect(page.locator(".ll-account")).to_contain_text("Sign in")
