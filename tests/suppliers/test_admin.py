import pytest
from django.urls import reverse

from core.models import AuditEvent
from suppliers.models import Business, Certification
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.suppliers.factories import BusinessFactory, CertificationFactory, OwnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client):
    client.force_login(CoordinatorFactory(is_staff=True))
    return client


@pytest.fixture
def business():
    member = OwnerFactory(
        business__name="Small Heath Kitchens",
        business__postcode="B10 0AA",
        business__companies_house_number="SC123456",
        user__email="owner@example.org",
    )
    member.business.certifications.set([CertificationFactory()])
    return member.business


@pytest.mark.parametrize(
    "query",
    [
        {"q": "kitchens"},
        {"q": "b100aa"},
        {"q": "sc123456"},
        {"q": "owner@example.org"},
        {
            "size_class__exact": "micro",
            "is_vcse__exact": "0",
            "legal_form__exact": "limited_company",
        },
        {"district__exact": "B10", "is_active__exact": "1", "public_profile__exact": "0"},
    ],
)
def test_staff_coordinator_searches_and_filters_businesses(coordinator_client, business, query):
    BusinessFactory(
        name="Someone else",
        postcode="CV1 1AA",
        legal_form="charity",
        staff_headcount=400,
        is_active=False,
        public_profile=True,
    )
    response = coordinator_client.get(reverse("admin:suppliers_business_changelist"), query)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [business]


@pytest.mark.parametrize("model", ["business", "businessmember", "certification"])
def test_staff_coordinator_opens_every_supplier_list(coordinator_client, business, model):
    response = coordinator_client.get(reverse(f"admin:suppliers_{model}_changelist"), {"q": "a"})
    assert response.status_code == 200


def test_staff_coordinator_reads_a_business_with_its_members_sectors_and_audit_trail(
    coordinator_client, business
):
    AuditEvent.objects.create(verb="business.updated", target_repr=str(business))
    AuditEvent.objects.filter(verb="business.updated").update(
        target_type_id=_content_type_id(), target_id=str(business.pk)
    )
    response = coordinator_client.get(
        reverse("admin:suppliers_business_change", args=[business.pk])
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "owner@example.org" in content
    assert "55000000" in content
    assert "business.updated" in content
    assert not response.context["has_change_permission"]


def test_staff_coordinator_cannot_edit_a_business_through_the_admin(coordinator_client, business):
    url = reverse("admin:suppliers_business_change", args=[business.pk])
    response = coordinator_client.post(url, {"name": "Hijacked"})
    assert response.status_code == 403
    assert Business.objects.get(pk=business.pk).name == "Small Heath Kitchens"


def test_staff_coordinator_deactivates_through_the_service(coordinator_client, business):
    response = coordinator_client.post(
        reverse("admin:suppliers_business_changelist"),
        {"action": "deactivate", "_selected_action": [business.pk]},
    )
    assert response.status_code == 302
    assert not Business.objects.get(pk=business.pk).is_active
    assert AuditEvent.objects.filter(verb="business.deactivated").exists()


def test_staff_without_the_coordinator_flag_sees_no_supplier_pages(client, business):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:suppliers_business_changelist"))
    assert response.status_code == 403


def test_superuser_edit_in_the_admin_is_audited(admin_client, business):
    url = reverse("admin:suppliers_business_change", args=[business.pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "name": "Renamed Kitchens",
        "certifications": [c.pk for c in form.initial["certifications"]],
        **_empty_inlines(response),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, [
        formset.formset.errors for formset in response.context["inline_admin_formsets"]
    ]
    event = AuditEvent.objects.get(verb="business.changed_in_admin")
    assert event.summary["after"]["name"] == "Renamed Kitchens"


def test_certification_change_page_loads_for_a_coordinator(coordinator_client):
    certification = Certification.objects.get(slug="cyber-essentials")
    url = reverse("admin:suppliers_certification_change", args=[certification.pk])
    assert coordinator_client.get(url).status_code == 200


def _content_type_id():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Business).pk


def _empty_inlines(response):
    """Management-form data so the inline formsets validate unchanged."""
    data = {}
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
        for index, form in enumerate(formset.formset.forms):
            for name in form.fields:
                value = form.instance.pk if name == "id" else form.initial.get(name)
                if value is not None:
                    data[f"{formset.formset.prefix}-{index}-{name}"] = getattr(value, "pk", value)
    return data
