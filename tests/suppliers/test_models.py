import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from suppliers.certifications import COMMON_CERTIFICATIONS
from suppliers.identifiers import CHARITY_NUMBER_MESSAGE, COMPANY_NUMBER_MESSAGE
from suppliers.models import Business, Certification
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db

LegalForm = Business.LegalForm


@pytest.mark.parametrize(
    ("legal_form", "declared", "expected"),
    [
        (LegalForm.CIC, False, True),
        (LegalForm.CHARITY, False, True),
        (LegalForm.COOPERATIVE, False, True),
        (LegalForm.SOLE_TRADER, False, False),
        (LegalForm.PARTNERSHIP, False, False),
        (LegalForm.LIMITED_COMPANY, False, False),
        (LegalForm.OTHER, False, False),
        (LegalForm.LIMITED_COMPANY, True, True),
        (LegalForm.SOLE_TRADER, True, True),
    ],
)
def test_vcse_is_derived_from_legal_form_or_social_enterprise_declaration(
    legal_form, declared, expected
):
    business = BusinessFactory(legal_form=legal_form, social_enterprise_declared=declared)
    assert business.is_vcse is expected
    assert Business.objects.vcse().filter(pk=business.pk).exists() is expected


@pytest.mark.parametrize(
    ("typed", "stored", "district"),
    [
        ("b94aa", "B9 4AA", "B9"),
        ("  B33 8TH ", "B33 8TH", "B33"),
        ("ec1a1bb", "EC1A 1BB", "EC1A"),
    ],
)
def test_postcode_is_normalised_and_its_district_stored(typed, stored, district):
    business = BusinessFactory.build(postcode=typed)
    business.full_clean()
    business.save()
    assert (business.postcode, business.district) == (stored, district)
    assert Business.objects.filter(district=district).get() == business


def test_a_bad_postcode_is_refused_on_the_postcode_field():
    business = BusinessFactory.build(postcode="not a postcode")
    with pytest.raises(ValidationError) as exc:
        business.full_clean()
    assert exc.value.message_dict["postcode"] == ["Enter a full UK postcode, like B9 4AA"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01234567", "01234567"),
        ("sc123456", "SC123456"),
        ("SC 123 456", "SC123456"),
        ("NI012345", "NI012345"),
        ("OC301234", "OC301234"),
        ("R0000123", "R0000123"),
        ("rs007654", "RS007654"),
    ],
)
def test_valid_companies_house_numbers_are_stored_upper_case_without_spaces(typed, stored):
    field = Business._meta.get_field("companies_house_number")
    assert field.clean(typed, None) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "1234567",
        "123456789",
        "XX123456",
        "SC12345",
        "SC1234567",
        "AB-12345",
        "0123456A",
    ],
)
def test_malformed_companies_house_numbers_are_refused_with_an_example(typed):
    field = Business._meta.get_field("companies_house_number")
    with pytest.raises(ValidationError) as exc:
        field.clean(typed, None)
    assert exc.value.messages == [COMPANY_NUMBER_MESSAGE]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("217868", "217868"),
        ("1123456", "1123456"),
        ("1123456-1", "1123456-1"),
        ("1123456 - 12", "1123456-12"),
        ("sc012345", "SC012345"),
        ("NIC 100002", "NIC100002"),
    ],
)
def test_valid_charity_numbers_of_all_three_registers_are_accepted(typed, stored):
    field = Business._meta.get_field("charity_number")
    assert field.clean(typed, None) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "12345",
        "12345678",
        "1123456-123",
        "SC112345",
        "SC01234",
        "NIC10000",
        "CC123456",
        "abc",
    ],
)
def test_malformed_charity_numbers_are_refused_with_the_formats_explained(typed):
    field = Business._meta.get_field("charity_number")
    with pytest.raises(ValidationError) as exc:
        field.clean(typed, None)
    assert exc.value.messages == [CHARITY_NUMBER_MESSAGE]


def test_registration_numbers_are_optional_for_every_legal_form():
    for legal_form in LegalForm.values:
        business = BusinessFactory.build(legal_form=legal_form)
        business.full_clean()


def test_complete_profile_has_nothing_missing():
    business = BusinessFactory()
    assert business.profile_missing == []
    assert business.profile_complete
    assert list(Business.objects.complete()) == [business]


def test_profile_missing_lists_each_gap_in_plain_words():
    business = BusinessFactory(
        sector_codes=[],
        staff_headcount=None,
        annual_turnover=None,
        max_contract_value=None,
        description="  ",
    )
    assert business.profile_missing == [
        "at least one sector",
        "your number of staff",
        "your capacity (largest contract or turnover)",
        "a short description",
    ]
    assert not business.profile_complete
    assert not Business.objects.complete().exists()


def test_a_stated_largest_contract_is_enough_capacity_without_turnover():
    business = BusinessFactory(annual_turnover=None, max_contract_value=50_000)
    assert "your capacity (largest contract or turnover)" not in business.profile_missing
    assert Business.objects.complete().filter(pk=business.pk).exists()


def test_an_unsaved_business_without_a_postcode_misses_postcode_and_sectors():
    business = BusinessFactory.build(postcode="")
    assert business.profile_missing[:2] == ["a postcode", "at least one sector"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("concurrent_capacity", 0),
        ("annual_turnover", -1),
        ("max_contract_value", -1),
    ],
)
def test_database_refuses_impossible_capacity_values(field, value):
    business = BusinessFactory()
    with pytest.raises(IntegrityError):
        Business.objects.filter(pk=business.pk).update(**{field: value})


def test_common_uk_certifications_are_installed_by_migration():
    slugs = set(Certification.objects.values_list("slug", flat=True))
    assert {slug for slug, *_ in COMMON_CERTIFICATIONS} <= slugs
    assert Certification.objects.get(slug="cyber-essentials").name == "Cyber Essentials"


def test_registration_numbers_are_found_in_any_spelling():
    business = BusinessFactory(companies_house_number="sc 123456", charity_number="sc012345")
    assert Business.objects.get(companies_house_number="SC123456") == business
    assert Business.objects.get(charity_number="SC 012345") == business
