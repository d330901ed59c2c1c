from decimal import Decimal

import pytest

from suppliers.forms import BusinessForm
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Small Heath Kitchens",
    "legal_form": "cic",
    "postcode": "b94aa",
    "sector_codes": "55000000-0, 45000000",
    "staff_headcount": "6",
    "annual_turnover": "£250,000",
    "max_contract_value": "",
    "concurrent_capacity": "2",
    "certification_slugs": ["iso-9001", "chas"],
    "description": "We cook.",
    "website": "kitchens.example.org",
}


def test_business_form_parses_into_the_services_keyword_arguments():
    form = BusinessForm(data=VALID)
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert data["postcode"] == "B9 4AA"
    assert data["sector_codes"] == ["55000000", "45000000"]
    assert data["annual_turnover"] == Decimal("250000")
    assert data["max_contract_value"] is None
    assert data["certification_slugs"] == ["iso-9001", "chas"]
    assert data["website"] == "https://kitchens.example.org"


def test_business_form_offers_the_installed_certifications():
    slugs = [slug for slug, _ in BusinessForm().fields["certification_slugs"].choices]
    assert "cyber-essentials" in slugs


def test_business_form_explains_money_in_pounds_excluding_vat():
    field = BusinessForm().fields["max_contract_value"]
    assert "£" in field.label and "excluding VAT" in field.label


def test_business_form_reports_unreadable_input_on_its_field():
    form = BusinessForm(data=VALID | {"postcode": "nowhere", "annual_turnover": "lots"})
    assert not form.is_valid()
    assert set(form.errors) == {"postcode", "annual_turnover"}


def test_business_form_hands_only_changes_to_the_update_service():
    business = BusinessFactory(name="Old name", sector_codes=["55000000"])
    initial = BusinessForm.initial_for(business)
    data = {key: value for key, value in initial.items() if value is not None}
    data |= {"name": "New name", "sector_codes": "55000000", "annual_turnover": "250000.00"}
    form = BusinessForm(data=data, initial=initial)
    assert form.is_valid(), form.errors
    assert form.changed_values() == {"name": "New name"}
