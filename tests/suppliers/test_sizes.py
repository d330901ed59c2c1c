from decimal import Decimal

import pytest

from suppliers import sizes
from suppliers.models import Business
from tests.suppliers.factories import BusinessFactory

M = Decimal("1000000")


@pytest.mark.parametrize(
    ("staff", "turnover", "expected"),
    [
        (0, None, "micro"),
        (9, None, "micro"),
        (10, None, "small"),
        (49, None, "small"),
        (50, None, "medium"),
        (249, None, "medium"),
        (250, None, "large"),
        (9, 2 * M, "micro"),
        (9, 2 * M + Decimal("0.01"), "small"),
        (49, 10 * M, "small"),
        (49, 10 * M + Decimal("0.01"), "medium"),
        (249, 44 * M, "medium"),
        (249, 44 * M + Decimal("0.01"), "large"),
        (5, 50 * M, "large"),
        (300, Decimal("100000"), "large"),
        (None, Decimal("100000"), None),
    ],
)
def test_size_class_counts_staff_first_and_turnover_only_when_given(staff, turnover, expected):
    assert sizes.size_class_for(staff, turnover) == expected


@pytest.mark.parametrize(
    ("staff", "turnover", "expected"),
    [
        (249, None, True),
        (249, 44 * M, True),
        (249, 44 * M + Decimal("0.01"), False),
        (250, None, False),
        (3, 45 * M, False),
        (None, None, False),
    ],
)
def test_is_sme_follows_the_pa23_definition(staff, turnover, expected):
    business = BusinessFactory.build(staff_headcount=staff, annual_turnover=turnover)
    assert business.is_sme is expected


@pytest.mark.parametrize(
    ("stated", "turnover", "expected"),
    [
        (Decimal("40000"), Decimal("1000000"), Decimal("40000")),
        (None, Decimal("250000"), Decimal("125000.00")),
        (None, Decimal("100000.01"), Decimal("50000.01")),
        (Decimal("0"), Decimal("250000"), Decimal("0")),
        (None, None, None),
    ],
)
def test_effective_capacity_is_stated_value_else_half_turnover_else_unknown(
    stated, turnover, expected
):
    business = BusinessFactory.build(max_contract_value=stated, annual_turnover=turnover)
    assert business.effective_max_contract_value == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("staff", "turnover"),
    [
        (9, None),
        (10, None),
        (49, None),
        (50, None),
        (249, None),
        (250, None),
        (None, None),
        (9, 2 * M),
        (9, 2 * M + 1),
        (49, 10 * M + 1),
        (249, 44 * M),
        (249, 44 * M + 1),
    ],
)
def test_stored_size_class_agrees_with_the_python_rule(staff, turnover):
    business = BusinessFactory(staff_headcount=staff, annual_turnover=turnover)
    business.refresh_from_db()
    assert business.size_class == sizes.size_class_for(staff, turnover)


@pytest.mark.django_db
def test_stored_size_class_follows_an_update_of_the_headcount():
    business = BusinessFactory(staff_headcount=4, annual_turnover=None)
    Business.objects.filter(pk=business.pk).update(staff_headcount=60)
    business.refresh_from_db()
    assert business.size_class == Business.SizeClass.MEDIUM
