import factory

from sectors import cpv
from sectors.models import CpvCode


class CpvCodeFactory(factory.django.DjangoModelFactory):
    """A CPV code; pass ``code`` (and usually ``parent_id``) to place it in the tree.

    Uses ``django_get_or_create`` on the code because the 45 divisions already exist in every
    test database (a data migration inserts them).
    """

    class Meta:
        model = CpvCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"5599{n:04d}")
    check_digit = "0"
    label = factory.LazyAttribute(lambda row: f"Test services {row.code}")
    level = factory.LazyAttribute(lambda row: cpv.level(row.code))
    division = factory.LazyAttribute(lambda row: cpv.division(row.code))
