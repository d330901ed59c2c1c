import pytest
from django.db import IntegrityError, transaction

from sectors.divisions import DIVISIONS
from sectors.models import CpvCode
from tests.sectors.factories import CpvCodeFactory


def test_fresh_install_has_the_45_divisions(db):
    divisions = CpvCode.objects.divisions()
    assert divisions.count() == 45 == len(DIVISIONS)
    construction = divisions.get(code="45000000")
    assert (construction.check_digit, construction.label, construction.level) == (
        "7",
        "Construction work",
        1,
    )
    assert construction.parent is None
    assert construction.division == "45"


def test_save_derives_level_and_division_from_the_code(db):
    code = CpvCode(
        code="55523100", check_digit="3", label="School-meal services", level=1, division="99"
    )
    code.save()
    code.refresh_from_db()
    assert (code.level, code.division) == (5, "55")


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"code": "5552310"}, "sectors_cpvcode_code_is_8_digits"),
        ({"code": "5552310X"}, "sectors_cpvcode_code_is_8_digits"),
        ({"check_digit": "X"}, "sectors_cpvcode_check_digit_is_one_digit"),
        ({"level": 9}, "sectors_cpvcode_level_1_to_7"),
        ({"division": "45"}, "sectors_cpvcode_division_is_first_two_digits"),
        ({"parent_id": "55523100"}, "sectors_cpvcode_not_own_parent"),
    ],
)
def test_database_refuses_rows_that_break_a_named_constraint(db, fields, constraint):
    row = {"code": "55523100", "check_digit": "3", "label": "School-meal services", "level": 5}
    row = {**row, "division": "55", **fields}
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        CpvCode.objects.bulk_create([CpvCode(**row)])  # bypasses save(), as a loader does


def test_search_ranks_exact_code_first_then_code_prefix(catering_tree):
    CpvCodeFactory(code="55520001", label="A made-up finer code")
    codes = [c.code for c in CpvCode.objects.search("55520000")]
    assert codes == ["55520000"]
    codes = [c.code for c in CpvCode.objects.search("5552")]
    assert codes == ["55520000", "55520001", "55521000", "55523000", "55523100"]


def test_search_accepts_a_code_with_its_check_digit(catering_tree):
    assert [c.code for c in CpvCode.objects.search("55523100-3")] == ["55523100"]


def test_search_ranks_label_start_then_phrase_then_words_broadest_first(catering_tree):
    codes = [c.code for c in CpvCode.objects.search("catering")]
    # label starts with the word (by level), then contains it (by level)
    assert codes == ["55520000", "55521000", "55523000", "55000000", "55500000"]
    assert [c.code for c in CpvCode.objects.search("SCHOOL meal")] == ["15894210", "55523100"]
    assert [c.code for c in CpvCode.objects.search("services school")] == ["55523100"]


def test_search_for_nothing_returns_nothing(catering_tree):
    assert not CpvCode.objects.search("   ").exists()


def test_display_code_carries_the_check_digit(catering_tree):
    assert catering_tree["55520000"].display_code == "55520000-1"
    assert str(catering_tree["55520000"]) == "55520000 Catering services"


def test_divisions_migration_is_idempotent_and_keeps_official_labels(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("sectors.migrations.0002_cpv_divisions")
    CpvCode.objects.filter(code="03000000").update(label="Official label")

    migration.insert_divisions(apps, schema_editor=None)

    assert CpvCode.objects.count() == 45
    assert CpvCode.objects.get(code="03000000").label == "Official label"
