import pytest

from sectors import cpv


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45000000-7", "45000000"),
        ("45000000", "45000000"),
        (" 45000000 - 7 ", "45000000"),
        ("03000000-1", "03000000"),
        ("55523100\n", "55523100"),
    ],
)
def test_normalise_code_accepts_codes_with_or_without_check_digit(raw, expected):
    assert cpv.normalise_code(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "4500000-7", "450000000", "45000000-", "45000000-77", "4500 0000", "CPV45000000", None],
)
def test_normalise_code_refuses_anything_but_8_digits(raw):
    with pytest.raises(cpv.InvalidCpvCode, match="CPV codes have 8 digits, like 45000000"):
        cpv.normalise_code(raw)


def test_invalid_code_is_a_value_error_naming_the_text():
    with pytest.raises(ValueError, match="'4500000-7' is not a CPV code"):
        cpv.normalise_code("4500000-7")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("45000000-7", ("45000000", "7")),
        ("45000000", ("45000000", None)),
        ("45000000 -0", ("45000000", "0")),
    ],
)
def test_split_check_digit_keeps_the_digit_as_given(raw, expected):
    assert cpv.split_check_digit(raw) == expected


def test_split_code_list_splits_on_commas_semicolons_and_new_lines_not_spaces():
    text = "55520000, 45000000 - 7;\n\n 80410000-1\r\n,,"
    assert cpv.split_code_list(text) == ["55520000", "45000000 - 7", "80410000-1"]


@pytest.mark.parametrize(
    ("code", "prefix", "level"),
    [
        ("45000000", "45", 1),
        ("03000000", "03", 1),
        ("10000000", "10", 1),
        ("45100000", "451", 2),
        ("55520000", "5552", 3),
        ("55523000", "55523", 4),
        ("55523100", "555231", 5),
        ("30192120", "3019212", 6),
        ("30192121", "30192121", 7),
    ],
)
def test_significant_prefix_and_level_come_from_the_trailing_zeros(code, prefix, level):
    assert cpv.significant_prefix(code) == prefix
    assert cpv.level(code) == level


def test_division_is_the_first_two_digits():
    assert cpv.division("55523100") == "55"
    assert cpv.division("03111000") == "03"


@pytest.mark.parametrize(
    ("code", "parents"),
    [
        ("55523100", ["55523000", "55520000", "55500000", "55000000"]),
        ("30192121", ["30192120", "30192100", "30192000", "30190000", "30100000", "30000000"]),
        ("45100000", ["45000000"]),
        ("45000000", []),
    ],
)
def test_candidate_parents_zero_the_last_significant_digit_nearest_first(code, parents):
    assert cpv.candidate_parents(code) == parents


def test_nearest_parent_skips_candidates_that_do_not_exist():
    known = {"30192100", "30000000"}
    assert cpv.nearest_parent("30192121", known) == "30192100"
    assert cpv.nearest_parent("45000000", known) is None
    assert cpv.nearest_parent("45210000", known) is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("55000000", "55523100", True),
        ("55520000", "55523100", True),
        ("30100000", "30192000", True),
        ("55523100", "55520000", False),
        ("55520000", "55520000", False),
        ("55510000", "55523100", False),
        ("45000000", "55000000", False),
    ],
)
def test_is_ancestor_means_a_proper_prefix(a, b, expected):
    assert cpv.is_ancestor(a, b) is expected


@pytest.mark.parametrize(
    ("a", "b", "depth"),
    [
        ("55520000", "55523100", 4),
        ("55510000", "55523100", 3),
        ("55000000", "55523100", 2),
        ("45000000", "55000000", 0),
        ("45000000", "48000000", 1),
        ("30192121", "30192121", 8),
    ],
)
def test_common_prefix_depth_counts_shared_leading_significant_digits(a, b, depth):
    assert cpv.common_prefix_depth(a, b) == depth
    assert cpv.common_prefix_depth(b, a) == depth


def test_format_code_adds_the_check_digit_when_known():
    assert cpv.format_code("45000000", "7") == "45000000-7"
    assert cpv.format_code("45000000", "") == "45000000"


def test_cpv_module_imports_without_django():
    """The matching engine runs these helpers outside Django, so they must not import it."""
    import subprocess
    import sys

    check = "import sys, sectors.cpv; assert not any(m.startswith('django') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", check], check=True)
