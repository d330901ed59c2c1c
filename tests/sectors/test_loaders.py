import time

import pytest
from django.core.management import CommandError, call_command

from sectors.loaders import CpvFileError, load_cpv_file
from sectors.models import CpvCode
from sectors.shipped import SHIPPED_CPV_FILE


def write_csv(tmp_path, text: str, *, name="cpv.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def tree_snapshot():
    return list(CpvCode.objects.values_list("code", "check_digit", "label", "parent_id", "level"))


def test_loading_the_official_file_stores_all_codes_under_their_nearest_parent(db):
    started = time.perf_counter()
    report = load_cpv_file(SHIPPED_CPV_FILE)
    elapsed = time.perf_counter() - started

    assert (report.created, report.updated, report.rejected) == (9409, 45, [])
    assert report.summary() == "Loaded 9454 CPV codes (9409 new, 45 updated); 0 rows rejected."
    assert CpvCode.objects.count() == 9454
    parents = dict(CpvCode.objects.values_list("code", "parent_id"))
    assert parents["55523100"] == "55523000"
    assert parents["55520000"] == "55500000"
    assert parents["30192121"] == "30192100"  # 30192120 is not in the official list
    assert parents["45000000"] is None
    assert CpvCode.objects.filter(parent__isnull=True).count() == 45  # only the divisions
    construction = CpvCode.objects.get(code="03000000")
    assert construction.label == "Agricultural, farming, fishing, forestry and related products"
    assert CpvCode.objects.get(code="55523100").level == 5
    assert elapsed < 10, f"loading the official file took {elapsed:.1f} s"


def test_reloading_the_official_file_leaves_the_same_rows(db):
    load_cpv_file(SHIPPED_CPV_FILE, batch_size=500)
    before = tree_snapshot()

    report = load_cpv_file(SHIPPED_CPV_FILE)

    assert (report.created, report.updated, report.rejected) == (0, 9454, [])
    assert tree_snapshot() == before


def test_bad_rows_are_reported_by_row_number_and_good_rows_kept(db, tmp_path):
    path = write_csv(
        tmp_path,
        "CODE,EN\n"
        "55500000-5,Canteen and catering services\n"  # row 2
        "4500000-7,Too short\n"  # row 3
        "55520000-1,Catering services\n"  # row 4
        "55521000-8,\n"  # row 5
        ",No code\n"  # row 6
        "55520000-1,Catering again\n"  # row 7
        "5552X000-1,Letter in the code\n"  # row 8
        "\n"  # row 9: blank, ignored
        '55523100-3,"School-meal  services"\n',  # row 10
    )

    report = load_cpv_file(path)

    assert report.rejected == [
        (3, "code '4500000-7' is not 8 digits (like 45000000-7)"),
        (5, "empty label"),
        (6, "empty code"),
        (7, "duplicate of row 4"),
        (8, "code '5552X000-1' is not 8 digits (like 45000000-7)"),
    ]
    assert report.created == 3
    stored = dict(CpvCode.objects.filter(division="55").values_list("code", "parent_id"))
    assert stored == {
        "55000000": None,
        "55500000": "55000000",
        "55520000": "55500000",
        "55523100": "55520000",  # 55523000 is not in this file
    }
    assert CpvCode.objects.get(code="55523100").label == "School-meal services"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "utf-16", "cp1252"])
def test_loads_with_or_without_byte_order_mark_and_in_excel_encodings(db, tmp_path, encoding):
    path = write_csv(tmp_path, "CODE,EN\n15894210-0,Crème brûlée school meals\n", encoding=encoding)

    report = load_cpv_file(path)

    assert (report.created, report.rejected) == (1, [])
    assert CpvCode.objects.get(code="15894210").label == "Crème brûlée school meals"


def test_accepts_the_all_languages_export_with_any_header_case_and_semicolons(db, tmp_path):
    path = write_csv(
        tmp_path,
        "code;De;En;Fr\r\n"
        "55520000-1;Verpflegungsdienste;Catering services;Services de traiteur\r\n",
    )

    load_cpv_file(path)

    row = CpvCode.objects.get(code="55520000")
    assert (row.check_digit, row.label, row.parent_id) == ("1", "Catering services", "55000000")


def test_codes_without_check_digit_are_stored_with_an_empty_one(db, tmp_path):
    load_cpv_file(write_csv(tmp_path, "CODE,Label\n55520000,Catering services\n"))
    assert CpvCode.objects.get(code="55520000").check_digit == ""


def test_a_partial_file_re_parents_stored_codes_under_a_new_intermediate_code(db, tmp_path):
    load_cpv_file(write_csv(tmp_path, "CODE,EN\n55523100-3,School-meal services\n"))
    assert CpvCode.objects.get(code="55523100").parent_id == "55000000"

    load_cpv_file(write_csv(tmp_path, "CODE,EN\n55520000-1,Catering services\n", name="more.csv"))

    assert CpvCode.objects.get(code="55523100").parent_id == "55520000"


def test_unrecognised_header_is_refused_with_a_clear_message(db, tmp_path):
    path = write_csv(tmp_path, "NUMBER,NAME\n55520000-1,Catering services\n")
    with pytest.raises(CpvFileError, match="expected a CODE column and an English label column"):
        load_cpv_file(path)
    assert not CpvCode.objects.exclude(level=1).exists()


def test_empty_file_is_refused(db, tmp_path):
    with pytest.raises(CpvFileError, match="The file is empty"):
        load_cpv_file(write_csv(tmp_path, ""))


def test_spreadsheet_is_refused_with_advice_to_save_as_csv(db, tmp_path):
    path = write_csv(tmp_path, "not really a spreadsheet", name="cpv_2008.xlsx")
    with pytest.raises(CpvFileError, match="save it as CSV"):
        load_cpv_file(path)


def test_command_prints_the_summary_and_each_rejected_row(db, tmp_path, capsys):
    path = write_csv(tmp_path, "CODE,EN\n55520000-1,Catering services\n4500000-7,Short\n")

    call_command("load_cpv", str(path), "--batch-size", "10")

    out, err = capsys.readouterr()
    assert "Loaded 1 CPV codes (1 new, 0 updated); 1 rows rejected." in out
    assert "row 3: code '4500000-7' is not 8 digits" in err


def test_command_reports_a_missing_file_as_a_command_error(db, tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        call_command("load_cpv", str(tmp_path / "missing.csv"))


def test_command_refuses_a_batch_size_below_one(db, tmp_path):
    with pytest.raises(CommandError, match="--batch-size must be 1 or more"):
        call_command("load_cpv", str(SHIPPED_CPV_FILE), "--batch-size", "0")
