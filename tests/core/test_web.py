"""The web toolkit (``core.web``, ``core.money``, ``{% load web %}`` and the per-role access
decorators): the refused-action policy, service errors on forms, money and status tags."""

import json
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import include, path

from accounts.web import coordinator_required
from anchors.models import Contract
from anchors.web import officer_required
from core.exceptions import ApplicationError, PermissionDenied
from core.money import money
from core.web import (
    STATUS_TAGS,
    RefusalMiddleware,
    access_required,
    apply_service_errors,
    attachment,
    error_summary,
    error_text,
    forbidden,
    get_or_404,
    money_both,
    service_errors,
    tag_class,
)
from events.models import Event, Invitation, Registration
from matching.models import Interest
from suppliers.web import business_member_required
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory, officer_of
from tests.suppliers.factories import BusinessFactory, BusinessMemberFactory

# Money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (Decimal("40000"), "£40,000"),
        (Decimal("40000.00"), "£40,000"),
        (Decimal("40000.5"), "£40,000.50"),
        (Decimal("1234567.89"), "£1,234,567.89"),
        (Decimal("0"), "£0"),
        (Decimal("-125.10"), "£-125.10"),
        (12500, "£12,500"),
        (40000.004, "£40,000"),  # the engine's floats, to the penny
        (None, "Not published"),  # an imported notice may publish no value
        (float("nan"), "Not published"),
    ],
)
def test_money_writes_pounds_with_pence_only_when_there_are_any(value, words):
    assert money(value) == words


def test_money_can_name_a_missing_amount_and_always_show_pence():
    assert money(None, missing="an unknown amount") == "an unknown amount"
    assert money(Decimal("250000"), pence=True) == "£250,000.00"


def test_money_both_adds_vat_at_the_setting_s_rate(settings):
    settings.VAT_RATE = "0.20"
    value = money_both(Decimal("40000"), vat_exempt=False)
    assert (value.excl, value.incl, value.incl_words) == ("£40,000", "£48,000", "£48,000")
    assert str(value) == "£40,000 excluding VAT (£48,000 including VAT)"
    settings.VAT_RATE = "0.175"
    assert money_both(Decimal("100.10"), vat_exempt=False).incl == "£117.62"  # 117.6175, up


def test_money_both_of_a_vat_exempt_supply_says_so(settings):
    settings.VAT_RATE = "0.20"
    value = money_both(Decimal("40000"), vat_exempt=True)
    assert (value.excl, value.incl) == ("£40,000", "£40,000")
    assert str(value) == "£40,000 (exempt from VAT)"
    assert value.incl_words == "£40,000 (exempt from VAT)"


def test_money_both_of_no_value_is_not_published():
    value = money_both(None, vat_exempt=False)
    assert (value.excl, value.incl) == ("Not published", "Not published")


def test_the_money_filter_writes_pounds():
    html = Template("{% load web %}{{ value|money }}").render(Context({"value": Decimal("9.5")}))
    assert html == "£9.50"


# Status tags --------------------------------------------------------------------------------

CHOICES = {
    "contract": Contract.Status,
    "interest": Interest.Status,
    "event": Event.Status,
    "registration": Registration.Status,
    "attendance": Registration.Attendance,
    "invitation": Invitation.Status,
}


@pytest.mark.parametrize("kind", sorted(CHOICES))
def test_every_status_of_every_kind_has_exactly_one_colour(kind):
    assert set(STATUS_TAGS[kind]) == set(CHOICES[kind].values)


def test_every_colour_is_a_govuk_tag_colour():
    colours = {"grey", "green", "turquoise", "blue", "light-blue", "purple", "pink", "red"}
    colours |= {"orange", "yellow"}
    assert {c for statuses in STATUS_TAGS.values() for c in statuses.values()} <= colours


def test_tag_class_takes_a_choice_or_its_value_and_refuses_an_unknown_one():
    assert tag_class("contract", Contract.Status.OPEN) == "govuk-tag--green"
    assert tag_class("interest", "declined") == "govuk-tag--red"
    assert tag_class("lot", "awarded") == "govuk-tag--blue"
    with pytest.raises(KeyError):
        tag_class("contract", "archived")
    with pytest.raises(KeyError):
        tag_class("tender", "open")


def render(source: str, **context) -> str:
    return Template("{% load web %}" + source).render(Context(context))


def test_the_status_tag_carries_its_words_from_the_choices_or_as_given():
    assert (
        render('{% status_tag "contract" status %}', status=Contract.Status.PARTLY_AWARDED)
        == '<strong class="govuk-tag govuk-tag--light-blue">Partly awarded</strong>'
    )
    assert (
        render('{% status_tag "interest" "registered" "Registered" %}')
        == '<strong class="govuk-tag govuk-tag--blue">Registered</strong>'
    )


def test_the_status_tag_escapes_its_label():
    html = render('{% status_tag "lot" "open" label %}', label="<b>Open</b>")
    assert "&lt;b&gt;Open&lt;/b&gt;" in html


# A service's refusal on the page ------------------------------------------------------------


class ExampleForm(forms.Form):
    title = forms.CharField()
    value = forms.DecimalField()


def bound_form() -> ExampleForm:
    form = ExampleForm({"title": "Meals", "value": "10"})
    assert form.is_valid()
    return form


def test_a_validation_error_goes_to_the_fields_it_names_and_the_rest_to_the_summary():
    form = bound_form()
    apply_service_errors(
        form,
        ValidationError({"value": ["Too small."], "districts": ["No such district."]}),
    )
    assert form.errors["value"] == ["Too small."]
    assert form.non_field_errors() == ["No such district."]


def test_a_rule_or_a_permission_refusal_goes_to_the_summary():
    form = bound_form()
    apply_service_errors(form, ApplicationError("The lot is closed.", {"rule": "PA23 s.18"}))
    apply_service_errors(form, PermissionDenied("Only officers of the council can do this."))
    apply_service_errors(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == [
        "The lot is closed.",
        "Only officers of the council can do this.",
        "One.",
        "Two.",
    ]


def test_service_errors_and_error_text_list_every_message():
    assert service_errors(ValidationError(["One.", "Two."])) == [
        {"message": "One.", "anchor": ""},
        {"message": "Two.", "anchor": ""},
    ]
    assert service_errors(ApplicationError("No.")) == [{"message": "No.", "anchor": ""}]
    assert error_text(ValidationError({"value": ["Too small."], "title": ["Too long."]})) in (
        "Too small. Too long.",
        "Too long. Too small.",
    )
    assert error_text(PermissionDenied("Not yours.")) == "Not yours."


def test_the_error_summary_links_each_field_error_to_its_control():
    first = ExampleForm({"form-0-title": "", "form-0-value": "x"}, prefix="form-0")
    second = ExampleForm({"form-1-title": "Ok", "form-1-value": "1"}, prefix="form-1")
    second.is_valid()
    second.add_error(None, "Lots must differ.")
    assert error_summary(first, None, ExampleForm(), second) == [
        {"message": "This field is required.", "anchor": "id_form-0-title"},
        {"message": "Enter a number.", "anchor": "id_form-0-value"},
        {"message": "Lots must differ.", "anchor": ""},
    ]


# Downloads ----------------------------------------------------------------------------------


def test_an_attachment_is_a_named_download_that_can_be_written_on():
    response = attachment("\ufeff", filename="awards-2026-03-31.csv", content_type="text/csv")
    response.write("a,b\r\n")
    assert response["Content-Disposition"] == 'attachment; filename="awards-2026-03-31.csv"'
    assert response["Content-Type"] == "text/csv"
    assert response.content.decode("utf-8") == "\ufeffa,b\r\n"


# Refusals: 404 for what is not yours, 403 with the reason for what you may not do -----------


def test_get_or_404_makes_a_missing_row_and_a_refusal_the_same_404():
    def missing(**kwargs):
        raise Contract.DoesNotExist

    def refused(**kwargs):
        raise PermissionDenied("This contract is a draft of another institution.")

    assert get_or_404(lambda **kwargs: kwargs["pk"], pk=7) == 7
    for selector in (missing, refused):
        with pytest.raises(Http404):
            get_or_404(selector, pk=7)


def test_forbidden_raises_the_refusal_with_its_reason():
    with pytest.raises(PermissionDenied, match="Only officers can create contracts"):
        forbidden("Only officers can create contracts.")


def request_for(path: str = "/buyer/", user=None):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.django_db
def test_a_refusal_a_page_lets_escape_is_the_403_page_with_its_reason():
    middleware = RefusalMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(
        request_for(), PermissionDenied("Only officers of Birmingham City Council can do this.")
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "You cannot see this page" in html
    assert "Only officers of Birmingham City Council can do this." in html
    assert middleware.process_exception(request_for(), ValueError("a bug")) is None


@pytest.mark.django_db
def test_under_the_api_the_refusal_is_the_json_error_shape():
    middleware = RefusalMiddleware(lambda request: HttpResponse())
    response = middleware.process_exception(request_for("/api/v1/lots/"), PermissionDenied("No."))
    assert response.status_code == 403
    assert json.loads(response.content) == {"message": "No.", "extra": {}}


def refusing_page(request):
    raise PermissionDenied("Only a network coordinator can do this.")


urlpatterns = [path("refusing/", refusing_page), path("", include("procurement.urls"))]


@pytest.mark.django_db
@pytest.mark.urls("tests.core.test_web")
def test_a_refusal_raised_anywhere_in_a_page_reaches_the_user_as_the_403_page(client):
    response = client.get("/refusing/")
    assert response.status_code == 403
    assert b"Only a network coordinator can do this." in response.content


# Access decorators, per role ----------------------------------------------------------------


def view(request, **kwargs):
    return HttpResponse(",".join(sorted(b.name for b in kwargs.get("businesses", []))))


def test_access_required_sends_visitors_to_sign_in_and_refuses_with_its_page():
    decorated = access_required(lambda user: False, refused_template="core/error.html")(view)
    anonymous = decorated(request_for("/somewhere/"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/?next=/somewhere/")


@pytest.mark.django_db
def test_business_member_required_passes_the_member_s_businesses_by_name():
    user = UserFactory()
    for name in ("Zeta Cleaning", "Alpha Catering"):
        BusinessMemberFactory(user=user, business=BusinessFactory(name=name))
    BusinessFactory(name="Not Mine Ltd")
    response = business_member_required(view)(request_for(user=user))
    assert (response.status_code, response.content) == (200, b"Alpha Catering,Zeta Cleaning")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["nobody", "officer", "coordinator"])
def test_business_member_required_refuses_everyone_else_with_how_to_add_a_business(role):
    user = {
        "nobody": UserFactory,
        "officer": lambda: officer_of(InstitutionFactory()),
        "coordinator": CoordinatorFactory,
    }[role]()
    response = business_member_required(view)(request_for(user=user))
    assert response.status_code == 403
    assert b"Add your business first" in response.content
    assert b"/business/profile/" in response.content


@pytest.mark.django_db
def test_officer_required_lets_officers_and_coordinators_in():
    officer = officer_of(InstitutionFactory())
    for user in (officer, CoordinatorFactory()):
        assert officer_required(view)(request_for(user=user)).status_code == 200


@pytest.mark.django_db
def test_officer_required_refuses_a_business_member_with_how_to_join_an_institution():
    member = BusinessMemberFactory().user
    response = officer_required(view)(request_for(user=member))
    assert response.status_code == 403
    assert b"Join your institution first" in response.content


@pytest.mark.django_db
def test_coordinator_required_lets_only_active_coordinators_in():
    assert coordinator_required(view)(request_for(user=CoordinatorFactory())).status_code == 200
    for user in (officer_of(InstitutionFactory()), BusinessMemberFactory().user, UserFactory()):
        response = coordinator_required(view)(request_for(user=user))
        assert response.status_code == 403
        assert b"This page is for network coordinators" in response.content
