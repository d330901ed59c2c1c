from decimal import Decimal

import pytest

from core.exceptions import PermissionDenied
from network.selectors import CountValue, network_dashboard, network_table
from tests.accounts.factories import CoordinatorFactory, UserFactory
from tests.anchors.factories import InstitutionFactory, officer_of
from tests.network.world import build_world
from tests.suppliers.factories import BusinessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def world():
    return build_world()


def test_headline_counts_open_lots_value_hyper_local_interests_and_matches(world, coordinator):
    headline = network_dashboard(user=coordinator).headline

    assert headline.open_lots == 3
    assert headline.open_value == Decimal("80000.00")
    assert headline.hyper_local_lots == 2
    assert headline.hyper_local_percent == Decimal("66.7")
    assert headline.interests == 3
    assert headline.interested_businesses == 2
    assert headline.matched_businesses == 5


def test_districts_count_matched_businesses_with_micro_and_vcse_most_first(world, coordinator):
    rows = network_dashboard(user=coordinator).districts

    assert [
        (row.district, row.east_birmingham_label, row.matched, row.micro, row.vcse) for row in rows
    ] == [
        ("B9", "Yes", 2, 2, 0),
        ("B10", "Yes", 1, 0, 1),
        ("B12", "Partly (fringe district)", 1, 1, 1),
        ("WS1", "No", 1, 0, 0),
    ]


def test_awards_split_by_east_birmingham_size_and_vcse_per_institution(world, coordinator):
    awards = network_dashboard(user=coordinator).awards

    alpha, beta = awards.rows
    assert alpha.institution_name == "Alpha Council"
    assert alpha.total == CountValue(2, Decimal("25000"), Decimal("100.0"))
    # The outside supplier's B8 postcode counts as East Birmingham, never as micro or VCSE.
    assert alpha.east_birmingham == CountValue(2, Decimal("25000"), Decimal("100.0"))
    assert alpha.micro == CountValue(1, Decimal("20000"), Decimal("80.0"))
    assert alpha.vcse == CountValue(0, Decimal("0"), Decimal("0.0"))
    assert alpha.east_birmingham_micro_or_vcse == CountValue(1, Decimal("20000"), Decimal("80.0"))
    assert beta.institution_name == "Beta Hospital"
    assert beta.total == CountValue(3, Decimal("100000"), Decimal("100.0"))
    assert beta.east_birmingham == CountValue(2, Decimal("50000"), Decimal("50.0"))
    assert beta.micro == CountValue(1, Decimal("35000"), Decimal("35.0"))
    assert beta.vcse == CountValue(2, Decimal("50000"), Decimal("50.0"))
    assert beta.east_birmingham_micro_or_vcse == CountValue(2, Decimal("50000"), Decimal("50.0"))
    total = awards.total
    assert total.total == CountValue(5, Decimal("125000"), Decimal("100.0"))
    assert total.east_birmingham == CountValue(4, Decimal("75000"), Decimal("60.0"))
    assert total.micro == CountValue(2, Decimal("55000"), Decimal("44.0"))
    assert total.vcse == CountValue(2, Decimal("50000"), Decimal("40.0"))
    assert total.east_birmingham_micro_or_vcse == CountValue(3, Decimal("70000"), Decimal("56.0"))


def test_institution_rows_list_every_institution_with_zeros(world, coordinator):
    rows = network_dashboard(user=coordinator).institution_rows

    assert [
        (
            row.institution_name,
            row.open_lots,
            row.open_value,
            row.hyper_local_lots,
            row.interests,
            row.awards,
            row.award_value,
        )
        for row in rows
    ] == [
        ("Alpha Council", 2, Decimal("50000"), 1, 2, 2, Decimal("25000")),
        ("Beta Hospital", 1, Decimal("30000"), 1, 1, 3, Decimal("100000")),
        ("Gamma College", 0, Decimal("0"), 0, 0, 0, Decimal("0")),
    ]


def test_filter_by_institution_limits_every_figure(world, coordinator):
    data = network_dashboard(user=coordinator, institution_id=world.beta.pk)

    assert data.institution == world.beta
    assert not data.institution_unknown
    assert data.headline.open_lots == 1
    assert data.headline.open_value == Decimal("30000")
    assert data.headline.hyper_local_percent == Decimal("100.0")
    assert data.headline.interests == 1
    assert data.headline.matched_businesses == 2
    assert [(row.district, row.matched) for row in data.districts] == [("B9", 1), ("B12", 1)]
    assert [row.institution_name for row in data.awards.rows] == ["Beta Hospital"]
    assert [row.institution_name for row in data.institution_rows] == ["Beta Hospital"]


def test_unknown_institution_is_ignored_and_reported(world, coordinator):
    data = network_dashboard(user=coordinator, institution_id=999_999)

    assert data.institution is None
    assert data.institution_unknown
    assert data.headline.open_lots == 3


def test_empty_network_has_zero_figures_and_no_rows(coordinator):
    data = network_dashboard(user=coordinator)

    assert data.headline.open_lots == 0
    assert data.headline.open_value == Decimal("0")
    assert data.headline.hyper_local_percent is None
    assert data.headline.matched_businesses == 0
    assert data.districts == []
    assert data.awards.rows == []
    assert data.awards.total is None
    assert data.institution_rows == []


def test_table_selector_returns_the_same_rows_as_the_dashboard(world, coordinator):
    dashboard = network_dashboard(user=coordinator, institution_id=world.alpha.pk)

    districts = network_table(user=coordinator, table="districts", institution_id=world.alpha.pk)
    awards = network_table(user=coordinator, table="awards", institution_id=world.alpha.pk)
    institutions = network_table(user=coordinator, table="institutions")

    assert districts.institution == world.alpha
    assert districts.rows == dashboard.districts
    assert awards.rows == dashboard.awards.rows
    assert len(institutions.rows) == 3
    with pytest.raises(KeyError):
        network_table(user=coordinator, table="secrets")


def _business_member():
    user = UserFactory()
    BusinessFactory(owner=user)
    return user


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(UserFactory, id="signed-in without a role"),
        pytest.param(_business_member, id="business member"),
        pytest.param(lambda: officer_of(InstitutionFactory()), id="officer"),
        pytest.param(lambda: CoordinatorFactory(is_active=False), id="deactivated coordinator"),
    ],
)
def test_only_coordinators_may_read_the_network_figures(make_user):
    user = make_user()

    with pytest.raises(PermissionDenied):
        network_dashboard(user=user)
    with pytest.raises(PermissionDenied):
        network_table(user=user, table="awards")


def test_anonymous_users_may_not_read_the_network_figures():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        network_dashboard(user=AnonymousUser())


def test_dashboard_selector_query_count_does_not_grow_with_data(
    coordinator, django_assert_num_queries
):
    from tests.network.world import more_data

    def run():
        data = network_dashboard(user=coordinator)
        return len(data.districts), len(data.awards.rows), len(data.institution_rows)

    # role check (2) + institutions + East Birmingham districts + lots + interests
    # + matched count + districts + awards + institution rows
    with django_assert_num_queries(10):
        run()
    build_world()
    more_data(InstitutionFactory(name="Delta Trust"), 4)
    with django_assert_num_queries(10):
        assert run() == (8, 3, 4)
