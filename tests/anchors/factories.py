from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from anchors.models import Contract, Institution, Lot, Membership
from tests.accounts.factories import UserFactory


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Birmingham Anchor {n}")
    slug = factory.Sequence(lambda n: f"anchor-{n}")
    kind = Institution.Kind.COUNCIL
    threshold_class = Institution.ThresholdClass.SUB_CENTRAL
    reservation_regime = Institution.Regime.ORDER_2026
    home_area_name = "Birmingham"
    county_name = "West Midlands"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    institution = factory.SubFactory(InstitutionFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OFFICER


def officer_of(institution, **kwargs):
    return MembershipFactory(institution=institution, **kwargs).user


class ContractFactory(factory.django.DjangoModelFactory):
    """A draft contract with one lot covering all of it (as ``contract_create`` makes)."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    institution = factory.SubFactory(InstitutionFactory)
    title = "School meals for East Birmingham primary schools"
    description = "Hot lunches for six primary schools, term time only."
    procurement_type = Contract.ProcurementType.SERVICES
    estimated_value = Decimal("100000.00")
    delivery_postcode = "B9 4AA"
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))

    @factory.post_generation
    def lots(obj, create, extracted, **kwargs):
        if not create:
            return
        codes = kwargs.get("cpv", ["55000000"])
        obj.cpv_codes.set(codes)
        for number, value in enumerate(extracted or [obj.estimated_value], start=1):
            lot = Lot(
                contract=obj,
                number=number,
                title=f"{obj.title} lot {number}",
                value=Decimal(value),
                delivery_postcode=obj.delivery_postcode,
            )
            lot.full_clean(exclude=["contract"])
            lot.save()
            lot.cpv_codes.set(codes)


class QuestionFactory(factory.django.DjangoModelFactory):
    """An unanswered question about ``lot`` from ``business`` (pass both; ``asked_by`` too)."""

    class Meta:
        model = "anchors.Question"

    text = factory.Sequence(lambda n: f"Can the lunches include a vegetarian option ({n})?")
    asked_by = factory.SubFactory(UserFactory)
