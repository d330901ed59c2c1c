from django import forms
from django.contrib.auth import forms as auth_forms
from django.template import loader

from core.services import email_queue


class SignUpForm(forms.Form):
    """Parses the sign-up page; the rules (unique email, password strength) live in the service."""

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": "Enter your full name.",
            "max_length": "Full name must be 150 characters or fewer.",
        },
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will send you a link to confirm it.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the correct format, like name@example.org.",
            "max_length": "Email address must be 254 characters or fewer.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="At least 10 characters. Avoid common words and your name.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Create a password."},
    )
    password_confirm = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type your password again to confirm it."},
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("password")
            and data.get("password_confirm")
            and data["password"] != data["password_confirm"]
        ):
            self.add_error(
                "password_confirm", "The two passwords do not match. Type the same password twice."
            )
        return data


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the correct format, like name@example.org.",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )
    error_messages = {
        "invalid_login": "Enter the email address and password of your account. "
        "Check the email address is spelt correctly.",
        "inactive": "This account has been closed. Contact your network coordinator.",
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, sending through the email outbox (Celery, after commit)."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the email address of your account.",
            "invalid": "Enter an email address in the correct format, like name@example.org.",
        },
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body_html = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else ""
        )
        email_queue(
            to=to_email,
            subject=subject,
            body_text=loader.render_to_string(email_template_name, context),
            body_html=body_html,
            kind="accounts.password_reset",
        )
