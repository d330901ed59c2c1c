"""An anonymous visitor's journeys through the public pages and the account pages, in Chromium.
Every page visited is audited with axe-core (WCAG 2.2 A/AA) and screenshotted."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.browser.journeys import (
    PASSWORD,
    error_summary,
    expect_error_summary,
    fill_field,
    focused,
    sign_in,
    sign_out,
    sign_up,
    submit,
    visit,
)

NEW_PASSWORD = "sparkbrook-bakery-2026"


def _link_path(body: str, pattern: str) -> str:
    """The path of the first link in an email body whose path matches ``pattern``."""
    for url in re.findall(r"https?://\S+", body):
        path = urlsplit(url).path
        if re.search(pattern, path):
            return path
    raise AssertionError(f"no link matching {pattern} in:\n{body}")


def test_home_page_introduces_the_service_and_offers_an_account(page):
    visit(page, "/", "home")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(
        page.locator("#main-content").get_by_role("link", name="Create an account")
    ).to_be_visible()
    expect(page.locator(".ll-account").get_by_role("link", name="Sign in")).to_be_visible()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(page):
    visit(page, "/accounts/signup/", "sign up")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["tag"] == "a"
    assert first["text"] == "Skip to main content"
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main-content"
    # The next Tab stop is inside the main content: the first form field, not the header.
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_full_name"


def test_sign_up_with_nothing_entered_lists_each_problem_linked_to_its_field(page):
    visit(page, "/accounts/signup/", "sign up")
    submit(page, "Create account", "sign up errors")
    expect_error_summary(page)
    links = error_summary(page).get_by_role("link")
    expect(links).to_have_count(4)
    # GOV.UK Frontend moves focus to the summary, so screen readers announce it.
    expect(error_summary(page)).to_be_focused()
    first_link = links.first
    assert first_link.get_attribute("href") == "#id_full_name"
    first_link.click()
    expect(page.get_by_label("Full name", exact=True)).to_be_focused()
    # Each field carries its own message, announced with it.
    expect(page.get_by_label("Full name", exact=True)).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_full_name-error\b")
    )
    expect(page.locator("#id_full_name-error")).to_contain_text("Error:")
    assert not User.objects.exists()


def test_sign_up_sign_out_sign_in_and_see_the_account(page, mailoutbox):
    sign_up(page, full_name="Priya Patel", email="priya@example.org")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "We have sent a link to priya@example.org"
    )
    expect(page.locator(".ll-account")).to_contain_text("Signed in as priya@example.org")
    user = User.objects.get(email="priya@example.org")
    assert user.full_name == "Priya Patel"
    # The header's "Sign out" is a form button dressed as a link: same size and colour as the
    # "Your account" link beside it.
    account_bar = page.locator(".ll-account")
    style = "el => [getComputedStyle(el).fontSize, getComputedStyle(el).color]"
    assert account_bar.get_by_role("button", name="Sign out").evaluate(
        style
    ) == account_bar.get_by_role("link", name="Your account").evaluate(style)

    visit(page, "/accounts/", "account unconfirmed")
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Not yet confirmed")

    # The confirmation link from the email confirms the address.
    (email,) = [mail for mail in mailoutbox if mail.to == ["priya@example.org"]]
    visit(page, _link_path(email.body, r"^/accounts/verify/"), "email confirmed")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is confirmed")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Confirmed")
    expect(page.locator(".govuk-summary-list")).not_to_contain_text("Not yet")

    sign_out(page)
    visit(page, "/accounts/", "account needs sign in")  # redirected to the sign-in page
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/accounts/"))
    sign_in(page, "priya@example.org")
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.locator(".govuk-summary-list")).to_contain_text("Priya Patel")


def test_wrong_passwords_say_what_to_check_then_pause_sign_in(page, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(email="sam@example.org")
    visit(page, "/accounts/login/", "sign in")
    fill_field(page, "Email address", "sam@example.org")
    fill_field(page, "Password", "not-the-password")
    submit(page, "Sign in", "sign in error")
    expect(error_summary(page)).to_contain_text("Enter the email address and password")
    expect(page.locator(".ll-account")).not_to_contain_text("Signed in")
    fill_field(page, "Password", "still-not-the-password")
    submit(page, "Sign in", "locked out")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to sign in")


def test_broken_emailed_links_explain_what_to_do(page):
    visit(page, "/accounts/verify/not-a-real-token/", "verify link broken", status=400)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "We could not confirm your email address"
    )
    visit(page, "/accounts/password/reset/MQ/not-a-token/", "reset link broken")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired or been used")
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()


def test_forgotten_password_reset_by_the_emailed_link(page, mailoutbox):
    UserFactory(email="sam@example.org", full_name="Sam Okafor")
    visit(page, "/accounts/login/", "sign in")
    visit(page, lambda: page.get_by_role("link", name="Forgotten your password?").click(), "reset")
    submit(page, "Send the link", "reset empty")
    expect_error_summary(page)
    fill_field(page, "Email address", "sam@example.org")
    submit(page, "Send the link", "check your email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    (email,) = mailoutbox
    visit(page, _link_path(email.body, r"^/accounts/password/reset/"), "choose a new password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    fill_field(page, "New password", NEW_PASSWORD)
    fill_field(page, "New password confirmation", "something-different-2026")
    submit(page, "Save password", "new password errors")
    expect_error_summary(page)
    fill_field(page, "New password", NEW_PASSWORD)
    fill_field(page, "New password confirmation", NEW_PASSWORD)
    submit(page, "Save password", "password changed")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been changed")
    sign_in(page, "sam@example.org", NEW_PASSWORD)


def test_change_password_when_signed_in(page):
    UserFactory(email="sam@example.org")
    sign_in(page, "sam@example.org", next_path="/accounts/")
    visit(page, lambda: page.get_by_role("link", name="Change your password").click(), "change")
    fill_field(page, "Old password", PASSWORD)
    fill_field(page, "New password", NEW_PASSWORD)
    fill_field(page, "New password confirmation", NEW_PASSWORD)
    submit(page, "Change password", "password changed")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your password has been changed"
    )
    assert User.objects.get(email="sam@example.org").check_password(NEW_PASSWORD)


def test_unknown_page_is_a_friendly_accessible_404(page):
    visit(page, "/no-such-page/", "not found", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_sign_up_works_without_javascript(page_factory):
    page = page_factory(java_script_enabled=False)
    visit(page, "/accounts/signup/", "sign up")
    submit(page, "Create account", "sign up errors")
    expect(error_summary(page)).to_be_visible()
    link = error_summary(page).get_by_role("link", name=re.compile("required|Enter")).first
    assert link.get_attribute("href") == "#id_full_name"
    link.click()
    expect(page).to_have_url(re.compile(r"#id_full_name$"))
    fill_field(page, "Full name", "Ade Bello")
    fill_field(page, "Email address", "ade@example.org")
    fill_field(page, "Create a password", NEW_PASSWORD)
    fill_field(page, "Confirm your password", NEW_PASSWORD)
    submit(page, "Create account", "signed up")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Welcome")
    expect(page.locator(".ll-account")).to_contain_text("Signed in as ade@example.org")
    assert User.objects.filter(email="ade@example.org").exists()
    sign_out(page)
