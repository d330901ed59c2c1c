from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm, PasswordResetForm, SignUpForm
from accounts.roles import user_roles
from accounts.services import user_create, user_send_verification, user_verify_email
from core.exceptions import ApplicationError
from core.web import apply_service_errors


def signup(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome to {settings.SITE_NAME}. We have sent a link to {user.email} to confirm your address.",
            )
            return redirect(_safe_next(request) or "suppliers:profile")
    return render(request, "accounts/signup.html", {"form": form})


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return None


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_name": settings.SITE_NAME}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


def verify_email(request, token: str):
    try:
        user = user_verify_email(token=token)
    except ApplicationError as exc:
        return render(
            request, "accounts/verify_email_failed.html", {"message": exc.message}, status=400
        )
    messages.success(request, f"Thank you. {user.email} is confirmed.")
    return redirect("accounts:account" if request.user.is_authenticated else "accounts:login")


@login_required
@require_POST
def verification_resend(request):
    try:
        user_send_verification(user=request.user)
    except ApplicationError as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, f"We have sent a new link to {request.user.email}.")
    return redirect(_safe_next(request) or "accounts:account")


@login_required
def account(request):
    roles = sorted(role.label for role in user_roles(request.user))
    return render(request, "accounts/account.html", {"roles": roles})
