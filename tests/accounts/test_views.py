import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import OutboundEmail
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Priya Patel",
    "email": "Priya@Example.org",
    "password": "sparkbrook-bakery-2026",
    "password_confirm": "sparkbrook-bakery-2026",
}


def test_signup_creates_account_signs_in_and_emails_a_link(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="priya@example.org")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert mailoutbox[0].to == ["priya@example.org"]


def test_signup_with_existing_email_in_other_case_shows_field_error(client):
    UserFactory(email="priya@example.org")
    response = client.post(reverse("accounts:signup"), SIGNUP)
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["email"][0]
    assert User.objects.count() == 1
    assert b'href="#id_email"' in response.content  # the error summary links to the field


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"password_confirm": "something-else-entirely"}, "password_confirm", "do not match"),
        ({"email": "not-an-email"}, "email", "correct format"),
        ({"full_name": ""}, "full_name", "Enter your full name"),
        ({"password": "12345678901", "password_confirm": "12345678901"}, "password", "numeric"),
    ],
)
def test_signup_shows_specific_errors(client, change, field, message):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, **change})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.exists()


def test_signup_with_nothing_posted_is_a_form_error_not_a_crash(client):
    response = client.post(reverse("accounts:signup"), {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "full_name",
        "email",
        "password",
        "password_confirm",
    }


def test_public_pages_render(client):
    for name in [
        "opportunities:home",
        "accounts:login",
        "accounts:signup",
        "accounts:password_reset",
    ]:
        assert client.get(reverse(name)).status_code == 200, name


def test_login_accepts_email_in_any_case_and_logout_ends_session(client):
    user = UserFactory(email="ann@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "ANN@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_login_with_wrong_password_says_what_to_check(client):
    UserFactory(email="ann@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "ann@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "Enter the email address and password" in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client, settings):
    UserFactory(email="ann@example.org")
    url = reverse("accounts:login")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        spelling = "ann@example.org" if attempt % 2 else "ANN@example.org"
        client.post(url, {"username": spelling, "password": f"guess-{attempt}"})
    # Even the right password is refused now, with a page that says why.
    response = client.post(url, {"username": "ann@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link_through_the_outbox(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(email="ann@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "ANN@example.org"})
    assert response.status_code == 302
    assert (
        OutboundEmail.objects.get(kind="accounts.password_reset").status
        == OutboundEmail.Status.SENT
    )
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")


def test_password_reset_for_unknown_email_reveals_nothing(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_verify_with_a_broken_link_explains_and_does_not_crash(client):
    response = client.get(reverse("accounts:verify_email", kwargs={"token": "garbage"}))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_account_page_requires_sign_in_and_lists_roles(client):
    assert client.get(reverse("accounts:account")).status_code == 302
    client.force_login(UserFactory(is_coordinator=True))
    response = client.get(reverse("accounts:account"))
    assert "Network coordinator" in response.content.decode()


def test_account_page_says_in_words_whether_the_email_is_confirmed(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("accounts:account")).content.decode()
    assert 'class="govuk-summary-list"' in page
    assert "Not yet confirmed" in page  # a tag with text, not colour alone
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Not yet confirmed" not in page
    assert ">Confirmed</strong>" in page


def test_resend_verification_queues_a_new_email(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:verification_resend"))
    assert response.status_code == 302
    assert len(mailoutbox) == 1


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
