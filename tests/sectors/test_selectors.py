import pytest

from sectors import cpv
from sectors.models import CpvCode
from sectors.selectors import (
    cpv_ancestors,
    cpv_children,
    cpv_filter,
    cpv_get,
    cpv_get_many,
    cpv_labels,
    cpv_search,
)


def test_cpv_search_returns_at_most_limit_codes_best_first_in_one_query(
    catering_tree, django_assert_num_queries
):
    with django_assert_num_queries(1):
        results = cpv_search("catering", limit=2)
    assert [c.code for c in results] == ["55520000", "55521000"]


def test_cpv_search_of_a_blank_query_costs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cpv_search("  ") == []


def test_cpv_filter_without_a_query_lists_the_divisions(db):
    assert [c.code for c in cpv_filter("")][:3] == ["03000000", "09000000", "14000000"]
    assert cpv_filter("").count() == 45


def test_cpv_get_accepts_a_check_digit_and_tells_unknown_from_malformed(catering_tree):
    assert cpv_get("55520000-1").label == "Catering services"
    with pytest.raises(CpvCode.DoesNotExist):
        cpv_get("55529999")
    with pytest.raises(cpv.InvalidCpvCode):
        cpv_get("5552")


def test_cpv_get_many_keeps_the_given_order_and_leaves_out_unknown_codes(
    catering_tree, django_assert_num_queries
):
    with django_assert_num_queries(1):
        codes = cpv_get_many(["55523100-3", "55529999", "45000000", "55523100"])
    assert [c.code for c in codes] == ["55523100", "45000000"]


def test_cpv_labels_maps_known_codes_to_labels_in_one_query(
    catering_tree, django_assert_num_queries
):
    with django_assert_num_queries(1):
        labels = cpv_labels(["55520000-1", "15894210", "55529999"])
    assert labels == {"55520000": "Catering services", "15894210": "School meals"}


def test_cpv_ancestors_lists_stored_codes_above_division_first_in_one_query(
    catering_tree, django_assert_num_queries
):
    with django_assert_num_queries(1):
        ancestors = cpv_ancestors("55523100")
    assert [c.code for c in ancestors] == ["55000000", "55500000", "55520000", "55523000"]
    assert [c.code for c in cpv_ancestors("15894210")] == ["15000000"]
    assert cpv_ancestors("55000000") == []


def test_cpv_ancestors_agree_with_the_stored_parent_chain(catering_tree):
    chain, code = [], catering_tree["55523100"]
    while code.parent is not None:
        code = code.parent
        chain.insert(0, code.code)
    assert [c.code for c in cpv_ancestors("55523100")] == chain


def test_cpv_children_lists_codes_directly_below(catering_tree):
    assert [c.code for c in cpv_children("55520000")] == ["55521000", "55523000"]
