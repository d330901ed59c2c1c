import pytest
from django.core.exceptions import ValidationError

from core.exceptions import PermissionDenied
from suppliers.models import Business
from suppliers.selectors import (
    business_get_for_user,
    business_list,
    businesses_for_user,
    public_business_get,
    public_business_list,
)
from tests.suppliers.conftest import ROLES
from tests.suppliers.factories import BusinessFactory, CertificationFactory, OwnerFactory

pytestmark = pytest.mark.django_db


def _touch_profiles(businesses):
    """Read everything a list page shows, so lazy queries would be counted."""
    for business in businesses:
        [link.cpv_code.label for link in business.sector_links.all()]
        [c.name for c in business.certifications.all()]
        business.profile_missing  # noqa: B018


def _touch_members(businesses):
    for business in businesses:
        [member.user.email for member in business.members.all()]


@pytest.mark.parametrize("role", ROLES)
def test_business_get_for_user_is_for_members_and_coordinators(cast, role):
    user = getattr(cast, role)
    if role in {"owner", "member", "coordinator"}:
        assert business_get_for_user(user=user, business_id=cast.business.pk) == cast.business
    else:
        with pytest.raises(PermissionDenied):
            business_get_for_user(user=user, business_id=cast.business.pk)


def test_business_get_for_user_raises_does_not_exist_for_a_missing_business(cast):
    with pytest.raises(Business.DoesNotExist):
        business_get_for_user(user=cast.coordinator, business_id=999_999)


def test_business_get_for_user_costs_four_queries(cast, django_assert_num_queries):
    cast.business.certifications.set([CertificationFactory(), CertificationFactory()])
    with django_assert_num_queries(4):
        business = business_get_for_user(user=cast.member, business_id=cast.business.pk)
        _touch_profiles([business])
        _touch_members([business])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("owner", ["Ours"]),
        ("member", ["Ours"]),
        ("other_business_member", ["Elsewhere Ltd"]),
        ("coordinator", ["Elsewhere Ltd", "Ours", "Unowned"]),
        ("no_role", []),
        ("anonymous", []),
    ],
)
def test_businesses_for_user_lists_own_businesses_or_all_for_coordinators(cast, role, expected):
    Business.objects.filter(pk=cast.business.pk).update(name="Ours")
    BusinessFactory(name="Unowned")
    names = businesses_for_user(user=getattr(cast, role)).values_list("name", flat=True)
    assert sorted(names) == expected


def test_business_list_query_count_does_not_grow_with_rows(cast, django_assert_num_queries):
    for _ in range(5):
        business = OwnerFactory().business
        business.certifications.set([CertificationFactory()])
    with django_assert_num_queries(4):
        businesses = list(business_list(user=cast.coordinator))
        _touch_profiles(businesses)
        _touch_members(businesses)
    assert len(businesses) == 7


def test_business_list_for_a_member_shows_only_their_business(cast):
    assert list(business_list(user=cast.member)) == [cast.business]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "kitchen"}, ["Kitchen CIC"]),
        ({"q": "b33"}, ["Kitchen CIC"]),
        ({"size_class": "large"}, ["Big Builders"]),
        ({"is_vcse": "true"}, ["Kitchen CIC"]),
        ({"legal_form": "cic"}, ["Kitchen CIC"]),
        ({"district": "b33"}, ["Kitchen CIC"]),
        ({"division": "45"}, ["Big Builders"]),
        ({"area": "east-birmingham"}, ["Kitchen CIC"]),
        ({"is_active": "false"}, []),
    ],
)
def test_business_list_filters(cast, filters, expected):
    Business.objects.all().delete()
    BusinessFactory(name="Kitchen CIC", legal_form="cic", postcode="B33 8TH")
    BusinessFactory(
        name="Big Builders", postcode="CV1 1AA", staff_headcount=400, sector_codes=["45000000"]
    )
    names = [business.name for business in business_list(user=cast.coordinator, filters=filters)]
    assert names == expected


@pytest.mark.parametrize(
    ("filters", "field"),
    [({"district": "not a district"}, "district"), ({"division": "5"}, "division")],
)
def test_business_list_refuses_unreadable_filters(cast, filters, field):
    with pytest.raises(ValidationError) as exc:
        business_list(user=cast.coordinator, filters=filters)
    assert field in exc.value.message_dict


def test_public_business_list_shows_opted_in_active_profiles_in_three_queries(
    django_assert_num_queries,
):
    for name in ["Beta", "Alpha"]:
        BusinessFactory(name=name, public_profile=True).certifications.set([CertificationFactory()])
    BusinessFactory(name="Private")
    BusinessFactory(name="Closed", public_profile=True, is_active=False)
    with django_assert_num_queries(3):
        businesses = list(public_business_list())
        _touch_profiles(businesses)
    assert [business.name for business in businesses] == ["Alpha", "Beta"]


def test_public_business_get_hides_private_profiles():
    shown = BusinessFactory(public_profile=True)
    hidden = BusinessFactory()
    assert public_business_get(business_id=shown.pk) == shown
    with pytest.raises(Business.DoesNotExist):
        public_business_get(business_id=hidden.pk)


def test_businesses_for_user_is_one_query(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert list(businesses_for_user(user=cast.owner)) == [cast.business]
