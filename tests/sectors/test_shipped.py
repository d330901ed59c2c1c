"""The CPV list shipped in sectors/data/: loaded once, strictly, never over an official file."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.models import ReferenceFile
from core.reference_files import Outcome
from sectors.loaders import CPV_DATASET, CpvFileError, load_cpv_file
from sectors.models import CpvCode
from sectors.shipped import SHIPPED_CPV_CODES, SHIPPED_CPV_FILE, cpv_load_shipped

pytestmark = pytest.mark.django_db

DIVISIONS = 45  # built in by a migration


@pytest.fixture
def copy(tmp_path):
    """A copy of the shipped file to damage: ``copy(edit)`` applies ``edit`` to its lines."""

    def make(edit=None, *, name="cpv_2008_en.csv", rows=None):
        path = tmp_path / name
        shutil.copyfile(SHIPPED_CPV_FILE, path)
        if rows is not None:  # the header and the first rows: a quicker load
            lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
            path.write_text("".join(lines[: rows + 1]), encoding="utf-8-sig")
        if edit is not None:
            lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
            path.write_text("".join(edit(lines)), encoding="utf-8-sig")
        return path

    return make


def test_the_shipped_file_holds_the_whole_official_list():
    load = cpv_load_shipped()
    assert load.outcome == Outcome.LOADED
    assert load.summary == "Loaded 9,454 CPV codes from cpv_2008_en.csv."
    assert CpvCode.objects.count() == SHIPPED_CPV_CODES == 9454
    assert CpvCode.objects.get(code="55523100").parent_id == "55523000"
    record = ReferenceFile.objects.get(dataset=CPV_DATASET)
    assert (record.file_name, record.shipped, record.rows_loaded) == ("cpv_2008_en.csv", True, 9454)
    assert len(record.sha256) == 64


def test_an_unchanged_copy_is_not_loaded_again():
    cpv_load_shipped()
    CpvCode.objects.filter(code="55523100").update(label="Changed since")

    load = cpv_load_shipped()

    assert load.outcome == Outcome.UNCHANGED
    assert CpvCode.objects.get(code="55523100").label == "Changed since"


def test_a_table_changed_since_the_load_is_loaded_again():
    cpv_load_shipped()
    CpvCode.objects.filter(code="55523100").delete()

    assert cpv_load_shipped().outcome == Outcome.LOADED
    assert CpvCode.objects.count() == 9454


def test_a_valid_edit_to_the_copy_is_loaded_as_its_checksum_changed(copy):
    cpv_load_shipped()
    edited = copy(
        lambda lines: [line.replace("School-meal services", "School meals") for line in lines]
    )

    assert cpv_load_shipped(path=edited).outcome == Outcome.LOADED
    assert CpvCode.objects.get(code="55523100").label == "School meals"


def test_an_official_file_loaded_by_an_operator_is_never_replaced(copy):
    official = copy(
        lambda lines: [line.replace("School-meal services", "Official") for line in lines]
    )
    load_cpv_file(official)

    load = cpv_load_shipped()

    assert load.outcome == Outcome.KEPT
    assert "an official file (cpv_2008_en.csv, loaded on" in load.summary
    assert CpvCode.objects.get(code="55523100").label == "Official"
    assert ReferenceFile.objects.get(dataset=CPV_DATASET).shipped is False


def _break_rows(lines):
    lines[4] = "4500000-7,Too short\n"  # row 5
    lines[9] = lines[9].split(",")[0] + ",\n"  # row 10: the label deleted
    lines[20] = lines[19]  # row 21 repeats row 20
    return lines


def test_a_copy_with_bad_rows_is_refused_whole_with_each_row_number(copy):
    with pytest.raises(CpvFileError) as refused:
        cpv_load_shipped(path=copy(_break_rows))

    message = str(refused.value)
    assert "3 rows refused, so nothing was loaded" in message
    assert "row 5: code '4500000-7' is not 8 digits (like 45000000-7)" in message
    assert "row 10: empty label" in message
    assert "row 21: duplicate of row 20" in message
    assert CpvCode.objects.count() == DIVISIONS
    assert not ReferenceFile.objects.exists()


def test_a_copy_that_is_not_utf8_is_refused_with_the_row(copy):
    path = copy()
    data = path.read_bytes().replace(b"School-meal services", b"School-m\xe9al services")
    path.write_bytes(data)
    row = data[: data.index(b"\xe9")].count(b"\n") + 1

    with pytest.raises(CpvFileError, match=rf"row {row} is not UTF-8 \(byte 0xe9\)"):
        cpv_load_shipped(path=path)
    assert CpvCode.objects.count() == DIVISIONS


def test_a_copy_cut_short_mid_row_is_refused(copy):
    cut = copy(lambda lines: [*lines[:100], lines[100][:6]])

    with pytest.raises(CpvFileError, match="row 101: code '032212' is not 8 digits"):
        cpv_load_shipped(path=cut)
    assert CpvCode.objects.count() == DIVISIONS


def test_load_cpv_without_a_file_loads_the_shipped_copy_once():
    out = StringIO()
    call_command("load_cpv", stdout=out)
    call_command("load_cpv", stdout=out)
    assert out.getvalue().splitlines() == [
        "Loaded 9,454 CPV codes from cpv_2008_en.csv.",
        "The shipped cpv_2008_en.csv is loaded already.",
    ]


def test_load_cpv_reports_a_broken_shipped_copy_as_a_command_error(copy, monkeypatch):
    import sectors.shipped

    broken = copy(_break_rows)
    monkeypatch.setattr(sectors.shipped, "SHIPPED_CPV_FILE", broken)
    with pytest.raises(CommandError, match="row 5: code '4500000-7'"):
        call_command("load_cpv")
    assert CpvCode.objects.count() == DIVISIONS
