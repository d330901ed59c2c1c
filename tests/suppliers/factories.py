from decimal import Decimal

import factory

from suppliers.models import Business, BusinessMember, BusinessSector, Certification
from tests.accounts.factories import UserFactory

CATERING = "55000000"  # a CPV division: the data migration inserts all 45 in every test database


class CertificationFactory(factory.django.DjangoModelFactory):
    """A certification; ``django_get_or_create`` on slug because the common ones are migrated."""

    class Meta:
        model = Certification
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"test-certification-{n}")
    name = factory.LazyAttribute(lambda row: row.slug.replace("-", " ").capitalize())
    description = factory.LazyAttribute(lambda row: f"Holds {row.name}.")


class BusinessFactory(factory.django.DjangoModelFactory):
    """A complete micro business in East Birmingham (B9) working in catering.

    ``sector_codes=[...]`` and ``certifications=[...]`` replace the defaults when creating;
    ``owner=user`` adds that user as its owner. ``.build()`` gives an unsaved business with no
    sectors (the derived columns then need a save).
    """

    class Meta:
        model = Business
        skip_postgeneration_save = True

    name = factory.Faker("company", locale="en_GB")
    legal_form = Business.LegalForm.LIMITED_COMPANY
    postcode = "B9 4AA"
    staff_headcount = 4
    annual_turnover = Decimal("250000.00")
    max_contract_value = None
    concurrent_capacity = 1
    description = factory.LazyAttribute(lambda row: f"{row.name} cooks for schools and offices.")

    @factory.post_generation
    def sector_codes(obj, create, extracted, **kwargs):
        if create:
            codes = [CATERING] if extracted is None else extracted
            links = [BusinessSector(business=obj, cpv_code_id=code) for code in codes]
            BusinessSector.objects.bulk_create(links)

    @factory.post_generation
    def certifications(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.certifications.set(extracted)

    @factory.post_generation
    def owner(obj, create, extracted, **kwargs):
        if create and extracted:
            BusinessMember.objects.create(
                business=obj, user=extracted, role=BusinessMember.Role.OWNER
            )


class BusinessMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessMember

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    role = BusinessMember.Role.MEMBER


class OwnerFactory(BusinessMemberFactory):
    role = BusinessMember.Role.OWNER
