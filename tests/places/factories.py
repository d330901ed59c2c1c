import factory

from places.models import (
    FullPostcode,
    NamedArea,
    NamedAreaDistrict,
    NamedAreaWard,
    PostcodeDistrict,
)
from places.postcodes import Postcode, area_of


class PostcodeDistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostcodeDistrict
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"ZZ{n % 100}")
    area = factory.LazyAttribute(lambda district: area_of(district.code))
    latitude = 52.48
    longitude = -1.89
    name = "Somewhere"


class FullPostcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FullPostcode
        django_get_or_create = ["postcode"]

    postcode = factory.Sequence(lambda n: f"B9 {n % 10}AA")
    district_code = factory.LazyAttribute(lambda row: Postcode.parse(row.postcode).district)
    latitude = 52.4800
    longitude = -1.8500
    ward_code = ""


class NamedAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NamedArea

    slug = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"Area {n}")


class NamedAreaDistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NamedAreaDistrict

    area = factory.SubFactory(NamedAreaFactory)
    district_code = "B9"
    is_fringe = False


class NamedAreaWardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NamedAreaWard

    area = factory.SubFactory(NamedAreaFactory)
    ward_code = factory.Sequence(lambda n: f"E0599{n:04d}")
    ward_name = factory.Sequence(lambda n: f"Ward {n}")
